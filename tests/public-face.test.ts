/**
 * The package face is an explicit list: src/index.ts names every runtime export (no `export *` but the contract's
 * generated module), and the README's list of public values names exactly the values it exports. A name that
 * appears or disappears without both lists changing fails here.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The names a module exports, each with whether it is a value (not only a type). */
function exportsOf(file: string): Map<string, boolean> {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return new Map(
    checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return [symbol.name, (target.flags & ts.SymbolFlags.Value) !== 0];
    }),
  );
}

describe('the package face', () => {
  const entry = readFileSync('src/index.ts', 'utf8');
  const generated = exportsOf('generated/index.ts');
  const runtime = [...exportsOf('src/index.ts')].filter(([name]) => !generated.has(name));

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
    const values = runtime.filter(([, isValue]) => isValue).map(([name]) => name).sort();
    expect(listed, 'add the name to (or remove it from) both src/index.ts and the README list').toEqual(values);
  });

  it('helpers stay inside: no describe(), describeForeign() or redactUrl() on the face', () => {
    const names = runtime.map(([name]) => name);
    for (const helper of ['describe', 'describeForeign', 'redactUrl', 'redactText']) expect(names).not.toContain(helper);
  });
});
