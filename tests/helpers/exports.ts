/** The public names of a TypeScript module, read with the compiler (what `import { … } from` it can name). */
import ts from 'typescript';

/** One exported name: the checker's symbol (aliases resolved) and whether it is a value, not only a type. */
export interface ExportedName {
  name: string;
  isValue: boolean;
  symbol: ts.Symbol;
  checker: ts.TypeChecker;
}

/** Every export of `file`, as the compiler sees it (re-exports followed). */
export function exportsOf(file: string): ExportedName[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`${file} is not a TypeScript module the compiler can read`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${file} exports nothing`);
  return checker.getExportsOfModule(module).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    return { name: exported.name, isValue: (symbol.flags & ts.SymbolFlags.Value) !== 0, symbol, checker };
  });
}
