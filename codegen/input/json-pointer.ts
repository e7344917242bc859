/**
 * JSON Pointers (RFC 6901), the one place codegen escapes and unescapes them: a reference token escapes `~` as `~0`
 * and `/` as `~1`, and unescapes `~1` before `~0` (so `~01` is `~1`, not `/`). The runtime has its own copy
 * (src/base/json-pointer.ts; the generator may not import runtime values), held to the same answers by
 * tests/base/json-pointer.test.ts.
 */

/** Escapes one reference token: `a/b` → `a~1b`, `~` → `~0`. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Unescapes one reference token: `a~1b` → `a/b`, `~01` → `~1`. */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The unescaped reference tokens of `pointer` (`''` is the whole document: no tokens). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeToken);
}

/** `pointer` with one more token, escaped. */
export function childPointer(pointer: string, token: string | number): string {
  return `${pointer}/${escapeToken(token)}`;
}

/** `pointer` with each token of `path` appended, escaped. */
export function joinPointer(pointer: string, path: readonly (string | number)[]): string {
  return pointer + path.map((token) => `/${escapeToken(token)}`).join('');
}
