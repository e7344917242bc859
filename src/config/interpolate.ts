/**
 * Environment interpolation in YAML string values, done on the parsed document before validation so every
 * problem keeps its line and column.
 *
 * - `${VAR}` is replaced by the variable's value; unset is an error that names the variable.
 * - `${VAR:-default}` uses `default` when VAR is unset or empty (as in a POSIX shell).
 * - `$${...}` is a literal `${...}`.
 * - Only string values are interpolated, never keys. A value that is exactly one reference takes the type the
 *   schema expects at that place (`port: ${PORT}` gives a number; an empty value for a nullable key gives null),
 *   because environment variables are always text; a reference inside longer text stays text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Scalar } from 'yaml';
import { schemaTypes, subschemaAt, type JsonSchema } from './json-schema.js';
import type { ConfigPath } from './paths.js';

/** Environment variables to read (process.env by default). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A problem found while interpolating, located by source offset. */
export interface InterpolationProblem {
  path: ConfigPath;
  /** Offset of the offending reference in the source text. */
  offset: number | undefined;
  expected: string;
  found: string;
  /** Whether `found` quotes text from the file (then it is redacted at secret paths). */
  showsValue: boolean;
}

/** What interpolation did to the document. */
export interface InterpolationResult {
  problems: InterpolationProblem[];
  /** For each interpolated value (by formatted path key), the references it came from, e.g. `${PORT}`. */
  sources: Map<string, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces references in every string value of `doc`, in place. `source` is the YAML text `doc` was parsed from. */
export function interpolateDocument(doc: Document, source: string, env: Environment, schema: JsonSchema): InterpolationResult {
  const result: InterpolationResult = { problems: [], sources: new Map() };
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        visit(pair.value, [...path, String(key)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    } else if (isScalar(node) && !isAlias(node) && typeof node.value === 'string') {
      interpolateScalar(node as Scalar<string>, path, source, env, schema, result);
    }
  };
  visit(doc.contents, []);
  return result;
}

function interpolateScalar(node: Scalar<string>, path: ConfigPath, source: string, env: Environment, schema: JsonSchema, result: InterpolationResult): void {
  const text = node.value;
  if (!text.includes('${')) return;
  const range = node.range;
  // The reference as written in the source (quoted scalars may differ from their value, so fall back to the node start).
  const offsetOf = (reference: string): number | undefined => {
    if (range === undefined || range === null) return undefined;
    const at = source.indexOf(reference, range[0]);
    return at === -1 || at >= range[1] ? range[0] : at;
  };
  const out = expand(text, env, (reference, expected, found, showsValue) => {
    result.problems.push({ path, offset: offsetOf(reference), expected, found, showsValue });
  });
  if (out.references.length === 0) {
    node.value = out.text;
    return;
  }
  result.sources.set(JSON.stringify(path), out.references.join(', '));
  (node as Scalar).value = out.whole ? coerce(out.text, subschemaAt(schema, path)) : out.text;
}

interface Expansion {
  text: string;
  /** References replaced, as written (`${PORT}`). */
  references: string[];
  /** The value was exactly one reference and nothing else. */
  whole: boolean;
}

type Report = (reference: string, expected: string, found: string, showsValue: boolean) => void;

/** Expands the references in one string. Problems go to `report`; the reference is then left as written. */
export function expand(text: string, env: Environment, report: Report): Expansion {
  let out = '';
  const references: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i] ?? '';
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close === -1) {
      report('${', 'a closing } after ${ (write $${ for a literal ${)', 'an unterminated ${', true);
      out += text.slice(i);
      break;
    }
    const reference = text.slice(i, close + 1);
    out += resolve(reference, env, report);
    references.push(reference);
    i = close + 1;
  }
  const whole = references.length === 1 && references[0] === text;
  return { text: out, references, whole };
}

function resolve(reference: string, env: Environment, report: Report): string {
  const inner = reference.slice(2, -1);
  const separator = inner.indexOf(':-');
  const name = separator === -1 ? inner : inner.slice(0, separator);
  if (!NAME.test(name)) {
    report(
      reference,
      'a reference like ${NAME} or ${NAME:-default} (letters, digits and _; write $${ for a literal ${)',
      `a reference to the bad variable name ${JSON.stringify(name)}`,
      true,
    );
    return reference;
  }
  const value = env[name];
  if (separator !== -1) return value === undefined || value === '' ? inner.slice(separator + 2) : value;
  if (value === undefined) {
    report(reference, `the environment variable ${name} to be set (or a default: \${${name}:-value})`, `${name} unset`, false);
    return reference;
  }
  return value;
}

/** Gives text from the environment the type the schema expects there, when it reads cleanly as that type. */
function coerce(text: string, schema: JsonSchema | undefined): unknown {
  if (schema === undefined) return text;
  const types = schemaTypes(schema);
  if (text === '' && types.includes('null')) return null;
  if (types.includes('string') || types.length === 0) return text;
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
