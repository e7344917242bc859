/**
 * The user/password rule, for client options and configuration files alike: a user name and a password only
 * work together.
 */

/** Which half of a user/password pair is missing (`undefined`/`null` mean "not set"), or undefined when none is. */
export function missingCredentialHalf(user: string | null | undefined, password: string | null | undefined): 'user' | 'password' | undefined {
  const hasUser = (user ?? null) !== null;
  const hasPassword = (password ?? null) !== null;
  if (hasUser === hasPassword) return undefined;
  return hasUser ? 'password' : 'user';
}
