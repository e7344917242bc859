import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceSet, childPointer, pointerSegments, refKey } from '../../../codegen/input/sources.js';

const dir = mkdtempSync(path.join(tmpdir(), 'codegen-sources-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string): string => {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
};

describe('JSON pointers', () => {
  it('escape and unescape ~ and /', () => {
    const pointer = childPointer(childPointer('', 'a/b'), '~c');
    expect(pointer).toBe('/a~1b/~0c');
    expect(pointerSegments(pointer)).toEqual(['a/b', '~c']);
    expect(pointerSegments('')).toEqual([]);
    expect(refKey({ file: '/x.yaml', pointer: '/a' })).toBe('/x.yaml#/a');
  });
});

describe('SourceSet', () => {
  const main = file(
    'main.yaml',
    [
      'a:',
      '  b: { $ref: "./other.json#/deep" }',
      'remote: { $ref: "https://example.com/x.json" }',
      'anchor: { $ref: "#foo" }',
      'missing: { $ref: "./other.json#/nope" }',
      'loop1: { $ref: "#/loop2" }',
      'loop2: { $ref: "#/loop1" }',
      'list: [1, 2]',
      '',
    ].join('\n'),
  );
  file('other.json', '{\n  "deep": { "x": 1 }\n}\n');
  const broken = file('broken.yaml', 'a: [1\n');
  const sources = new SourceSet();

  it('follows $refs across files to where a value really lives, with its line and column', () => {
    const followed = sources.follow({ file: main, pointer: '/a/b/x' });
    expect(followed).toMatchObject({ ok: true, at: { file: path.join(dir, 'other.json'), pointer: '/deep/x' }, value: 1 });
    expect(sources.position({ file: path.join(dir, 'other.json'), pointer: '/deep/x' })).toEqual({ line: 2, column: 18 });
    expect(sources.position({ file: main, pointer: '/list/1' })).toEqual({ line: 8, column: 11 });
    // A pointer past the end stops at the nearest existing node.
    expect(sources.position({ file: main, pointer: '/list/9' })).toEqual({ line: 8, column: 7 });
  });

  it.each([
    ['/remote', 'remote $ref "https://example.com/x.json" is not supported: codegen reads local files only'],
    ['/anchor', '$ref "#foo" uses an anchor; only JSON pointers ("#/...") are supported'],
    ['/missing', 'cannot resolve $ref "./other.json#/nope": /nope does not exist in other.json'],
    ['/loop1', 'circular $ref "#/loop2"'],
    ['/a/zzz', '/a/zzz does not exist'],
  ])('reports %s', (pointer, message) => {
    const followed = sources.follow({ file: main, pointer });
    expect(followed.ok).toBe(false);
    expect(followed.ok ? '' : followed.message).toBe(message);
  });

  it('reports an unreadable or unparsable file', () => {
    expect(sources.follow({ file: path.join(dir, 'absent.yaml'), pointer: '' })).toMatchObject({ ok: false });
    const result = sources.follow({ file: broken, pointer: '/a' });
    expect(result.ok ? '' : result.message).toMatch(/^cannot read broken\.yaml: /);
    expect(sources.valueAt({ file: broken, pointer: '' })).toBeUndefined();
    expect(sources.paths).toContain(main);
  });
});
