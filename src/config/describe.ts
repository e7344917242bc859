/**
 * Human words for "what was expected" (from a schema node) and "what was found" (from a value), used in every
 * configuration problem. Found values never carry credentials: URLs lose their user info here, and the loader
 * replaces anything at a secret path with `[REDACTED]` before a message is built.
 *
 * docs/configuration.md describes the same schema nodes as table cells (codegen/docs/config-docs.ts, `describeKey`):
 * another text for another reader, and the generator may not import runtime values, so the two are separate functions
 * held to one table of schemas by tests/config/describe-parity.test.ts.
 */
import { redactLoosely } from '../base/redaction.js';
import { schemaTypes, type JsonSchema } from './json-schema.js';

const FORMAT_WORDS: Readonly<Record<string, string>> = {
  uuid: 'a UUID such as 123e4567-e89b-12d3-a456-426614174000',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  uri: 'a URL',
  hostname: 'a host name',
  email: 'an e-mail address',
  'date-time': 'a date and time such as 2026-11-26T10:00:00Z',
};

/** Longest string shown as "found" before it is cut, so one bad value cannot flood the error. */
const MAX_FOUND_LENGTH = 80;

/** Describes what a schema node accepts, e.g. "an integer from 1024 to 65535" or "one of: controller, worker, dual". */
export function describeExpected(schema: JsonSchema): string {
  const types = schemaTypes(schema);
  const nullable = types.includes('null');
  if (nullable && types.length === 1) return 'null';
  const main = describeNonNull(
    schema,
    types.filter((t) => t !== 'null'),
  );
  return nullable ? `${main} or null` : main;
}

function describeNonNull(schema: JsonSchema, types: readonly string[]): string {
  if (schema.enum !== undefined) return `one of: ${schema.enum.map((v) => String(v)).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) {
    // A branch inherits the node's own type and keywords (e.g. `type: string` + `anyOf: [{format: ipv4}, ...]`).
    const rest: JsonSchema = { ...schema, anyOf: undefined, oneOf: undefined };
    return branches.map((branch) => describeExpected({ ...rest, ...branch })).join(' or ');
  }
  if (types.length === 0) return 'a value';
  return types.map((type) => describeType(schema, type)).join(' or ');
}

function describeType(schema: JsonSchema, type: string): string {
  switch (type) {
    case 'integer':
      return describeRange(schema, 'an integer');
    case 'number':
      return describeRange(schema, 'a number');
    case 'boolean':
      return 'true or false';
    case 'string':
      return describeString(schema);
    case 'array':
      return describeArray(schema);
    case 'object':
      return describeObject(schema);
    default:
      return `a value of type ${type}`;
  }
}

function describeRange(schema: JsonSchema, noun: string): string {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min === 1 && noun === 'an integer') return 'a positive integer';
  if (min === 0 && noun === 'an integer') return 'a non-negative integer';
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

function describeString(schema: JsonSchema): string {
  if (schema.format !== undefined) {
    const word = FORMAT_WORDS[schema.format] ?? `a string in ${schema.format} format`;
    // `^(nats|tls)://` narrows a URL to some schemes: say which.
    const schemes = schema.pattern === undefined ? undefined : /^\^\(([a-z0-9+.|-]+)\):\/\/$/i.exec(schema.pattern)?.[1];
    if (schema.format === 'uri' && schemes !== undefined) return `a URL starting with ${joinOr(schemes.split('|').map((s) => `${s}://`))}`;
    return word;
  }
  if (schema.pattern !== undefined) return `a string matching /${schema.pattern}/`;
  if (schema.minLength === 1) return 'a non-empty string';
  if (schema.minLength !== undefined) return `a string of at least ${schema.minLength} characters`;
  return 'a string';
}

function describeArray(schema: JsonSchema): string {
  const noun = schema.minItems !== undefined && schema.minItems > 0 ? 'a non-empty list' : 'a list';
  return schema.items === undefined ? noun : `${noun} (each item: ${describeExpected(schema.items)})`;
}

function describeObject(schema: JsonSchema): string {
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length === 0) return 'a mapping';
  return keys.length === 1 ? `a mapping with the key ${keys.join('')}` : `a mapping with the keys ${keys.join(', ')}`;
}

function joinOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

/** Describes a value as found in the file: `8080`, `"abc"`, `null`, `a list of 2 items`, `a mapping`, `nothing`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    // Credentials before an `@` (nats://user:pass@host, or a URL missing its `://`) never leave the loader.
    const safe = redactLoosely(value);
    return JSON.stringify(safe.length > MAX_FOUND_LENGTH ? `${safe.slice(0, MAX_FOUND_LENGTH)}…` : safe);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 1 ? 'a list of 1 item' : `a list of ${value.length} items`;
  if (typeof value === 'object') return 'a mapping';
  return `a value of type ${typeof value}`;
}

/** The closest of `candidates` to `word` (case-insensitive edit distance), if close enough to be a likely typo. */
export function closestKey(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Allow about one edit per three characters, and always at least two, so `prot` finds `port`.
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit (`prot` → `port` is 1). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}
