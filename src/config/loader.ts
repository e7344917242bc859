/**
 * A generic configuration loader: YAML text (or a plain object) → interpolated → validated against a JSON Schema
 * with defaults applied → cross-field rules → deeply frozen result. Every problem is collected and thrown at once
 * as one ConfigValidationError with file, path, line and column. It knows nothing about the cluster: a
 * {@link ConfigSpec} supplies the schema and the rules.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigValidationError, type ConfigProblem } from '../base/errors.js';
import { isSecretKey, REDACTED, SECRET_KEYS } from '../base/redaction.js';
import { deepFreeze } from './freeze.js';
import { interpolateDocument, type Environment } from './interpolate.js';
import { RULES_KEYWORD, type JsonSchema } from './json-schema.js';
import { locate, type Position } from './locate.js';
import { formatPath } from './paths.js';
import { schemaFindings, type Finding } from './schema-problems.js';

const addFormats = addFormatsModule.default;

/** A cross-field rule: looks at a schema-valid configuration and returns what is wrong (nothing if all is well). */
export type ConfigRule<T> = (config: T) => readonly RuleFinding[];

/**
 * One problem a rule found: a schema finding without a source offset (a rule points at a key or its value). `found`
 * must not quote secrets (it is redacted anyway at secret paths).
 */
export type RuleFinding = Omit<Finding, 'offset'>;

/** What a kind of configuration file is: its JSON Schema and its cross-field rules. */
export interface ConfigSpec<T> {
  /** Draft-07 JSON Schema; `default`s are applied, `additionalProperties: false` catches typos. */
  readonly schema: JsonSchema;
  /** Rules between fields, run once the schema is satisfied. */
  readonly rules?: readonly ConfigRule<T>[];
  /** Keys whose values (and everything under them) never appear in messages, case ignored. Default: {@link DEFAULT_SECRET_KEYS}. */
  readonly secretKeys?: readonly string[];
  /** Drop keys whose value is `null` from the result ("null means not set"). Default true. */
  readonly nullMeansUnset?: boolean;
}

/** Options of {@link parseConfig} and {@link loadConfig}. */
export interface ParseOptions {
  /** File name shown in problems. Default `<inline>` for parseConfig, the path for loadConfig. */
  file?: string;
  /** Variables for `${VAR}` interpolation. Default `process.env`. */
  env?: Environment;
}

/** Keys redacted when a spec does not say otherwise: the package's one list of secret key names. */
export const DEFAULT_SECRET_KEYS: readonly string[] = SECRET_KEYS;

const validators = new WeakMap<JsonSchema, ValidateFunction>();

/** The compiled validator of a schema, compiled once per schema object. */
function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    // strict: unknown keywords and ambiguous types are schema bugs; verbose: errors carry the schema node and value.
    // Start-up cost (the config is read once): no meta-schema compile and no code optimisation passes save about
    // 40 ms of a cold load. Strict mode still rejects unknown keywords; the shipped schema is checked against the
    // draft-07 meta-schema by a test instead.
    const ajv = new Ajv({
      useDefaults: true,
      allErrors: true,
      strict: true,
      allowUnionTypes: true,
      verbose: true,
      validateSchema: false,
      code: { optimize: false },
      keywords: [RULES_KEYWORD],
    });
    addFormats(ajv);
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** The YAML side of one parse: the document and how to find positions in it. */
interface Source {
  doc: Document;
  lineCounter: LineCounter;
}

/**
 * Parses, interpolates, validates and freezes a configuration. `input` is YAML text, or an already-parsed plain
 * object (not interpolated: code can read the environment itself). Throws ConfigValidationError listing every problem.
 */
