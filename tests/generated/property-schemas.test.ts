/**
 * Property-based (fast-check), over whatever the contract declares: every generated schema takes arbitrary JSON and
 * either parses it or fails with a validation error (never anything else), through `safeParse` and through the
 * validating serializer the channels use on the wire; every example of the contract passes its message schema; and
 * no channel's subject builder ever produces a wildcard or an extra token, whatever string a parameter is given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as configExports from '../../generated/config.js';
import * as schemaExports from '../../generated/schemas.js';
import { MessageDecodeError, SubjectError, ValidationError, channels, validatingJsonSerializer } from '../../src/index.js';
import { allExamples, declaredParameters } from '../helpers/reliability.js';

const RUNS = 300;

/** Every export whose name ends in `Schema` and that is a Zod schema. */
const SCHEMAS: [name: string, schema: z.ZodType][] = Object.entries({ ...schemaExports, ...configExports }).flatMap(([name, value]) =>
  name.endsWith('Schema') && value instanceof z.ZodType ? [[name, value] as [string, z.ZodType]] : [],
);

/** Runs `decode` and returns the error it threw, if any; anything but our two classes fails the property. */
function decodeOutcome(decode: () => unknown): 'ok' | 'invalid' {
  try {
    decode();
    return 'ok';
  } catch (error) {
    if (error instanceof ValidationError || error instanceof MessageDecodeError) return 'invalid';
    throw new Error(`decode threw something other than ValidationError/MessageDecodeError: ${String(error)}`, { cause: error });
  }
}

/** A JSON value that is an example of some message with one property replaced by arbitrary JSON (deeper checks). */
const nearlyValid = fc
  .record({ example: fc.constantFrom(...allExamples().flatMap(([, payloads]) => payloads)), value: fc.jsonValue(), pick: fc.nat() })
  .map(({ example, value, pick }) => {
    if (typeof example !== 'object' || example === null || Array.isArray(example)) return value;
    const copy = structuredClone(example) as Record<string, unknown>;
    const keys = Object.keys(copy);
    const key = keys[pick % keys.length];
    if (key !== undefined) copy[key] = value;
    return copy;
  });

describe('every generated schema takes arbitrary input without throwing anything but a validation error', () => {
  it('finds the schemas of generated/schemas.ts and generated/config.ts, among them the schema of every channel message and reply', () => {
    expect(SCHEMAS.map(([name]) => name)).toContain('ClusterConfigSchema');
    const found = new Set(SCHEMAS.map(([, schema]) => schema));
    for (const channel of Object.values(channels)) {
      expect(found.has(channel.schema), `${channel.id}: ${channel.messageName}`).toBe(true);
      if ('replySchema' in channel) expect(found.has(channel.replySchema), `${channel.id}: ${channel.replyName}`).toBe(true);
    }
  });

  it.each(SCHEMAS)('%s: safeParse and the wire decoder on arbitrary JSON, nearly valid payloads and arbitrary bytes', (name, schema) => {
    const serializer = validatingJsonSerializer(name, schema);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearlyValid), (value) => {
        const result = schema.safeParse(value);
        if (!result.success) expect(result.error).toBeInstanceOf(z.ZodError);
        const outcome = decodeOutcome(() => serializer.decode(Buffer.from(JSON.stringify(value)), 'prop.subject'));
        // The wire decoder agrees with the schema (JSON.stringify drops -0 and undefined, which the schema never needs).
        expect(outcome).toBe(result.success ? 'ok' : 'invalid');
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        decodeOutcome(() => serializer.decode(bytes, 'prop.subject'));
      }),
      { numRuns: RUNS / 3 },
    );
  });
});

describe('the contract examples', () => {
  const channelList = Object.values(channels);

  it.each(allExamples())('%s: every example passes the schema of each channel that carries it, and survives the wire', (message, payloads) => {
    expect(payloads.length).toBeGreaterThan(0);
    const carriers = channelList.filter((c) => c.messageName === message);
    const replies = channelList.flatMap((c) => ('replyName' in c && c.replyName === message ? [c.replySchema] : []));
    const schemas = [...carriers.map((c) => c.schema), ...replies, ...SCHEMAS.filter(([name]) => name === `${message}Schema`).map(([, s]) => s)];
    expect(schemas.length).toBeGreaterThan(0);
    for (const payload of payloads) {
      for (const schema of schemas) expect(schema.safeParse(payload).error).toBeUndefined();
      for (const channel of carriers) {
        expect(channel.serializer.decode(channel.serializer.encode(payload as never, 'x'), 'x')).toEqual(payload);
      }
    }
  });
});

describe('subject builders never produce a wildcard or an extra token', () => {
  const parameterised = Object.values(channels).map((c) => [c.id, c] as const);

  it.each(parameterised)('%s', (id, channel) => {
    const names = [...channel.address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const tokens = channel.address.split('.').length;
    // Plain strings, strings made of the characters that matter, UUIDs, and the values each parameter declares
    // (its examples and enum), so that every channel also builds subjects, whatever its parameters accept.
    const declared = new Map(declaredParameters(id).map((p) => [p.name, [...p.examples, ...(p.enum ?? [])]]));
    const valueFor = (name: string): fc.Arbitrary<string> => {
      const own = declared.get(name) ?? [];
      return fc.oneof(fc.string(), fc.stringMatching(/^[a-f0-9.*> \t\r\n-]{0,40}$/), fc.uuid(), ...(own.length > 0 ? [fc.constantFrom(...own)] : []));
    };
    let built = 0;
    fc.assert(
      fc.property(fc.tuple(...names.map(valueFor)), (values) => {
        const params = Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
        let subject: string;
        try {
          subject = (channel.subject as (p: Record<string, string>) => string)(params);
        } catch (error) {
          expect(error).toBeInstanceOf(SubjectError);
          return;
        }
        const parts = subject.split('.');
        expect(parts).toHaveLength(tokens);
        for (const part of parts) {
          expect(part === '' || part === '*' || part === '>' || /[\s\p{Cc}]/u.test(part)).toBe(false);
        }
        expect(channel.parse(subject)).toEqual(params);
        built++;
      }),
      { numRuns: names.length === 0 ? 10 : 1000 },
    );
    expect(built, 'some subjects were built').toBeGreaterThan(0);
  });
});
