/**
 * The one place that decides what a secret looks like and how it is hidden: the marker, the URL-credentials
 * pattern, the secret key names, and the functions built on them. Error messages, log lines, connection status,
 * nats-server output and configuration problems all go through here, so a fix reaches every one of them.
 */

/** What a hidden value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Keys whose value is a secret: in config files, in logged objects and in nats-server output (`"pass":…`, `token = …`). */
const VALUE_KEYS = ['password', 'pass', 'token', 'auth_token', 'api_key', 'apikey', 'authorization', 'credentials', 'creds', 'nkey', 'seed', 'key', 'sig', 'jwt'];

/**
 * Keys of sections that hold key material (`tls: { key, passphrase }`), hidden as a whole. They are not matched
 * as `key: value` in log text, where `tls:` is the prefix of Go's TLS error messages, not a secret.
 */
const SECTION_KEYS = ['tls'];

/** Every secret key name (lower case; {@link isSecretKey} ignores case). */
export const SECRET_KEYS: readonly string[] = Object.freeze([...VALUE_KEYS, ...SECTION_KEYS]);

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/** Whether a key's value must never be shown. Case is ignored; `keys` replaces the shared list (a config spec's own). */
export function isSecretKey(name: string, keys: readonly string[] = SECRET_KEYS): boolean {
  const lower = name.toLowerCase();
  return keys === SECRET_KEYS ? SECRET_KEY_SET.has(lower) : keys.some((key) => key.toLowerCase() === lower);
}

// `scheme://userinfo@` (RFC 3986 scheme). Userinfo ends at the first `@`; a `/` first means the `@` is in the path.
const SCHEME = String.raw`[a-z][a-z0-9+.-]*:\/\/`;
/** Userinfo at the start of one URL. Spaces count as userinfo: a mistyped password is still a password. */
const LEADING_USERINFO = new RegExp(String.raw`^(${SCHEME})([^@/]*)@`, 'i');
/** Userinfo of URLs anywhere in text. No spaces, so a match never runs across words into a later `@`. */
const USERINFO_IN_TEXT = new RegExp(String.raw`(${SCHEME})[^@/\s]*@`, 'gi');
/** Anything glued to an `@`: credentials of a URL that lost its `://` (`nats//user:pass@host`). */
const BEFORE_AT = /[^\s@/[\]]+@/g;

/** Removes user, password and token from a URL (and from any further URL in the string) so it can be logged or shown. Non-URLs pass through unchanged. */
export function redactUrl(url: string): string {
  // nats://user:pass@host:4222 or nats://token@host:4222 → nats://[REDACTED]@host:4222
  return url.replace(LEADING_USERINFO, `$1${REDACTED}@`).replace(USERINFO_IN_TEXT, `$1${REDACTED}@`);
}

/** Like {@link redactUrl}, and also hides whatever stands right before any `@`: for values quoted from files, which may be malformed URLs. */
export function redactLoosely(text: string): string {
  return redactUrl(text).replace(BEFORE_AT, `${REDACTED}@`);
}

/** Credentials found in a server URL, and the URL without them. */
export interface UrlCredentials {
  url: string;
  user?: string;
  password?: string;
  token?: string;
}

/** `decodeURIComponent`, or the text unchanged when it is not valid percent-encoding. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `encodeURIComponent`, or the text unchanged when it holds a lone surrogate. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits `nats://user:pass@host` / `nats://token@host` into the bare URL and the (percent-decoded) credentials. */
export function splitUrlCredentials(url: string): UrlCredentials {
  const match = LEADING_USERINFO.exec(url);
  if (match === null) return { url };
  const [whole, scheme = '', userinfo = ''] = match;
  const bare = `${scheme}${url.slice(whole.length)}`;
  const colon = userinfo.indexOf(':');
  if (colon === -1) return userinfo === '' ? { url: bare } : { url: bare, token: percentDecode(userinfo) };
  return { url: bare, user: percentDecode(userinfo.slice(0, colon)), password: percentDecode(userinfo.slice(colon + 1)) };
}

/** The secret part of a URL's userinfo (the password, or the token), decoded and as written. */
export function urlSecrets(url: string): string[] {
  const userinfo = LEADING_USERINFO.exec(url)?.[2];
  if (userinfo === undefined) return [];
  const colon = userinfo.indexOf(':');
  const raw = colon === -1 ? userinfo : userinfo.slice(colon + 1);
  return uniqueSecrets([percentDecode(raw), raw]);
}

/** Secrets without empty strings and duplicates, longest first (so one that contains another is hidden whole). */
export function uniqueSecrets(secrets: Iterable<string>): string[] {
  return [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
}

/** Each secret as given, percent-decoded and percent-encoded: a URL may carry any of the three. */
function secretForms(secrets: readonly string[]): string[] {
  return uniqueSecrets(secrets.flatMap((secret) => [secret, percentDecode(secret), percentEncode(secret)]));
}

/** Replaces every occurrence of any form of `secrets`. Overlapping occurrences are hidden as one, so no fragment of either is left. */
function hideKnownSecrets(text: string, secrets: readonly string[]): string {
  const found: { start: number; end: number }[] = [];
  for (const form of secretForms(secrets)) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) found.push({ start: at, end: at + form.length });
  }
  found.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of found) {
    const last = merged.at(-1);
    if (last !== undefined && range.start < last.end) last.end = Math.max(last.end, range.end);
    else merged.push(range);
  }
  let out = '';
  let copied = 0;
  for (const { start, end } of merged) {
    out += `${text.slice(copied, start)}${REDACTED}`;
    copied = end;
  }
  return `${out}${text.slice(copied)}`;
}

/** Replaces every known secret (as given, percent-decoded or percent-encoded), and credentials inside URLs, with `[REDACTED]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return hideKnownSecrets(text, secrets).replace(USERINFO_IN_TEXT, `$1${REDACTED}@`);
}

/** Whether `text` shows any form of a known secret or credentials inside a URL (then it must not leave the package). */
export function revealsSecret(text: string, secrets: readonly string[]): boolean {
  return secretForms(secrets).some((form) => text.includes(form)) || text.search(USERINFO_IN_TEXT) !== -1;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
const VALUE_KEY_ALTERNATIVES = VALUE_KEYS.map(escapeRegExp).join('|');
const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
// `"pass":"x"` in protocol traces (CONNECT), `password: x` / `token = "x"` in config echoes.
const JSON_SECRET = new RegExp(String.raw`("(?:${VALUE_KEY_ALTERNATIVES})"\s*:\s*)${QUOTED}`, 'gi');
const CONF_SECRET = new RegExp(String.raw`\b(${VALUE_KEY_ALTERNATIVES})(\s*[:=]\s*)(${QUOTED}|\S+)`, 'gi');

/** Removes known secrets and anything shaped like a credential (secret JSON fields, `key: value` pairs, URL userinfo) from one nats-server log line. */
export function redactLogLine(line: string, secrets: readonly string[] = []): string {
  return scrubSecrets(line, secrets)
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(CONF_SECRET, (match, key: string, separator: string, value: string) => (value === `"${REDACTED}"` ? match : `${key}${separator}${REDACTED}`));
}

/**
 * A copy of a plain value (a loaded configuration, a status object) fit to print: the value of every secret key is
 * replaced by `[REDACTED]` (a secret section as a whole), and credentials inside URL strings are removed.
 */
export function redactSecrets<T>(value: T, keys: readonly string[] = SECRET_KEYS): T {
  if (typeof value === 'string') return redactUrl(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, keys)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key, keys) && item !== null ? REDACTED : redactSecrets(item, keys);
  return out as T;
}
