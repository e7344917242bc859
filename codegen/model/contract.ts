/**
 * The contract as codegen reads it, with every problem one run can find: the parser's and codegen's own checks of
 * the files (references, payload schemas), the checks of the messages (examples, descriptions), and the model's
 * (addresses, parameters, names), all in one list. A step goes on after an earlier step's errors whenever it has
 * something to look at, and a problem that only follows from one already reported is left out: an emit error in a
 * schema that failed its meta-schema check, a model failure on a document the parser rejected.
 */
import { dedupeDiagnostics, hasErrors, withoutWarningsAboutErrors, type Diagnostic } from '../input/diagnostics.js';
import { readContract } from '../input/load.js';
import { checkMessageExamples, contractMessages } from '../input/messages.js';
import type { SourceRef, SourceSet } from '../input/sources.js';
import { checkRules } from '../rules/index.js';
import { modelContract, type ContractModel } from './model.js';

/** What {@link checkContract} found. */
export interface CheckedContract {
  /** Absolute path of the spec. */
  file: string;
  sources: SourceSet;
  /** The model, when the parser produced a document; fit to emit only when no diagnostic is an error. */
  model: ContractModel | undefined;
  /** Errors and warnings, each once, sorted by file and position. */
  diagnostics: Diagnostic[];
}

/** Reads, checks and models the contract at `input`. Rejects only on a bug, never on a problem of the contract. */
export async function checkContract(input: string): Promise<CheckedContract> {
  const read = await readContract(input);
  const { sources, file } = read;
  // A file that does not parse: its syntax error is the one problem worth reporting (input/load.ts).
  if (read.document === undefined && hasErrors(read.diagnostics)) return { file, sources, model: undefined, diagnostics: read.diagnostics };
  const diagnostics = [...read.diagnostics];
  const messages = contractMessages(sources, file);
  diagnostics.push(...checkMessageExamples(sources, messages));
  let model: ContractModel | undefined;
  if (read.document !== undefined) {
    try {
      const built = modelContract(read.document, sources, file);
      model = built.model;
      diagnostics.push(...withoutFollowOns(built.diagnostics, read.diagnostics, [], sources));
    } catch (error) {
      // A document the parser rejected may be too broken to model; its problems are reported already.
      if (!hasErrors(read.diagnostics)) throw error;
    }
  }
  // The contract rules (codegen/rules/), at the project's severities; those that read how parts relate only when
  // nothing above is an error.
  diagnostics.push(...checkRules({ sources, mainFile: file, messages, document: read.document }, diagnostics));
  return { file, sources, model, diagnostics: dedupeDiagnostics(withoutWarningsAboutErrors(diagnostics, sources)) };
}

/**
 * `found` without the errors that follow from an earlier one: an error on a line where `earlier` already has one,
 * or inside a named schema (or a parameter) in which `earlier` already has an error, is the same problem seen again
 * (`"type": "intger"` fails the meta-schema check and then cannot be emitted either; `allOf: [3]` fails the parser's
 * check and then the model's).
 */
export function withoutFollowOns(found: readonly Diagnostic[], earlier: readonly Diagnostic[], scopes: readonly SourceRef[], sources: SourceSet): Diagnostic[] {
  const errors = earlier.filter((d) => d.severity === 'error');
  if (errors.length === 0) return [...found];
  const lines = new Set(errors.map((e) => `${e.file}:${String(e.line)}`));
  const brokenScopes = scopes.filter((scope) => errors.some((e) => sources.contains(scope, e.file, e)));
  return found.filter(
    (d) => d.severity !== 'error' || !(lines.has(`${d.file}:${String(d.line)}`) || brokenScopes.some((scope) => sources.contains(scope, d.file, d))),
  );
}

/**
 * Where each named schema and each parameter of `model` is written: the scopes of {@link withoutFollowOns}. The
 * spec's root (where a message without payload is said to be) is no scope.
 */
export function modelScopes(model: ContractModel, mainFile: string): SourceRef[] {
  const origins = [
    ...model.schemas.filter((s) => s.aliasOf === undefined).map((s) => s.origin),
    ...model.channels.flatMap((c) => c.parameters.map((p) => p.origin)),
  ];
  return origins.filter((o) => !(o.file === mainFile && o.pointer === ''));
}
