/**
 * The runtime's JSON Pointer helpers (src/base/json-pointer.ts), and the agreement with the generator's copy
 * (codegen/input/json-pointer.ts): the generator may not import runtime values, so the two are held to one table.
 */
import { describe, expect, it } from 'vitest';
import * as generator from '../../codegen/input/json-pointer.js';
import * as runtime from '../../src/base/json-pointer.js';
import { pointerToPath } from '../../src/config/paths.js';

/** Tricky tokens, each with its escaped form (RFC 6901 §3). */
const TOKENS: readonly (readonly [token: string, escaped: string])[] = [
  ['', ''],
  ['~', '~0'],
  ['/', '~1'],
  ['~1', '~01'],
  ['~01', '~001'],
  ['~0', '~00'],
  ['a/b~c', 'a~1b~0c'],
  ['//', '~1~1'],
  ['~/', '~0~1'],
  ['/~', '~1~0'],
  ['ключ/値~🙂', 'ключ~1値~0🙂'],
  ['%25 a b', '%25 a b'],
];

describe('src/base/json-pointer', () => {
  it.each(TOKENS)('escapes %j as %j and back', (token, escaped) => {
    expect(runtime.escapeToken(token)).toBe(escaped);
    expect(runtime.unescapeToken(escaped)).toBe(token);
  });

  it('unescapes ~1 before ~0: ~01 is ~1, never /', () => {
    expect(runtime.unescapeToken('~01')).toBe('~1');
  });

  it('splits and joins pointers, the empty pointer being the whole document', () => {
    expect(runtime.pointerSegments('')).toEqual([]);
    expect(runtime.pointerSegments('/')).toEqual(['']);
    expect(runtime.pointerSegments('/a~1b/~0/0')).toEqual(['a/b', '~', '0']);
    expect(runtime.joinPointer('', ['a/b', '~', 0])).toBe('/a~1b/~0/0');
    expect(runtime.joinPointer('/x', [])).toBe('/x');
    const path = TOKENS.map(([token]) => token);
    expect(runtime.pointerSegments(runtime.joinPointer('', path))).toEqual(path);
  });

  it('config paths read ajv instance paths through it (digits become indexes)', () => {
    expect(pointerToPath('/cluster/workers/static/0/a~1b')).toEqual(['cluster', 'workers', 'static', 0, 'a/b']);
  });
});

describe('the generator and the runtime agree', () => {
  it.each(TOKENS)('on the token %j', (token, escaped) => {
    expect(generator.escapeToken(token)).toBe(runtime.escapeToken(token));
    expect(generator.unescapeToken(escaped)).toBe(runtime.unescapeToken(escaped));
    const pointer = runtime.joinPointer('/root', [token, 1]);
    expect(generator.joinPointer('/root', [token, 1])).toBe(pointer);
    expect(generator.pointerSegments(pointer)).toEqual(runtime.pointerSegments(pointer));
  });

  it('on unescaping text that is no escape of anything (a lone ~, ~2)', () => {
    for (const raw of ['~', '~2', 'a~', '~~1']) expect(generator.unescapeToken(raw)).toBe(runtime.unescapeToken(raw));
  });
});
