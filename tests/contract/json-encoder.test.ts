/**
 * The schema-specialised encoder must write exactly the bytes `JSON.stringify` writes for what the schema's parse
 * returns. Property tests over every message of the contract (values generated from its JSON Schema, then keys
 * shuffled and strings replaced by arbitrary ones, escapes and lone surrogates included) and over small schemas of
 * every kind the encoder knows; and the kinds it must not specialise get no encoder.
 */
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channels } from '../../generated/index.js';
import { compileJsonBytesEncoder, compileJsonEncoder } from '../../src/contract/json-encoder.js';
import { parseKeepsInput, validatingJsonSerializer } from '../../src/contract/typed-serializer.js';
import { loadContract, payloadsFor } from '../helpers/parity-payloads.js';

const RUNS = 200;

/** Every message and reply the channels carry, once each, with its zod schema. */
function channelSchemas(): [name: string, schema: z.ZodType][] {
  const found = new Map<string, z.ZodType>();
  for (const channel of Object.values(channels)) {
    found.set(channel.messageName, channel.schema as z.ZodType);
    if ('replySchema' in channel) found.set(channel.replyName, channel.replySchema);
  }
  return [...found];
}

const contract = new Map(loadContract(path.resolve('asyncapi.yaml')).map((message) => [message.name, message]));

/** Valid values of `schema`: the contract's examples and values generated from the message's JSON Schema. */
function validValues(name: string, schema: z.ZodType): unknown[] {
  const message = contract.get(name);
  if (message === undefined) return [];
  let start = 7;
  for (let i = 0; i < name.length; i += 1) start = (start * 31 + name.charCodeAt(i)) >>> 0;
  return payloadsFor(message.schema, message.examples, start, 300)
    .map((m) => m.value)
    .filter((value) => schema.safeParse(value).success);
}

/** A copy of `value` with every object's keys in a random order (zod writes them in schema order). */
function shuffled(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffled(item, random));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(() => random() - 0.5);
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffled(v, random)]));
}

/** A copy of `value` whose n-th string leaf (in visiting order) is `replacement`. */
function withString(value: unknown, n: number, replacement: string): unknown {
  let seen = 0;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return seen++ === n ? replacement : node;
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
  };
  return visit(value);
}

const shortString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\n', '\u0000', '\ud800', 'a\udc00b', '\u2028', '</script>'),
);
/** Strings of every length: long ones take JSON.stringify's own escaping. */
const anyString = fc.oneof(
  shortString,
  fc.string({ unit: 'binary', minLength: 60, maxLength: 400 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 400 }),
);

