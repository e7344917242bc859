/**
 * The package face is an explicit list: src/index.ts names every runtime export (no `export *` but the contract's
 * generated module), and the README's list of public values names exactly the values it exports. A name that
 * appears or disappears without both lists changing fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportsOf } from './helpers/exports.js';

describe('the package face', () => {
  const entry = readFileSync('src/index.ts', 'utf8');
  const generated = new Set(exportsOf('generated/index.ts').map(({ name }) => name));
  const runtime = exportsOf('src/index.ts').filter(({ name }) => !generated.has(name));

  it('src/index.ts re-exports nothing whole but the generated contract', () => {
    const wildcards = [...entry.matchAll(/^export (?:type )?\* from '([^']+)'/gm)].map((m) => m[1]);
    expect(wildcards).toEqual(['../generated/index.js']);
  });

  it("the README's list of public values is exactly the runtime values src/index.ts exports", () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('<!-- public values: tests/public-face.test.ts -->');
    const end = readme.indexOf('<!-- end of public values -->');
    expect(start, 'README.md has lost the markers of its list of public values').toBeGreaterThan(0);
    const listed = [...readme.slice(start, end).matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1] ?? '').sort();
    const values = runtime
      .filter(({ isValue }) => isValue)
      .map(({ name }) => name)
      .sort();
    expect(listed, 'add the name to (or remove it from) both src/index.ts and the README list').toEqual(values);
  });

  it('helpers stay inside: no describe(), describeForeign() or redactUrl() on the face', () => {
    const names = runtime.map(({ name }) => name);
    for (const helper of ['describe', 'describeForeign', 'redactUrl', 'redactText']) expect(names).not.toContain(helper);
  });
});
