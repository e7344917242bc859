/**
 * JSON Pointers (RFC 6901) for the runtime: a reference token escapes `~` as `~0` and `/` as `~1`, and unescapes
 * `~1` before `~0` (so `~01` is `~1`, not `/`). The generator has its own copy (codegen/input/json-pointer.ts; it may
 * not import runtime values), held to the same answers by tests/base/json-pointer.test.ts.
 */

/** Escapes one reference token: `a/b` → `a~1b`, `~` → `~0`. */
export function escapeToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Unescapes one reference token: `a~1b` → `a/b`, `~01` → `~1`. */
export function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The unescaped reference tokens of `pointer` (`''` is the whole document: no tokens). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeToken);
}

/** `pointer` with each token of `path` appended, escaped. */
export function joinPointer(pointer: string, path: readonly (string | number)[]): string {
  return pointer + path.map((token) => `/${escapeToken(token)}`).join('');
}
