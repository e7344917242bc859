/**
 * The `x-identity-of` extension of a channel parameter. `x-identity-of: worker` says that for a node of the role
 * `worker` the parameter is that node's own id (a worker listens on `worker.<its id>.inference`, never on another
 * worker's), and that for any other role it takes any value. AsyncAPI has no word for this, and permissions
 * (permissions.ts) cannot be least-privilege without it.
 */
import { diagnosticAt, type Diagnostic } from '../input/diagnostics.js';
import { childPointer, pointerSegments, refKey, type SourceRef, type SourceSet } from '../input/sources.js';

export const IDENTITY_EXTENSION = 'x-identity-of';

/** What {@link identityRoles} found. */
export interface IdentityRoles {
  /** The role each parameter is the identity of, by the parameter's location ({@link refKey}); unbound ones are absent. */
  byParameter: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * Reads `x-identity-of` from each parameter written at one of `parameters` (a shared component is read once). A value
 * that is not a role name, or names a role no operation is tagged with, is an error at the value: a misspelt role
 * would otherwise widen nobody's permissions and bind nobody's, silently.
 */
export function identityRoles(sources: SourceSet, parameters: readonly SourceRef[], roles: ReadonlySet<string>): IdentityRoles {
  const byParameter = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const at of parameters) {
    if (seen.has(refKey(at))) continue;
    seen.add(refKey(at));
    const json = sources.valueAt(at);
    if (typeof json !== 'object' || json === null || !(IDENTITY_EXTENSION in json)) continue;
    const value: unknown = (json as Record<string, unknown>)[IDENTITY_EXTENSION];
    const where = { file: at.file, pointer: childPointer(at.pointer, IDENTITY_EXTENSION) };
    const problem = roleProblem(value, roles);
    if (problem === undefined) byParameter.set(refKey(at), value as string);
    else diagnostics.push(diagnosticAt(sources, where, `parameter "${pointerSegments(at.pointer).pop() ?? ''}": ${IDENTITY_EXTENSION} ${problem}`));
  }
  return { byParameter, diagnostics };
}

/** Why `value` cannot name one of `roles`, or undefined when it does. */
function roleProblem(value: unknown, roles: ReadonlySet<string>): string | undefined {
  const known = roles.size === 0 ? 'no operation has a tag' : `the roles are the operations' tags: ${[...roles].join(', ')}`;
  if (typeof value !== 'string') return `must name a role (one operation tag, as a string), found ${JSON.stringify(value)}`;
  if (!roles.has(value)) return `names the role "${value}", but no operation is tagged "${value}" (${known})`;
  return undefined;
}
