/**
 * Loads an AsyncAPI document with @asyncapi/parser and turns every problem into a `file:line:col: message`
 * diagnostic. References and payload schemas are also checked by codegen's own walk over the raw files, because
 * the parser reports a problem inside a referenced file at each place that refers to it (so once per reference,
 * and in the wrong file); codegen's walk knows the file and line of every node, so those copies are replaced by
 * one precise diagnostic.
 */
import path from 'node:path';
import { Ajv } from 'ajv';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import { SourceSet, childPointer, refKey, refOf, type SourceRef } from './sources.js';

/** One problem, located in a file. Lines and columns are 1-based. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Thrown when the contract cannot be turned into code; carries every problem found. */
export class CodegenError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(`codegen stopped: ${String(diagnostics.filter((d) => d.severity === 'error').length)} problem(s)\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
    this.name = 'CodegenError';
    this.diagnostics = diagnostics;
  }
}

/** `file:line:col: message`, the file relative to `cwd` when it lies inside it. Warnings say so. */
export function formatDiagnostic(d: Diagnostic, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, d.file);
  const file = relative.startsWith('..') || path.isAbsolute(relative) ? d.file : relative;
  return `${file}:${String(d.line)}:${String(d.column)}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** Removes repeats (same file, position and message), keeping the first, then sorts by file and position. */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const d of list) {
    const key = `${d.file}\u0000${String(d.line)}\u0000${String(d.column)}\u0000${d.message}`;
    if (!seen.has(key)) seen.set(key, d);
  }
  return [...seen.values()].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
}

/** A diagnostic at a source location. */
export function diagnosticAt(sources: SourceSet, at: SourceRef, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, file: at.file, ...sources.position(at), message };
}

/** A successfully loaded contract. */
export interface LoadedContract {
  /** Absolute path of the spec. */
  file: string;
  document: AsyncAPIDocumentInterface;
  sources: SourceSet;
  /** Warnings that did not stop the load. */
  warnings: Diagnostic[];
}

