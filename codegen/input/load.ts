/**
 * Loads an AsyncAPI document with @asyncapi/parser and turns every problem into a `file:line:col: message`
 * diagnostic. References and payload schemas are also checked by codegen's own walks over the raw files
 * (references.ts, meta-schema.ts), because the parser reports a problem inside a referenced file at each place that
 * refers to it (so once per reference, and in the wrong file); codegen's walks know the file and line of every
 * node, so those copies are replaced by one precise diagnostic.
 */
import path from 'node:path';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import { CodegenError, dedupeDiagnostics, diagnosticAt, hasErrors, type Diagnostic } from './diagnostics.js';
import { checkSchemas } from './meta-schema.js';
import { checkReferences } from './references.js';
import { shareDocumentValidator } from './shared-validator.js';
import { SourceSet, childPointer, refKey } from './sources.js';

/** A successfully loaded contract. */
export interface LoadedContract {
  /** Absolute path of the spec. */
  file: string;
  document: AsyncAPIDocumentInterface;
  sources: SourceSet;
  /** Warnings that did not stop the load. */
  warnings: Diagnostic[];
}

/** A contract as far as it could be read: its document when the parser produced one, and every problem met. */
export interface ReadContract {
  /** Absolute path of the spec. */
  file: string;
  /**
   * The parser's document, also when the parser reported errors (so the model can find the problems the parser
   * does not); undefined when there is none, or when it is not an AsyncAPI 3 document.
   */
  document: AsyncAPIDocumentInterface | undefined;
  sources: SourceSet;
  /** Errors and warnings, each once, sorted by file and position. */
  diagnostics: Diagnostic[];
}

let sharedParser: Parser | undefined;
/**
 * One parser per process: building its ruleset is most of the first parse's cost, and its document validator is
 * compiled once too (shared-validator.ts), so a `--watch` run parses in a fraction of the first parse's time. Its
 * `$ref` resolver keeps no cache between parses: with one, a `--watch` run (or any second parse in a process) would
 * see a referenced file as it was at the first parse, and miss both its fix and its problems.
 */
function parser(): Parser {
  if (sharedParser === undefined) {
    sharedParser = new Parser({ __unstable: { resolver: { cache: false } } });
    shareDocumentValidator(sharedParser);
  }
  return sharedParser;
}

/** Spectral severities shown: 0 error, 1 warning (2 info and 3 hint are not). */
const ERROR = 0;
const WARNING = 1;
/** The severity as a plain number (the parser and Spectral each bring their own copy of the enum). */
const severityOf = (d: ParserDiagnostic): number => d.severity;

/** The noise a failed `if/then/else` in the AsyncAPI meta-schema adds next to the real error. */
const BRANCH_NOISE = /^"[^"]+" property must match "(?:if|then|else)" schema$/;

/**
 * Parses and validates `file`. Resolves with the document, or rejects with a {@link CodegenError} listing every
 * problem once.
 */
export async function loadContract(inputFile: string): Promise<LoadedContract> {
  const read = await readContract(inputFile);
  if (read.document === undefined || hasErrors(read.diagnostics)) throw new CodegenError(read.diagnostics, read.sources.paths);
  return { file: read.file, document: read.document, sources: read.sources, warnings: read.diagnostics };
}

/**
 * Parses and validates `file`, never rejecting for a problem of the contract: every problem is a diagnostic, and the
 * document comes back whenever the parser could build one, errors or not, so later steps can look for more.
 */
