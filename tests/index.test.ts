/** Every public export of the package entry carries a JSDoc comment (documentation complete for every API). */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';

describe('public API documentation', () => {
  it('every export of src/index.ts has a JSDoc comment', () => {
    const program = ts.createProgram(['src/index.ts'], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const entry = program.getSourceFile('src/index.ts');
    expect(entry).toBeDefined();
    const module = checker.getSymbolAtLocation(entry!);
    expect(module).toBeDefined();
    const exports = checker.getExportsOfModule(module!);
    expect(exports.length).toBeGreaterThan(50);
    const undocumented = exports
      .filter((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        const declaration = target.declarations?.[0];
        const tags = declaration === undefined ? 0 : ts.getJSDocCommentsAndTags(declaration).length;
        return target.getDocumentationComment(checker).length === 0 && tags === 0;
      })
      .map((symbol) => symbol.name);
    expect(undocumented).toEqual([]);
  });
});
