/**
 * A JSON encoder specialised to one zod schema, built once from the schema's definition: object keys are written in
 * the schema's order from precomputed `"key":` prefixes, strings are escaped only when they hold a character JSON
 * must escape, and nothing walks keys it already knows. Its output is byte-for-byte `JSON.stringify` of what the
 * schema's parse returns (zod writes object keys in schema order), but it reads the caller's value directly, so the
 * outbound path validates without zod's output copy and encodes without `JSON.stringify`'s generic key walk.
 *
 * It is built from the same schema object the validator uses, so the two cannot drift, and it is plain closures:
 * no code is generated or evaluated at run time. Schemas whose parse may change a value (defaults, transforms,
 * pipes, coercion) or kinds it does not know get no encoder (`undefined`); the caller then encodes zod's output.
 */
import type { z } from 'zod';
import { defOf, rewritesInput, type ZodDef } from './zod-def.js';

/** Encodes a value the schema has accepted. */
export type JsonEncoder = (value: unknown) => string;

/** A schema as the builder walks it: zod's base type, which every child in a definition is. */
type Schema = z.core.$ZodType;
/** The definitions of the kinds that need more than a line of the builder. */
type ObjectDef = Extract<ZodDef, { type: 'object' }>;
type UnionDef = Extract<ZodDef, { type: 'union' }>;

/** Thrown inside the builder for a kind it does not specialise; the public function answers undefined. */
class NotSpecialised extends Error {}

/** Characters JSON.stringify escapes in a string: quote, backslash, controls, and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what must be found
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Anything but printable ASCII without `"` and `\\`: such a string takes the slow path. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: everything that is not ASCII
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Whether everything written since the last {@link compileJsonBytesEncoder} call began is ASCII: its bytes are then
 * its Latin-1 bytes, which Node writes about twice as fast as UTF-8. Encoders run synchronously, so one flag is
 * enough; string and generic values clear it when they hold other characters.
 */
let asciiOnly = true;

/** Read through a function: the encoders change the flag behind the caller's back. */
const wroteAsciiOnly = (): boolean => asciiOnly;

/** Past this length V8's own escaping scan beats a regular expression over the text. */
const LONG_STRING = 64;

const encodeString = (value: unknown): string => {
  const text = value as string;
  if (text.length > LONG_STRING) {
    // The UTF-8 encoder handles what is not ASCII; finding out whether it is would cost another scan.
    asciiOnly = false;
    return JSON.stringify(text);
  }
  if (!NOT_PLAIN.test(text)) return `"${text}"`;
  if (NON_ASCII.test(text)) asciiOnly = false;
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
};
// A finite number prints as String(n) in JSON (-0 as 0); validation has already refused NaN and the infinities.
const encodeNumber = (value: unknown): string => (Number.isFinite(value) ? String(value) : 'null');
const encodeBoolean = (value: unknown): string => (value === true ? 'true' : 'false');
const encodeNull = (): string => 'null';
/** Values the schema passes through unchanged and untyped (`unknown`, `any`, mixed enums): the generic encoder. */
// JSON.stringify answers undefined (not a string) for undefined and functions; inside an array JSON writes null.
const encodeAny = (value: unknown): string => {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  const json = JSON.stringify(value);
  if (NON_ASCII.test(json)) asciiOnly = false;
  return json;
};

/** The encoder of `schema`, or undefined when it cannot be specialised (then encode zod's parse output instead). */
export function compileJsonEncoder(schema: Schema): JsonEncoder | undefined {
  try {
    return build(schema, new Map());
  } catch (error) {
    if (error instanceof NotSpecialised) return undefined;
    throw error;
  }
}

/**
 * Like {@link compileJsonEncoder}, but returns the UTF-8 bytes: written as Latin-1 (the same bytes, faster) when
 * the text is all ASCII, which the encoders track as they write.
 */
export function compileJsonBytesEncoder(schema: Schema): ((value: unknown) => Buffer) | undefined {
  const encode = compileJsonEncoder(schema);
  if (encode === undefined) return undefined;
  return (value) => {
    asciiOnly = true;
    const text = encode(value);
    return wroteAsciiOnly() ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
  };
}