export async function readContract(inputFile: string): Promise<ReadContract> {
  const file = path.resolve(inputFile);
  const sources = new SourceSet();
  let text: string;
  try {
    text = sources.text(file);
  } catch (error) {
    const message = `cannot read the spec: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    return { file, document: undefined, sources, diagnostics: [{ severity: 'error', file, line: 1, column: 1, message }] };
  }
  // Errors do not withhold the document (the diagnostics are the same); should building it fail on a broken
  // document, a strict parse gives the diagnostics the parser would give without the document.
  let output = await parser().parse(text, { source: file, validateOptions: { allowedSeverity: { error: true } } });
  if (output.document === undefined) output = await parser().parse(text, { source: file });

  const refDiagnostics = checkReferences(sources, file);
  const schemaDiagnostics = checkSchemas(sources, file);
  // A file that does not parse makes everything read after it guesswork: report its syntax error alone.
  const syntax = syntaxErrors(output.diagnostics, sources, file);
  if (syntax.length > 0) return { file, document: undefined, sources, diagnostics: syntax };
  const parserDiagnostics = output.diagnostics.filter((d) => severityOf(d) === ERROR || severityOf(d) === WARNING);
  const mapped: Diagnostic[] = [];
  for (const d of parserDiagnostics) {
    if (d.code === 'invalid-ref' && refDiagnostics.length > 0) continue;
    const mappedOne = mapParserDiagnostic(sources, file, d);
    if (mappedOne.throughReference && schemaDiagnostics.length > 0) continue;
    mapped.push(mappedOne.diagnostic);
  }
  // Where the parser itself points into the right file, its wording wins over the meta-schema check's.
  const parserPositions = new Set(mapped.map(positionKey));
  const ownSchema = schemaDiagnostics.filter((d) => !parserPositions.has(positionKey(d)));
  let all = dedupeDiagnostics([...refDiagnostics, ...ownSchema, ...mapped]);
  const errors = all.filter((d) => d.severity === 'error');
  if (errors.some((d) => !BRANCH_NOISE.test(d.message))) all = all.filter((d) => !BRANCH_NOISE.test(d.message));
  // The same problem seen through different references has different reference sites: show it once.
  all = onePerMessageThroughReferences(all, mapped);

  if (output.document === undefined) {
    if (!hasErrors(all)) all.push({ severity: 'error', file, line: 1, column: 1, message: 'the parser returned no document' });
    return { file, document: undefined, sources, diagnostics: all };
  }
  const version = output.document.version();
  if (!version.startsWith('3.')) {
    // Nothing else is worth reporting about a document codegen cannot read at all.
    return {
      file,
      document: undefined,
      sources,
      diagnostics: [diagnosticAt(sources, { file, pointer: '/asyncapi' }, `AsyncAPI ${version} is not supported: codegen reads AsyncAPI 3.x documents`)],
    };
  }
  return { file, document: output.document, sources, diagnostics: all };
}

/** The parser's code for a YAML or JSON syntax error (its path is empty: there is no document to point into). */
const SYNTAX_CODE = 'parser';

/**
 * The first syntax error of each source file that does not parse, and nothing else: the parser goes on reading a
 * broken file and reports what follows from the first error as more errors (`Bad indentation of a mapping entry` at
 * 10:4, then three more lines below it), so one cause is one diagnostic. The parser's wording and position win; a
 * file only codegen's own reading refused (a `$ref` target the parser did not reach) gets codegen's.
 */
function syntaxErrors(parserDiagnostics: readonly ParserDiagnostic[], sources: SourceSet, mainFile: string): Diagnostic[] {
  const byFile = new Map<string, Diagnostic>();
  for (const d of parserDiagnostics) {
    if (d.code !== SYNTAX_CODE || severityOf(d) !== ERROR) continue;
    const file = d.source !== undefined && d.source !== '' ? path.resolve(d.source) : mainFile;
    const mapped: Diagnostic = { severity: 'error', file, line: d.range.start.line + 1, column: d.range.start.character + 1, message: d.message };
    const known = byFile.get(file);
    if (known === undefined || mapped.line < known.line || (mapped.line === known.line && mapped.column < known.column)) byFile.set(file, mapped);
  }
  for (const file of sources.paths) {
    const own = sources.syntaxError(file);
    if (own !== undefined && !byFile.has(file)) byFile.set(file, { severity: 'error', file, ...own.at, message: own.message });
  }
  return dedupeDiagnostics([...byFile.values()]);
}

const throughReferenceMarks = new WeakSet<Diagnostic>();

function positionKey(d: Diagnostic): string {
  return `${d.file}:${String(d.line)}:${String(d.column)}`;
}

function onePerMessageThroughReferences(all: Diagnostic[], mapped: Diagnostic[]): Diagnostic[] {
  const marked = new Set(mapped.filter((d) => throughReferenceMarks.has(d)));
  const seen = new Set<string>();
  return all.filter((d) => {
    if (!marked.has(d)) return true;
    if (seen.has(d.message)) return false;
    seen.add(d.message);
    return true;
  });
}

/** Places a parser diagnostic: in the file the parser names, at its 0-based range turned 1-based. */
function mapParserDiagnostic(sources: SourceSet, mainFile: string, d: ParserDiagnostic): { diagnostic: Diagnostic; throughReference: boolean } {
  const file = d.source !== undefined && d.source !== '' ? path.resolve(d.source) : mainFile;
  const pointer = d.path.map(String).reduce<string>((p, s) => childPointer(p, s), '');
  // A path that only exists by following `$ref`s describes a problem met through a reference.
  const followed = file === mainFile ? sources.follow({ file, pointer }) : undefined;
  const throughReference = followed !== undefined && (!followed.ok || refKey(followed.at) !== refKey({ file, pointer }));
  const diagnostic: Diagnostic = {
    severity: severityOf(d) === ERROR ? 'error' : 'warning',
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    message: d.message,
  };
  if (throughReference && d.code !== 'invalid-ref') throughReferenceMarks.add(diagnostic);
  return { diagnostic, throughReference };
}
