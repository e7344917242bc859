// Schema-driven payloads for the parity test: a reproducible generator of (mostly) valid values and a mutator that breaks
// each constraint once, probes boundaries on both sides, and adds wrong types, nulls, missing and extra keys. It reads
// only the JSON Schema, so it keeps working when the contract changes.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

type Schema = Record<string, unknown>;

/** A pseudo-random generator (mulberry32): the same start value gives the same payloads on every machine. */
export class Rng {
  private state: number;
  constructor(start: number) {
    this.state = start >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/**
 * Valid and invalid samples per format. Where ajv-formats and the JSON Schema Test Suite differ, the samples are
 * exactly the strings in SUITE_VERDICTS (codegen/zod-harness.ts), whose verdicts the oracle takes from the suite.
 */
export const FORMAT_SAMPLES: Readonly<Record<string, { valid: readonly string[]; invalid: readonly string[] }>> = {
  uuid: {
    valid: ['0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d', '00000000-0000-0000-0000-000000000000', '2EB8AA08-AA98-11EA-B4AA-73B441D16380'],
    invalid: ['urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380', '2eb8aa08aa9811eab4aa73b441d16380', '2eb8aa08-aa98-11ea-b4aa-73b441d1638', 'x'],
  },
  ipv4: { valid: ['192.168.1.20', '0.0.0.0', '255.255.255.255'], invalid: ['256.1.1.1', '01.2.3.4', '1.2.3', '::1'] },
  ipv6: { valid: ['::1', 'fe80::1', '::ffff:192.168.0.1', '1:2:3:4:5:6:7::'], invalid: ['1::2::3', '12345::', '192.168.1.20', '[::1]'] },
  hostname: {
    valid: ['mac-studio-01.local', 'a', 'xn--9n2bp8q.xn--9t4b11yi5a', `${'a'.repeat(63)}.io`],
    invalid: ['example.', '-host', 'host_name', `${'a'.repeat(64)}.io`, 'xn--X', 'xn--vek', ''],
  },
  'date-time': {
    valid: ['2024-11-27T00:00:00Z', '1998-12-31T23:59:60Z', '2024-02-29T12:00:00.5+01:00'],
    invalid: ['2023-02-29T00:00:00Z', '2024-11-27T00:00:00', '1985-04-12T23:20:50+01', '2016-12-31T24:59:60+01:00'],
  },
  date: { valid: ['2024-02-29'], invalid: ['2023-02-29', '2024-2-1'] },
  time: { valid: ['23:59:60Z', '08:30:06+00:20'], invalid: ['22:59:60Z', '12:00:00'] },
  email: { valid: ['ops@example.com', '"joe bloggs"@example.com'], invalid: ['ops@localhost', 'a b@example.com', '@example.com'] },
  uri: {
    valid: ['nats://127.0.0.1:4222', 'wss://nats.example.com/ws', 'nats://[::1]:4222'],
    invalid: ['127.0.0.1:4222', 'http://example.com:abc/path', 'http:/[::1]', 'http://[::ffff:01.2.3.4]', 'nats://a b'],
  },
};

const NON_OBJECT_VALUES: readonly unknown[] = ['text', 0, 1.5, true, null, [], {}];

/** Generates a value meant to satisfy `schema` (it usually does; the validators have the last word). */
export function generate(schema: unknown, rng: Rng, depth = 0): unknown {
  if (schema === true || schema === undefined) return rng.pick(NON_OBJECT_VALUES);
  if (schema === false || typeof schema !== 'object' || schema === null) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return rng.pick(s.enum as unknown[]);
  const branches = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(branches)) return generate(mergeBranch(s, rng.pick(branches)), rng, depth);
  if (Array.isArray(s.examples) && s.examples.length > 0 && rng.next() < 0.5) return rng.pick(s.examples as unknown[]);
  const type = Array.isArray(s.type) ? rng.pick(s.type as string[]) : (s.type as string | undefined);
  switch (type) {
    case 'object':
      return generateObject(s, rng, depth);
    case 'array':
      return generateArray(s, rng, depth);
    case 'string':
      return generateString(s, rng);
    case 'integer':
      return generateNumber(s, rng, true);
    case 'number':
      return generateNumber(s, rng, false);
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    default:
      return typeof s.format === 'string' && s.format in FORMAT_SAMPLES ? generateString(s, rng) : rng.pick(NON_OBJECT_VALUES);
  }
}

function mergeBranch(parent: Schema, branch: unknown): unknown {
  if (typeof branch !== 'object' || branch === null) return branch;
  const rest = Object.fromEntries(Object.entries(parent).filter(([key]) => !['oneOf', 'anyOf', 'discriminator'].includes(key)));
  return { ...rest, ...(branch as Schema) };
}

function generateObject(s: Schema, rng: Rng, depth: number): Record<string, unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = (s.required ?? []) as string[];
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) {
    if (required.includes(key) || (depth < 4 && rng.next() < 0.6)) out[key] = generate(sub, rng, depth + 1);
  }
  for (const key of required) if (!(key in out)) out[key] = 'x';
  return out;
}

