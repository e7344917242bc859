/** The generator's JSON Pointer helpers (codegen/input/json-pointer.ts); tests/base/json-pointer.test.ts holds them to the runtime's. */
import { describe, expect, it } from 'vitest';
import { childPointer, escapeToken, joinPointer, pointerSegments, unescapeToken } from '../../../codegen/input/json-pointer.js';

describe('codegen/input/json-pointer', () => {
  it('escapes ~ as ~0 and / as ~1, numbers as their digits', () => {
    expect(escapeToken('a/b~c')).toBe('a~1b~0c');
    expect(escapeToken('~1')).toBe('~01');
    expect(escapeToken(3)).toBe('3');
    expect(escapeToken('')).toBe('');
  });

  it('unescapes ~1 before ~0, so ~01 is ~1', () => {
    expect(unescapeToken('a~1b~0c')).toBe('a/b~c');
    expect(unescapeToken('~01')).toBe('~1');
  });

  it('splits a pointer into unescaped tokens, and appends tokens escaped', () => {
    expect(pointerSegments('')).toEqual([]);
    expect(pointerSegments('/')).toEqual(['']);
    expect(pointerSegments('/components/schemas/a~1b')).toEqual(['components', 'schemas', 'a/b']);
    expect(childPointer('/properties', 'x/y')).toBe('/properties/x~1y');
    expect(childPointer('', 0)).toBe('/0');
    expect(joinPointer('/a', ['~', '/', 2])).toBe('/a/~0/~1/2');
    expect(pointerSegments(joinPointer('', ['~1', '', '🙂']))).toEqual(['~1', '', '🙂']);
  });
});
