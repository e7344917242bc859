/**
 * String keywords: draft-07 validation §6.3 (maxLength, minLength, pattern), §7 (format) for string formats, and §8
 * (contentEncoding, contentMediaType; keywords-content.ts).
 */
import type { SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { isCount } from './state.js';
import { quote, regexLiteral } from './source.js';
import { emitContent, hasContentKeywords } from './keywords-content.js';

/** How one string format is checked: a zod string-format builder to start from, or a src/formats.js predicate. */
interface StringFormat {
  readonly base?: string;
  readonly helper?: string;
}

/**
 * The string formats we check: every draft-07 format (validation §7.3), as ajv-formats implements them, corrected to
 * the JSON Schema Test Suite, and those ajv-formats lacks (idn-*, iri*) by their RFCs and the suite; see
 * src/contract/formats.ts. `binary` and `password` are ajv-formats formats that accept anything.
 */
const STRING_FORMATS: Readonly<Record<string, StringFormat>> = {
  // z.guid() takes any 8-4-4-4-12 hex string, as ajv-formats' uuid does (z.uuid() would also demand an RFC 9562
  // version and variant); only its default message, "Invalid GUID", is replaced: the contract says UUID.
  uuid: { base: "z.guid('Invalid UUID')" },
  ipv4: { base: 'z.ipv4()' },
  ipv6: { base: 'z.ipv6()' },
  'date-time': { helper: 'isDateTime' },
  date: { helper: 'isDate' },
  time: { helper: 'isTime' },
  email: { helper: 'isEmail' },
  hostname: { helper: 'isHostname' },
  uri: { helper: 'isUri' },
  'uri-reference': { helper: 'isUriReference' },
  iri: { helper: 'isIri' },
  'iri-reference': { helper: 'isIriReference' },
  'uri-template': { helper: 'isUriTemplate' },
  'idn-hostname': { helper: 'isIdnHostname' },
  'idn-email': { helper: 'isIdnEmail' },
  'json-pointer': { helper: 'isJsonPointer' },
  'relative-json-pointer': { helper: 'isRelativeJsonPointer' },
  regex: { helper: 'isRegex' },
  binary: {},
  password: {},
};

/**
 * ajv-formats formats this emitter does not implement (none is a draft-07 format): emitting nothing would accept
 * what ajv rejects, so they are refused. Every draft-07 format (validation §7.3) is checked.
 */
const UNIMPLEMENTED_FORMATS = new Set(['iso-time', 'iso-date-time', 'duration', 'url', 'json-pointer-uri-fragment', 'byte']);

/** Regex quantifiers beyond this are left to a predicate (V8 rejects huge `{n,m}` bounds). */
const MAX_REGEX_BOUND = 100_000;

/** Whether the schema has a keyword that constrains strings (used for schemas without `type`). */
export function hasStringKeywords(schema: SchemaObject): boolean {
  if ('minLength' in schema || 'maxLength' in schema || 'pattern' in schema || hasContentKeywords(schema)) return true;
  const format = schema.format;
  if (typeof format !== 'string') return format !== undefined; // a malformed format is reported by emitString
  if (UNIMPLEMENTED_FORMATS.has(format)) return true;
  const known = STRING_FORMATS[format];
  return known?.base !== undefined || known?.helper !== undefined;
}

/** Emits `type: string` with its keywords. */
export function emitString(schema: SchemaObject, state: EmitState): string {
  const format = stringFormat(schema, state);
  let expr = format?.base ?? 'z.string()';
  expr += emitLength(schema, state);
  expr += emitPattern(schema, state);
  if (format?.helper !== undefined) {
    expr += `.refine(${state.helper(format.helper)}, ${quote(`must be a valid ${String(schema.format)}`)})`;
  }
  return expr + emitContent(schema, state);
}

/**
 * draft-07 validation §7 `format` on strings. Unknown format names are annotations (ajv with `strict: false` ignores
 * them too); ajv-formats formats we do not implement stop codegen.
 */
function stringFormat(schema: SchemaObject, state: EmitState): StringFormat | undefined {
  const format = schema.format;
  if (format === undefined) return undefined;
  if (typeof format !== 'string') return state.unsupported('format', 'format must be a string', ['format']);
  if (UNIMPLEMENTED_FORMATS.has(format)) {
    return state.unsupported(`format: ${format}`, 'this format is not implemented by the Zod emitter', ['format']);
  }
  return STRING_FORMATS[format];
}

/**
 * draft-07 validation §6.3.1-2 `maxLength`/`minLength`. JSON Schema counts code points and zod's `.min/.max` count
 * UTF-16 units, so the bounds become a `u`-flag regex (`[\s\S]` is one code point), which z.compile keeps fast.
 */
function emitLength(schema: SchemaObject, state: EmitState): string {
  const min = schema.minLength;
  const max = schema.maxLength;
  if (min === undefined && max === undefined) return '';
  if (min !== undefined && !isCount(min)) return state.unsupported('minLength', 'must be a non-negative integer');
  if (max !== undefined && !isCount(max)) return state.unsupported('maxLength', 'must be a non-negative integer');
  const message = lengthMessage(min, max);
  if ((min ?? 0) > MAX_REGEX_BOUND || (max ?? 0) > MAX_REGEX_BOUND) {
    const length = state.helper('codePointLength');
    const tests = [min === undefined ? '' : `${length}(s) >= ${min}`, max === undefined ? '' : `${length}(s) <= ${max}`];
    return `.refine((s) => ${tests.filter((test) => test !== '').join(' && ')}, ${quote(message)})`;
  }
  // "at least one code point" is "at least one UTF-16 unit": zod's own check is exact there
  if (min === 1 && max === undefined) return `.min(1, ${quote(message)})`;
  return `.regex(/^[\\s\\S]{${min ?? 0},${max ?? ''}}$/u, ${quote(message)})`;
}

function lengthMessage(min: number | undefined, max: number | undefined): string {
  const characters = (count: number): string => `${count} character${count === 1 ? '' : 's'}`;
  if (min !== undefined && max !== undefined) return `must be ${min} to ${characters(max)} long`;
  return min !== undefined ? `must be at least ${characters(min)} long` : `must be at most ${characters(max ?? 0)} long`;
}

/** draft-07 validation §6.3.3 `pattern`: an unanchored ECMA-262 regex; ajv compiles it with the `u` flag. */
function emitPattern(schema: SchemaObject, state: EmitState): string {
  const pattern = schema.pattern;
  if (pattern === undefined) return '';
  if (typeof pattern !== 'string') return state.unsupported('pattern', 'must be a string', ['pattern']);
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return state.unsupported('pattern', `not a valid regular expression with the u flag: ${(error as Error).message}`, ['pattern']);
  }
  return `.regex(${regexLiteral(pattern, 'u')}, ${quote(`must match the pattern ${pattern}`)})`;
}