function build(schema: Schema, seen: Map<Schema, JsonEncoder>): JsonEncoder {
  const known = seen.get(schema);
  if (known !== undefined) return known;
  // A recursive schema reaches itself again while being built: hand out a forwarder to the finished encoder.
  const forward: { to?: JsonEncoder } = {};
  seen.set(schema, (value) => (forward.to as JsonEncoder)(value));
  const finished = buildNew(schema, seen);
  forward.to = finished;
  seen.set(schema, finished);
  return finished;
}

function buildNew(schema: Schema, seen: Map<Schema, JsonEncoder>): JsonEncoder {
  const def = defOf(schema);
  // A coercing or overwriting schema returns something other than its input: its output must be encoded.
  if (rewritesInput(def)) throw new NotSpecialised();
  switch (def.type) {
    case 'string':
      return encodeString;
    case 'number':
      return encodeNumber;
    case 'boolean':
      return encodeBoolean;
    case 'null':
      return encodeNull;
    case 'unknown':
    case 'any':
      return encodeAny;
    case 'enum':
    case 'literal': {
      const values: readonly unknown[] = def.type === 'enum' ? Object.values(def.entries) : def.values;
      return values.every((value) => typeof value === 'string') ? encodeString : encodeAny;
    }
    case 'optional':
    case 'nullable': {
      const inner = build(def.innerType, seen);
      return (value) => (value === null ? 'null' : value === undefined ? encodeAny(value) : inner(value));
    }
    case 'array':
      return arrayEncoder(build(def.element, seen));
    case 'tuple':
      return tupleEncoder(
        def.items.map((item) => build(item, seen)),
        def.rest === null ? undefined : build(def.rest, seen),
      );
    case 'object':
      return objectEncoder(def, seen);
    case 'record':
      return recordEncoder(build(def.valueType, seen));
    case 'union':
      return unionEncoder(def, seen);
    case 'lazy':
      return build(def.getter(), seen);
    default:
      throw new NotSpecialised();
  }
}

function arrayEncoder(element: JsonEncoder): JsonEncoder {
  return (value) => {
    const items = value as readonly unknown[];
    if (items.length === 0) return '[]';
    let out = `[${element(items[0])}`;
    for (let i = 1; i < items.length; i += 1) out += `,${element(items[i])}`;
    return `${out}]`;
  };
}

function tupleEncoder(items: readonly JsonEncoder[], rest: JsonEncoder | undefined): JsonEncoder {
  return (value) => {
    const values = value as readonly unknown[];
    const parts: string[] = [];
    for (let i = 0; i < values.length; i += 1) {
      const encode = i < items.length ? items[i] : rest;
      // An optional trailing item the caller left undefined: JSON writes null inside arrays.
      parts.push(values[i] === undefined || encode === undefined ? encodeAny(values[i]) : encode(values[i]));
    }
    return `[${parts.join(',')}]`;
  };
}

/**
 * Keys in schema order (zod's output order), each with its `"key":` prefix built once; an undefined value is left
 * out, as JSON.stringify does. A loose object (`catchall: unknown`) then writes the caller's other keys in their
 * own order, as zod does; a plain `z.object` would strip them, which only its parse output shows, so it is not
 * specialised; nor is any other catchall. An own `__proto__` key is left out, as zod's output (which assigns it,
 * setting the prototype) leaves it out.
 */