let sharedParser: Parser | undefined;
/** One parser per process: building its ruleset is most of the first parse's cost. */
function parser(): Parser {
  sharedParser ??= new Parser();
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
  const file = path.resolve(inputFile);
  const sources = new SourceSet();
  let text: string;
  try {
    text = sources.text(file);
  } catch (error) {
    throw new CodegenError([{ severity: 'error', file, line: 1, column: 1, message: `cannot read the spec: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  const output = await parser().parse(text, { source: file });

  const own = checkReferencesAndSchemas(sources, file);
  const parserDiagnostics = output.diagnostics.filter((d) => severityOf(d) === ERROR || severityOf(d) === WARNING);
  const mapped: Diagnostic[] = [];
  for (const d of parserDiagnostics) {
    if (d.code === 'invalid-ref' && own.refDiagnostics.length > 0) continue;
    const mappedOne = mapParserDiagnostic(sources, file, d);
    if (mappedOne.throughReference && own.schemaDiagnostics.length > 0) continue;
    mapped.push(mappedOne.diagnostic);
  }
  // Where the parser itself points into the right file, its wording wins over the meta-schema check's.
  const parserPositions = new Set(mapped.map(positionKey));
  const ownSchema = own.schemaDiagnostics.filter((d) => !parserPositions.has(positionKey(d)));
  let all = dedupeDiagnostics([...own.refDiagnostics, ...ownSchema, ...mapped]);
  const errors = all.filter((d) => d.severity === 'error');
  if (errors.some((d) => !BRANCH_NOISE.test(d.message))) all = all.filter((d) => !BRANCH_NOISE.test(d.message));
  // The same problem seen through different references has different reference sites: show it once.
  all = onePerMessageThroughReferences(all, mapped);

  if (output.document === undefined || all.some((d) => d.severity === 'error')) {
    if (!all.some((d) => d.severity === 'error')) all.push({ severity: 'error', file, line: 1, column: 1, message: 'the parser returned no document' });
    throw new CodegenError(all);
  }
  const version = output.document.version();
  if (!version.startsWith('3.')) {
    throw new CodegenError([diagnosticAt(sources, { file, pointer: '/asyncapi' }, `AsyncAPI ${version} is not supported: codegen reads AsyncAPI 3.x documents`)]);
  }
  return { file, document: output.document, sources, warnings: all };
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

/** JSON Schema keywords whose value is a schema, an array of schemas, or a map of schemas. */
const SCHEMA_KEYWORDS = {
  single: ['additionalProperties', 'additionalItems', 'items', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties'],
  list: ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems'],
  map: ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas'],
} as const;

/** Calls `visit(childPointer)` for every subschema position of the schema at `pointer` whose value is `value`. */
export function forEachSubschema(value: unknown, pointer: string, visit: (child: string) => void): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const key of SCHEMA_KEYWORDS.single) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) visit(childPointer(pointer, key));
  }
  for (const key of SCHEMA_KEYWORDS.list) {
    const v = record[key];
    if (Array.isArray(v)) v.forEach((_, i) => { visit(childPointer(childPointer(pointer, key), i)); });
  }
  for (const key of SCHEMA_KEYWORDS.map) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [name, sub] of Object.entries(v)) if (typeof sub === 'object' && sub !== null && !Array.isArray(sub)) visit(childPointer(childPointer(pointer, key), name));
    }
  }
}

let metaValidator: Ajv | undefined;

/**
 * Codegen's own pass over the raw files: every `$ref` reachable from the spec must resolve, and every payload
 * schema (and `components.schemas` entry) must be a valid JSON Schema draft-07 document. Each problem is reported
 * once, where it is written.
 */
function checkReferencesAndSchemas(sources: SourceSet, mainFile: string): { refDiagnostics: Diagnostic[]; schemaDiagnostics: Diagnostic[] } {
  const refDiagnostics: Diagnostic[] = [];
  const schemaDiagnostics: Diagnostic[] = [];
  const visited = new Set<string>();

  // 1. References anywhere in the documents reachable from the spec.
  const walkRefs = (at: SourceRef, value: unknown): void => {
    const key = refKey(at);
    if (visited.has(key)) return;
    visited.add(key);
    if (Array.isArray(value)) {
      value.forEach((v, i) => { walkRefs({ file: at.file, pointer: childPointer(at.pointer, i) }, v); });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const ref = refOf(value);
    if (ref !== undefined) {
      const followed = sources.follow(at);
      if (!followed.ok) refDiagnostics.push(diagnosticAt(sources, followed.at, followed.message));
      else walkRefs(followed.at, followed.value);
      return;
    }
    for (const [k, v] of Object.entries(value)) walkRefs({ file: at.file, pointer: childPointer(at.pointer, k) }, v);
  };
  const root = sources.valueAt({ file: mainFile, pointer: '' });
  if (root === undefined) return { refDiagnostics, schemaDiagnostics };
  walkRefs({ file: mainFile, pointer: '' }, root);

  // 2. Payload schemas and components.schemas, each schema location checked once against the draft-07 meta-schema.
  const schemaRoots: SourceRef[] = [];
  const rootValue = root as Record<string, unknown>;
  const messagesOf = (container: unknown, base: string): void => {
    if (typeof container !== 'object' || container === null) return;
    for (const name of Object.keys(container)) {
      const message = sources.follow({ file: mainFile, pointer: childPointer(base, name) });
      if (!message.ok) continue;
      const payload = sources.follow({ file: message.at.file, pointer: childPointer(message.at.pointer, 'payload') });
      if (!payload.ok) continue;
      const p = payload.value as Record<string, unknown> | undefined;
      if (p !== undefined && typeof p.schemaFormat === 'string') {
        if (/^application\/(schema\+(json|yaml)|vnd\.aai\.asyncapi)/.test(p.schemaFormat) && typeof p.schema === 'object') schemaRoots.push({ file: payload.at.file, pointer: childPointer(payload.at.pointer, 'schema') });
      } else schemaRoots.push(payload.at);
    }
  };
  const channels = rootValue.channels;
  if (typeof channels === 'object' && channels !== null) {
    for (const id of Object.keys(channels)) messagesOf(sources.valueAt({ file: mainFile, pointer: `/channels/${id}/messages` }), childPointer(childPointer('/channels', id), 'messages'));
  }
  const components = rootValue.components as Record<string, unknown> | undefined;
  if (components !== undefined && typeof components === 'object') {
    messagesOf(components.messages, '/components/messages');
    if (typeof components.schemas === 'object' && components.schemas !== null) {
      for (const name of Object.keys(components.schemas)) schemaRoots.push({ file: mainFile, pointer: childPointer('/components/schemas', name) });
    }
  }
  const checked = new Set<string>();
  const checkSchema = (start: SourceRef): void => {
    const followed = sources.follow(start);
    if (!followed.ok) return;
    const key = refKey(followed.at);
    if (checked.has(key)) return;
    checked.add(key);
    const problems = metaSchemaProblems(followed.value);
    for (const problem of problems) {
      schemaDiagnostics.push(diagnosticAt(sources, { file: followed.at.file, pointer: followed.at.pointer + problem.pointer }, problem.message));
    }
    forEachSubschema(followed.value, followed.at.pointer, (child) => { checkSchema({ file: followed.at.file, pointer: child }); });
  };
  for (const r of schemaRoots) checkSchema(r);
  return { refDiagnostics, schemaDiagnostics };
}

/** Meta-schema problems of one schema node (not of its `$ref` targets), as pointer-relative messages. */
function metaSchemaProblems(schema: unknown): { pointer: string; message: string }[] {
  if (typeof schema !== 'object' || schema === null) {
    return typeof schema === 'boolean' ? [] : [{ pointer: '', message: `invalid schema: expected an object or a boolean, found ${JSON.stringify(schema)}` }];
  }
  metaValidator ??= new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // A `$schema` naming another draft would make ajv look for a meta-schema it does not have; check against draft-07.
  const rest = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'));
  if (metaValidator.validateSchema(rest) === true) return [];
  const byPath = new Map<string, { pointer: string; message: string }>();
  for (const error of metaValidator.errors ?? []) {
    if (['anyOf', 'oneOf', 'allOf', 'if'].includes(error.keyword) || byPath.has(error.instancePath)) continue;
    const property = error.instancePath.split('/').pop() ?? '';
    const allowed = error.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
    byPath.set(error.instancePath, { pointer: error.instancePath, message: `invalid schema: "${property}" ${error.message ?? 'is invalid'}${allowed}` });
  }
  return [...byPath.values()];
}