describe("the contract's messages", () => {
  it.each(channelSchemas())('%s: every message a channel sends gets a specialised encoder (no zod copy on the hot path)', (_name, schema) => {
    expect(parseKeepsInput(schema)).toBe(true);
    expect(compileJsonEncoder(schema)).toBeTypeOf('function');
  });

  it.each(channelSchemas())('%s: encodes byte-for-byte as JSON.stringify of the parse output, whatever the key order and string content', (name, schema) => {
    const encode = compileJsonEncoder(schema);
    if (encode === undefined) throw new Error(`${name} has no encoder`);
    const serializer = validatingJsonSerializer(name, schema);
    const values = validValues(name, schema);
    expect(values.length, `${name}: valid values`).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...values), fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(40), anyString, (base, start, leaf, text) => {
        let state = start;
        const random = (): number => (state = (state * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
        const value = withString(shuffled(base, random), leaf, text);
        const parsed = schema.safeParse(value);
        fc.pre(parsed.success);
        const expected = JSON.stringify(parsed.data);
        expect(encode(value)).toBe(expected);
        expect(Buffer.from(serializer.encode(value, 'prop.subject')).equals(Buffer.from(expected))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('each kind of schema the encoder specialises', () => {
  const cases: [what: string, schema: z.ZodType, value: fc.Arbitrary<unknown>][] = [
    [
      'strings, numbers, booleans and null',
      z.strictObject({ s: z.string(), n: z.number(), b: z.boolean(), z: z.null() }),
      fc.record({ s: anyString, n: fc.double({ noNaN: true, noDefaultInfinity: true }), b: fc.boolean(), z: fc.constant(null) }),
    ],
    [
      'optional keys, present, absent or undefined',
      z.strictObject({ a: z.string().optional(), b: z.number() }),
      fc.record({ a: fc.option(anyString, { nil: undefined }), b: fc.integer() }, { requiredKeys: ['b'] }),
    ],
    ['nullable', z.strictObject({ a: z.string().nullable() }), fc.record({ a: fc.option(anyString, { nil: null }) })],
    [
      "a loose object keeps the caller's extra keys after the known ones",
      z.looseObject({ a: z.string(), b: z.number() }),
      fc.dictionary(anyString, fc.jsonValue()).chain((extra) => fc.record({ a: anyString, b: fc.integer() }).map((known) => ({ ...extra, ...known }))),
    ],
    [
      'records, integer-like keys included',
      z.record(z.string(), z.strictObject({ p: z.number(), q: z.string() })),
      fc.dictionary(fc.oneof(anyString, fc.nat().map(String)), fc.record({ q: anyString, p: fc.integer() })),
    ],
    [
      'tuples with a rest',
      z.tuple([z.string(), z.number()], z.boolean()),
      fc.tuple(anyString, fc.integer(), fc.array(fc.boolean())).map(([s, n, rest]) => [s, n, ...rest]),
    ],
    ['arrays, empty or not', z.array(z.strictObject({ x: z.number(), y: z.string() })), fc.array(fc.record({ y: anyString, x: fc.integer() }))],
    [
      'enums and literals, strings and mixed',
      z.strictObject({ e: z.enum(['a', 'b"c']), l: z.literal(['x', 3, true]) }),
      fc.record({ e: fc.constantFrom('a', 'b"c'), l: fc.constantFrom('x', 3, true) }),
    ],
    [
      'a discriminated union picks the option of the discriminator',
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('a'), v: z.string() }),
        z.strictObject({ type: z.literal('b'), w: z.number(), v: z.string() }),
      ]),
      fc.oneof(fc.record({ v: anyString, type: fc.constant('a') }), fc.record({ v: anyString, w: fc.integer(), type: fc.constant('b') })),
    ],
    [
      'a plain union takes the first option that accepts',
      z.union([z.strictObject({ a: z.string(), b: z.number() }), z.looseObject({ b: z.number() }), z.array(z.number())]),
      fc.oneof(fc.record({ b: fc.integer(), a: anyString }), fc.record({ c: anyString, b: fc.integer() }), fc.array(fc.integer())),
    ],
    ['unknown and any pass through', z.strictObject({ u: z.unknown(), a: z.any() }), fc.record({ u: fc.jsonValue(), a: fc.jsonValue() })],
    ['keys that are not ASCII', z.looseObject({ clé: z.string(), ключ: z.number() }), fc.record({ ключ: fc.integer(), clé: anyString, extra: fc.jsonValue() })],
  ];

  it.each(cases)('%s', (_what, schema, arbitrary) => {
    const encode = compileJsonEncoder(schema);
    const encodeBytes = compileJsonBytesEncoder(schema);
    if (encode === undefined || encodeBytes === undefined) throw new Error('no encoder');
    fc.assert(
      fc.property(arbitrary, (value) => {
        const parsed = schema.safeParse(value);
        fc.pre(parsed.success);
        const expected = JSON.stringify(parsed.data);
        expect(encode(value)).toBe(expected);
        // The bytes: Latin-1 when all ASCII, else UTF-8, and always the UTF-8 bytes of the text.
        expect(encodeBytes(value).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('a recursive schema (z.lazy) encodes to any depth', () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const tree: z.ZodType<Tree> = z.strictObject({ name: z.string(), children: z.lazy(() => z.array(tree)) });
    const encode = compileJsonEncoder(tree);
    if (encode === undefined) throw new Error('no encoder');
    const arbitrary = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.record({ children: fc.oneof({ maxDepth: 5 }, fc.constant<Tree[]>([]), fc.array(tie('node'), { maxLength: 3 })), name: anyString }),
    })).node;
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(encode(value)).toBe(JSON.stringify(tree.parse(value)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('schemas whose parse may change a value get no encoder (their parse output is encoded instead)', () => {
  it.each([
    ['a plain z.object (strips unknown keys)', z.object({ a: z.string() })],
    ['a default', z.strictObject({ a: z.string().default('x') })],
    ['a transform', z.string().transform((s) => s.length)],
    ['a preprocess', z.preprocess((v) => v, z.string())],
    ['coercion', z.coerce.number()],
    ['an overwrite check', z.string().trim()],
    ['a nested one', z.strictObject({ inner: z.array(z.object({ a: z.string() })) })],
  ])('%s', (_what, schema) => {
    expect(compileJsonEncoder(schema as z.ZodType)).toBeUndefined();
  });

  it('the serializer still validates and encodes the parse output for them', () => {
    const schema = z.strictObject({ a: z.string().default('filled'), b: z.number() });
    const serializer = validatingJsonSerializer('Defaults', schema);
    expect(Buffer.from(serializer.encode({ b: 1 } as z.infer<typeof schema>, 's')).toString()).toBe('{"a":"filled","b":1}');
    expect(() => serializer.encode({ b: 'x' } as unknown as z.infer<typeof schema>, 's')).toThrow(/Defaults/);
  });
});