export function parseConfig<T>(input: string | object, spec: ConfigSpec<T>, options: ParseOptions = {}): T {
  const file = options.file ?? '<inline>';
  const report = (findings: readonly Finding[], source?: Source): never => {
    throw new ConfigValidationError(toProblems(findings, file, spec.secretKeys ?? DEFAULT_SECRET_KEYS, source));
  };

  let data: unknown;
  let source: Source | undefined;
  const interpolated = new Map<string, string>();
  const skip = new Set<string>();
  const early: Finding[] = [];
  if (typeof input === 'string') {
    const lineCounter = new LineCounter();
    const doc = parseDocument(input, { lineCounter, prettyErrors: false, uniqueKeys: true });
    source = { doc, lineCounter };
    if (doc.errors.length > 0) {
      report(
        doc.errors.map((e) => ({ path: [], expected: 'valid YAML', found: yamlErrorText(e.message), offset: e.pos[0], showsValue: false })),
        source,
      );
    }
    const result = interpolateDocument(doc, input, options.env ?? process.env, spec.schema);
    for (const problem of result.problems) {
      early.push(problem.offset === undefined ? { ...problem, offset: 0 } : { ...problem });
      skip.add(JSON.stringify(problem.path));
    }
    for (const [key, references] of result.sources) interpolated.set(key, references);
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      report(
        [...early, { path: [], expected: 'valid YAML', found: yamlErrorText(error instanceof Error ? error.message : String(error)), showsValue: false }],
        source,
      );
    }
  } else {
    try {
      data = structuredClone(input);
    } catch {
      report([
        {
          path: [],
          expected: 'plain data (objects, arrays, strings, numbers, booleans, null)',
          found: 'a value that cannot be copied (a function, a class instance...)',
          showsValue: false,
        },
      ]);
    }
  }

  const validate = validatorFor(spec.schema);
  const findings = [...early];
  if (!validate(data)) {
    const empty = source?.doc.contents === null;
    for (const finding of schemaFindings(validate.errors ?? [])) {
      if (empty && finding.path.length === 0) {
        findings.push({ ...finding, found: 'an empty file' });
        continue;
      }
      const key = JSON.stringify(finding.path);
      // A value whose interpolation already failed would only repeat the problem.
      if (skip.has(key)) continue;
      const references = interpolated.get(key);
      findings.push(references !== undefined && finding.showsValue !== false ? { ...finding, found: `${finding.found} (from ${references})` } : finding);
    }
  }
  if (findings.length === 0) {
    for (const rule of spec.rules ?? []) findings.push(...rule(data as T));
  }
  if (findings.length > 0) report(findings, source);

  if (spec.nullMeansUnset ?? true) dropNulls(data);
  return deepFreeze(data as T);
}

/**
 * Reads a YAML file and parses it with {@link parseConfig}. A missing or unreadable file is a
 * ConfigValidationError too, so start-up has one error type to report.
 */
export async function loadConfig<T>(path: string, spec: ConfigSpec<T>, options: ParseOptions = {}): Promise<T> {
  const file = options.file ?? path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a directory'
          : code === 'EACCES'
            ? 'a file this process may not read'
            : `a read error (${code ?? 'unknown'})`;
    throw new ConfigValidationError([{ file, path: '', expected: 'a readable YAML configuration file', found }]);
  }
  return parseConfig(text, spec, { ...options, file });
}

/**
 * yaml's message, cut to its generic part: what follows `: ` and tokens that quote the source (`%directive`,
 * `!tag`, `*alias`, `\escape`, "quoted text") are dropped, so a syntax error on a password line never echoes it.
 */
function yamlErrorText(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  const generic = (firstLine.split(': ')[0] ?? firstLine).replace(/"[^"]*"|'[^']*'/g, '…').replace(/[%!&*\\]\S*/g, '…');
  return `a syntax error: ${generic}`;
}

function toProblems(findings: readonly Finding[], file: string, secretKeys: readonly string[], source: Source | undefined): ConfigProblem[] {
  const problems = findings.map((finding): ConfigProblem => {
    const secret = finding.path.some((segment) => typeof segment === 'string' && isSecretKey(segment, secretKeys));
    const found = secret && finding.showsValue !== false ? REDACTED : finding.found;
    const problem: ConfigProblem = { file, path: formatPath(finding.path), expected: finding.expected, found };
    const position = positionOf(finding, source);
    if (position !== undefined) {
      problem.line = position.line;
      problem.column = position.column;
    }
    return problem;
  });
  // Reading order: by line and column; problems without a position keep their order at the end.
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

function positionOf(finding: Finding, source: Source | undefined): Position | undefined {
  if (source === undefined) return undefined;
  if (finding.offset !== undefined) {
    const { line, col } = source.lineCounter.linePos(finding.offset);
    return { line, column: col };
  }
  return locate(source.doc, source.lineCounter, finding.path, finding.target ?? 'value');
}

/** Removes `null`-valued keys everywhere ("null means not set"); the schema has already allowed them. */
function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (child === null) Reflect.deleteProperty(record, key);
      else dropNulls(child);
    }
  }
}
