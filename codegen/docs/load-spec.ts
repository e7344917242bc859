/**
 * Loads the AsyncAPI contract for the docs: parse with @asyncapi/parser (relative file `$ref`s resolve because the
 * parser gets the file path as `source`) and stop with every error diagnostic as `file:line:col` when it is invalid.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser, stringify, DiagnosticSeverity } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, Diagnostic } from '@asyncapi/parser';

/** A parsed contract plus the serialised form the browser bundle consumes. */
export interface LoadedSpec {
  /** Absolute path of the contract file. */
  readonly file: string;
  /** The parsed, fully dereferenced document. */
  readonly document: AsyncAPIDocumentInterface;
  /** The parser's `stringify()` output: what the react-component bundle accepts without a parser of its own. */
  readonly stringified: string;
}

/** The contract could not be read or parsed; the message lists each problem with its location. */
export class SpecLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpecLoadError';
  }
}

/** Renders one parser diagnostic as `file:line:col code: message` (lines and columns 1-based). */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const start = diagnostic.range.start;
  const where = `${diagnostic.source ?? file}:${start.line + 1}:${start.character + 1}`;
  return `${where} ${String(diagnostic.code)}: ${diagnostic.message}`;
}

let parser: Parser | undefined;

/** One parser per process: building its ruleset costs more than parsing a small document. */
function sharedParser(): Parser {
  parser ??= new Parser();
  return parser;
}

/** True for error diagnostics. The parser and spectral bundle separate copies of the enum, so compare numbers. */
function isError(diagnostic: Diagnostic): boolean {
  const severity: number = diagnostic.severity;
  const error: number = DiagnosticSeverity.Error;
  return severity === error;
}

/**
 * Reads and parses the AsyncAPI document at `file`.
 * @throws {SpecLoadError} when the file is missing or the parser reports errors.
 */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    throw new SpecLoadError(`Cannot read the AsyncAPI document ${absolute}: pass an existing file with --input.`, {
      cause,
    });
  }
  const { document, diagnostics } = await sharedParser().parse(text, { source: absolute });
  const errors = diagnostics.filter(isError);
  if (document === undefined || errors.length > 0) {
    const lines = errors.map((d) => `  ${formatDiagnostic(absolute, d)}`).join('\n');
    throw new SpecLoadError(
      `The AsyncAPI document ${absolute} is not valid (${errors.length} error(s)); fix these and run again:\n${lines}`,
    );
  }
  const stringified = stringify(document);
  if (stringified === undefined) {
    throw new SpecLoadError(`The parser could not serialise ${absolute}; the docs page needs its stringify() output.`);
  }
  return { file: absolute, document, stringified };
}
