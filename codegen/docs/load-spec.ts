/**
 * Loads an AsyncAPI contract for the docs: read as the generator reads it (input/load.ts: the parser, and codegen's
 * own checks of references and schemas), so a broken document gets the same `file:line:col: message` diagnostics,
 * one per cause. What only code generation needs (NATS subjects, examples against schemas, the contract rules) does
 * not stop the docs: any valid AsyncAPI 3 document can be published.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { formatDiagnostic } from '../input/diagnostics.js';
import { readContract } from '../input/load.js';

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

/**
 * Reads and checks the AsyncAPI document at `file`. `shownAs` names it in messages (a release's tag, say) when the
 * file is a copy.
 * @throws {SpecLoadError} when the file is missing or has errors.
 */
export async function loadSpec(file: string, shownAs?: string): Promise<LoadedSpec> {
  const absolute = path.resolve(file);
  try {
    await readFile(absolute, 'utf8');
  } catch (cause) {
    throw new SpecLoadError(`Cannot read the AsyncAPI document ${absolute}: pass an existing file with --input.`, { cause });
  }
  const checked = await readContract(absolute);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (checked.document === undefined || errors.length > 0) {
    const lines = errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n');
    throw new SpecLoadError(
      `The AsyncAPI document ${shownAs ?? absolute} is not valid (${String(errors.length)} error(s)); fix these and run again:\n${lines}`,
    );
  }
  const stringified = stringify(checked.document);
  if (stringified === undefined) {
    throw new SpecLoadError(`The parser could not serialise ${absolute}; the docs page needs its stringify() output.`);
  }
  return { file: absolute, document: checked.document, stringified };
}