function generateArray(s: Schema, rng: Rng, depth: number): unknown[] {
  const min = typeof s.minItems === 'number' ? s.minItems : 0;
  const max = typeof s.maxItems === 'number' ? s.maxItems : min + 3;
  const length = min + rng.int(Math.min(max, min + 3) - min + 1);
  const items: unknown[] = [];
  for (let i = 0; i < length && depth < 6; i++) {
    const item = generate(s.items, rng, depth + 1);
    if (s.uniqueItems === true && items.some((other) => JSON.stringify(other) === JSON.stringify(item))) continue;
    items.push(item);
  }
  return items;
}

function generateString(s: Schema, rng: Rng): string {
  const format = typeof s.format === 'string' ? FORMAT_SAMPLES[s.format] : undefined;
  if (format !== undefined) return rng.pick(format.valid);
  if (Array.isArray(s.examples) && s.examples.length > 0) return String(rng.pick(s.examples as unknown[]));
  if (typeof s.default === 'string') return s.default;
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Math.max(min, 12);
  const length = min + rng.int(Math.min(max - min, 12) + 1);
  return Array.from({ length }, () => rng.pick(['a', 'b', 'Z', '0', '-', ' ', 'é', '😀'])).join('');
}

function generateNumber(s: Schema, rng: Rng, integer: boolean): number {
  const low = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
  const high = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : low + 1000;
  const value = low + rng.next() * (high - low);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

/** One mutated payload, with a note of what was done (for failure messages). */
export interface Mutation {
  readonly what: string;
  readonly value: unknown;
}

/**
 * Every mutation of `value` the schema suggests, at every depth: wrong types, null, boundaries on both sides, broken
 * lengths, patterns, formats, enums and consts, missing required keys, extra keys, other union tags, array sizes.
 */
export function mutations(schema: unknown, value: unknown, where = '$'): Mutation[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Schema;
  const out: Mutation[] = [];
  const add = (what: string, mutated: unknown): void => {
    out.push({ what: `${where}: ${what}`, value: mutated });
  };
  for (const other of NON_OBJECT_VALUES) if (JSON.stringify(other) !== JSON.stringify(value)) add(`replaced by ${JSON.stringify(other)}`, other);
  if ('const' in s) add('another constant', typeof s.const === 'string' ? `${s.const}-other` : 'other');
  if (Array.isArray(s.enum)) add('not in the enum', 'not-in-enum');
  const branches = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    for (const branch of branches) out.push(...mutations(mergeBranch(s, branch), value, where));
  }
  if (typeof value === 'number') numberMutations(s, value, add);
  if (typeof value === 'string') stringMutations(s, value, add);
  if (Array.isArray(value)) out.push(...arrayMutations(s, value, where, add));
  else if (typeof value === 'object' && value !== null) out.push(...objectMutations(s, value as Record<string, unknown>, where, add));
  return out;
}

function numberMutations(s: Schema, value: number, add: (what: string, v: unknown) => void): void {
  for (const [keyword, offsets] of [
    ['minimum', [-1, -0.5, 0, 0.5]],
    ['maximum', [-0.5, 0, 0.5, 1]],
    ['exclusiveMinimum', [-1, 0, 0.5, 1]],
    ['exclusiveMaximum', [-1, -0.5, 0, 1]],
  ] as const) {
    const bound = s[keyword];
    if (typeof bound === 'number') for (const offset of offsets) add(`${keyword} ${bound} ${offset >= 0 ? '+' : ''}${offset}`, bound + offset);
  }
  add('plus one half', value + 0.5);
  add('beyond 2^53', 2 ** 53 + 2);
  add('negative', -value - 1);
  add('as a string', String(value));
}

function stringMutations(s: Schema, value: string, add: (what: string, v: unknown) => void): void {
  const chars = (n: number, char: string): string => char.repeat(Math.max(n, 0));
  for (const keyword of ['minLength', 'maxLength'] as const) {
    const bound = s[keyword];
    if (typeof bound !== 'number' || bound > 5000) continue;
    for (const n of [bound - 1, bound, bound + 1]) {
      add(`${keyword} ${bound}: ${n} ascii`, chars(n, 'a'));
      add(`${keyword} ${bound}: ${n} astral`, chars(n, '😀'));
    }
  }
  if (typeof s.pattern === 'string') {
    add('pattern broken at the start', `!${value}`);
    // a space, not a sub-delimiter: `nats://host:4222!` would be an ajv-formats departure (non-numeric port)
    add('pattern broken at the end', `${value} `);
  }
  if (typeof s.format === 'string') {
    const samples = FORMAT_SAMPLES[s.format];
    for (const sample of samples?.valid ?? []) add(`valid ${s.format}`, sample);
    for (const sample of samples?.invalid ?? []) add(`invalid ${s.format}`, sample);
  }
  add('empty', '');
  add('with a trailing newline', `${value}\n`);
}