function objectEncoder(def: ObjectDef, seen: Map<Schema, JsonEncoder>): JsonEncoder {
  const catchall = def.catchall === undefined ? undefined : defOf(def.catchall).type;
  if (catchall !== 'never' && catchall !== 'unknown') throw new NotSpecialised();
  const entries = Object.entries(def.shape);
  const keys = entries.map(([key]) => key);
  const prefixes = entries.map(([key]) => `${JSON.stringify(key)}:`);
  const encoders = entries.map(([, property]) => build(property, seen));
  const known = new Set(keys);
  const loose = catchall === 'unknown';
  const asciiKeys = !prefixes.some((prefix) => NON_ASCII.test(prefix));
  // The common case, every key required and no extra keys: a fixed sequence of separators, no presence checks.
  if (!loose && keys.length > 0 && entries.every(([, property]) => !acceptsUndefined(property))) {
    const first = `{${prefixes[0] as string}`;
    const separators = prefixes.map((prefix) => `,${prefix}`);
    const firstKey = keys[0] as string;
    const firstEncoder = encoders[0] as JsonEncoder;
    return (value) => {
      const object = value as Record<string, unknown>;
      if (!asciiKeys) asciiOnly = false;
      let out = first + firstEncoder(object[firstKey]);
      for (let i = 1; i < keys.length; i += 1) out += (separators[i] as string) + (encoders[i] as JsonEncoder)(object[keys[i] as string]);
      return `${out}}`;
    };
  }
  return (value) => {
    const object = value as Record<string, unknown>;
    if (!asciiKeys) asciiOnly = false;
    let out = '';
    for (let i = 0; i < keys.length; i += 1) {
      const property = object[keys[i] as string];
      if (property === undefined) continue;
      out += `${out === '' ? '{' : ','}${prefixes[i] as string}${(encoders[i] as JsonEncoder)(property)}`;
    }
    if (loose) {
      for (const key of Object.keys(object)) {
        if (known.has(key) || key === '__proto__' || object[key] === undefined) continue;
        out += `${out === '' ? '{' : ','}${encodeString(key)}:${encodeAny(object[key])}`;
      }
    }
    return out === '' ? '{}' : `${out}}`;
  };
}

/**
 * True when `schema` accepts `undefined`, so a valid object may lack the key. A schema that throws on it (a custom
 * check) is taken to accept it: the presence check is then kept, which is always correct.
 */
function acceptsUndefined(schema: Schema): boolean {
  try {
    return safeParses(schema, undefined);
  } catch {
    return true;
  }
}

/**
 * A record keeps the caller's key order (and JavaScript's: integer-like keys first), as zod's output does, and
 * like it drops an own `__proto__` key.
 */
function recordEncoder(valueEncoder: JsonEncoder): JsonEncoder {
  return (value) => {
    const object = value as Record<string, unknown>;
    let out = '';
    for (const key of Object.keys(object)) {
      const property = object[key];
      if (property === undefined || key === '__proto__') continue;
      out += `${out === '' ? '{' : ','}${encodeString(key)}:${valueEncoder(property)}`;
    }
    return out === '' ? '{}' : `${out}}`;
  };
}

/**
 * zod's parse returns the output of the first option that accepts the value. A discriminated union picks it by
 * the discriminator's value; options that encode alike (every option a string, say) need no choice; otherwise
 * each option's own check decides, in order.
 */
function unionEncoder(def: UnionDef, seen: Map<Schema, JsonEncoder>): JsonEncoder {
  const options = def.options;
  const encoders = options.map((option) => build(option, seen));
  if (encoders.every((encode) => encode === encoders[0])) return encoders[0] ?? encodeAny;
  const discriminator = 'discriminator' in def && typeof def.discriminator === 'string' ? def.discriminator : undefined;
  const byValue = discriminator === undefined ? undefined : discriminatorTable(options, encoders, discriminator);
  if (byValue !== undefined && discriminator !== undefined) {
    return (value) => {
      const encode = byValue.get((value as Record<string, unknown>)[discriminator]);
      return encode === undefined ? encodeAny(value) : encode(value);
    };
  }
  return (value) => {
    for (let i = 0; i < options.length; i += 1) if (safeParses(options[i] as Schema, value)) return (encoders[i] as JsonEncoder)(value);
    return encodeAny(value);
  };
}

/** Discriminator value to encoder, when every option is an object whose discriminator is a literal. */
function discriminatorTable(options: readonly Schema[], encoders: readonly JsonEncoder[], discriminator: string): Map<unknown, JsonEncoder> | undefined {
  const table = new Map<unknown, JsonEncoder>();
  for (let i = 0; i < options.length; i += 1) {
    const option = defOf(options[i] as Schema);
    const property = option.type === 'object' ? option.shape[discriminator] : undefined;
    const literal = property === undefined ? undefined : defOf(property);
    if (literal?.type !== 'literal') return undefined;
    for (const value of literal.values) if (!table.has(value)) table.set(value, encoders[i] as JsonEncoder);
  }
  return table;
}

/** True when `schema` accepts `value` (every schema the contract builds is a classic zod schema, with `safeParse`). */
function safeParses(schema: Schema, value: unknown): boolean {
  return (schema as z.ZodType).safeParse(value).success;
}
