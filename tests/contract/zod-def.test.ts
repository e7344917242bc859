/**
 * zod-def.ts: the definition of each kind the hot path specialises is where zod's types say it is, and
 * `rewritesInput` finds coercion and overwriting checks. What the definitions are used for is tested beside its
 * users: tests/contract/typed-serializer.test.ts (parseKeepsInput), tests/contract/json-encoder.test.ts (encoders).
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defOf, rewritesInput } from '../../src/contract/zod-def.js';

describe('defOf', () => {
  it('reads each kind with the fields its definition carries', () => {
    const element = z.string();
    const object = z.strictObject({ a: element });
    const def = defOf(object);
    expect(def.type).toBe('object');
    if (def.type !== 'object') return;
    expect(def.shape.a).toBe(element);
    expect(def.catchall === undefined ? undefined : defOf(def.catchall).type).toBe('never');
    expect(defOf(z.looseObject({})).type).toBe('object');

    const array = defOf(z.array(element));
    expect(array.type === 'array' && array.element).toBe(element);
    const optional = defOf(element.optional());
    expect(optional.type === 'optional' && optional.innerType).toBe(element);
    const nullable = defOf(element.nullable());
    expect(nullable.type === 'nullable' && nullable.innerType).toBe(element);
    const union = defOf(z.union([element, z.number()]));
    expect(union.type === 'union' && union.options.length).toBe(2);
    const tagged = defOf(z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })]));
    expect(tagged.type === 'union' && 'discriminator' in tagged && tagged.discriminator).toBe('kind');
    const literal = defOf(z.literal('x'));
    expect(literal.type === 'literal' && literal.values).toEqual(['x']);
    const enumeration = defOf(z.enum(['a', 'b']));
    expect(enumeration.type === 'enum' && Object.values(enumeration.entries)).toEqual(['a', 'b']);
    const tuple = defOf(z.tuple([element], z.number()));
    expect(tuple.type === 'tuple' && tuple.items.length).toBe(1);
    expect(tuple.type === 'tuple' && tuple.rest !== null && defOf(tuple.rest).type).toBe('number');
    const record = defOf(z.record(z.string(), z.number()));
    expect(record.type === 'record' && defOf(record.valueType).type).toBe('number');
    const lazy = defOf(z.lazy(() => element));
    expect(lazy.type === 'lazy' && lazy.getter()).toBe(element);
  });
});

describe('rewritesInput', () => {
  it.each([
    ['coercion', z.coerce.number(), true],
    ['trim', z.string().trim(), true],
    ['toLowerCase', z.string().toLowerCase(), true],
    ['overwrite', z.number().overwrite((n) => n + 1), true],
    ['a plain string', z.string(), false],
    ['a checked string', z.string().min(1).max(5).regex(/a/), false],
    ['a checked number', z.number().int().min(0), false],
    ['an object (its children are not looked at)', z.object({ a: z.string().trim() }), false],
  ] as const)('%s: %s', (_name, schema, expected) => {
    expect(rewritesInput(defOf(schema))).toBe(expected);
  });
});