function arrayMutations(s: Schema, value: unknown[], where: string, add: (what: string, v: unknown) => void): Mutation[] {
  const out: Mutation[] = [];
  add('empty array', []);
  if (value.length > 0) {
    add('first item duplicated', [value[0], ...value]);
    add('one item dropped', value.slice(1));
  }
  if (typeof s.maxItems === 'number')
    add(
      'maxItems + 1',
      Array.from({ length: s.maxItems + 1 }, (_, i) => value[i % Math.max(value.length, 1)] ?? 'x'),
    );
  value.forEach((item, index) => {
    for (const m of mutations(s.items, item, `${where}[${index}]`)) {
      out.push({ what: m.what, value: value.map((other, i) => (i === index ? m.value : other)) });
    }
  });
  return out;
}

function objectMutations(s: Schema, value: Record<string, unknown>, where: string, add: (what: string, v: unknown) => void): Mutation[] {
  const out: Mutation[] = [];
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  add('extra key', { ...value, unexpectedKey: 1 });
  add('empty object', {});
  for (const key of Object.keys(value)) {
    add(`missing ${key}`, Object.fromEntries(Object.entries(value).filter(([other]) => other !== key)));
    add(`${key} set to null`, { ...value, [key]: null });
    for (const m of mutations(properties[key], value[key], `${where}.${key}`)) out.push({ what: m.what, value: { ...value, [key]: m.value } });
  }
  for (const [key, sub] of Object.entries(properties)) {
    if (!(key in value)) add(`optional ${key} added`, { ...value, [key]: generate(sub, new Rng(key.length)) });
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// The contract: message payload schemas with their $refs resolved, and the examples asyncapi.yaml gives them
// -------------------------------------------------------------------------------------------------------------

/** One message of the contract. */
export interface ContractMessage {
  readonly name: string;
  /** The payload schema, $refs inlined, `$schema`/`$id` removed from the inlined copies. */
  readonly schema: Schema;
  readonly examples: readonly unknown[];
}

/** Reads a YAML or JSON file. */
function readDocument(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  return file.endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
}

function followPointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Inlines every `$ref` (local `#/...` or relative file, with an optional fragment). Same target, same object. */
export function resolveRefs(root: unknown, file: string): unknown {
  const documents = new Map<string, unknown>([[file, root]]);
  const resolved = new Map<string, unknown>();
  const visit = (node: unknown, base: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, base));
    if (typeof node !== 'object' || node === null) return node;
    const object = node as Record<string, unknown>;
    if (typeof object.$ref === 'string') {
      const [target = '', fragment = ''] = object.$ref.split('#');
      const targetFile = target === '' ? base : path.resolve(path.dirname(base), target);
      const key = `${targetFile}#${fragment}`;
      const cached = resolved.get(key);
      if (cached !== undefined) return cached;
      if (!documents.has(targetFile)) documents.set(targetFile, readDocument(targetFile));
      const value = visit(followPointer(documents.get(targetFile), fragment), targetFile);
      resolved.set(key, value);
      return value;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      if (key === '$schema' || key === '$id') continue;
      out[key] = visit(value, base);
    }
    return out;
  };
  return visit(root, file);
}

/** The messages of asyncapi.yaml (components.messages) with their payload schemas and examples. */
export function loadContract(asyncapiFile: string): ContractMessage[] {
  const document = readDocument(asyncapiFile) as Record<string, unknown>;
  const resolved = resolveRefs(document, asyncapiFile) as { components?: { messages?: Record<string, Record<string, unknown>> } };
  return Object.entries(resolved.components?.messages ?? {}).map(([name, message]) => ({
    name,
    schema: message.payload as Schema,
    examples: ((message.examples ?? []) as { payload?: unknown }[]).filter((e) => 'payload' in e).map((e) => e.payload),
  }));
}

/** The payloads for one schema: the given valid values, generated values, and their mutations, at least `count`. */
export function payloadsFor(schema: Schema, valid: readonly unknown[], start: number, count: number): Mutation[] {
  const rng = new Rng(start);
  const bases: Mutation[] = valid.map((value, i) => ({ what: `example ${i}`, value }));
  for (let i = 0; i < 10; i++) bases.push({ what: `generated ${i}`, value: generate(schema, rng) });
  const all: Mutation[] = [...bases];
  for (const base of bases) for (const m of mutations(schema, base.value)) all.push({ what: `${base.what} → ${m.what}`, value: m.value });
  // mutations of mutations, chosen at random, for combinations (and to reach `count` on small schemas)
  for (let i = 0; (all.length < count || i < 50) && i < count * 10; i++) {
    const base = rng.pick(all);
    const next = mutations(schema, base.value);
    if (next.length === 0) continue;
    const m = rng.pick(next);
    all.push({ what: `${base.what} → ${m.what}`, value: m.value });
  }
  return all;
}
