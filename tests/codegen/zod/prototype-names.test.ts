// Property names that plain objects inherit (`__proto__`, `constructor`, `toString`...) are ordinary JSON keys:
// property tests compare the emitted Zod with a small reference reading of the keywords (own keys only, as the JSON
// Schema Test Suite requires) over objects built from such names. ajv is no judge here: it ignores a property named
// `__proto__` and its deep equality calls an own `valueOf`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildZod } from '../../helpers/zod-harness.js';

/** Names `Object.prototype` has, and two ordinary ones. */
const NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'a', 'b'];

type Schema = Record<string, unknown>;

function hasType(value: unknown, type: unknown): boolean {
  if (type === undefined) return true;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'null') return value === null;
  return typeof value === type;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], bRecord[key]));
}

/** The draft-07 meaning of the keywords these tests use, on a JSON object, reading own keys only. */
function reference(schema: Schema, value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  const own = (key: string): boolean => Object.hasOwn(value, key);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
  const checks = [
    ((schema.required ?? []) as string[]).every(own),
    Object.entries(properties).every(([key, property]) => !own(key) || hasType(value[key], property.type)),
    keys.every((key) => {
      const additional = schema.additionalProperties as boolean | Schema | undefined;
      if (Object.hasOwn(properties, key) || patterns.some(([pattern]) => new RegExp(pattern, 'u').test(key))) return true;
      return additional === undefined || additional === true || (additional !== false && hasType(value[key], additional.type));
    }),
    patterns.every(([pattern, property]) => keys.every((key) => !new RegExp(pattern, 'u').test(key) || hasType(value[key], property.type))),
    keys.length >= ((schema.minProperties ?? 0) as number),
    keys.every((key) => {
      const names = (schema.propertyNames ?? {}) as { maxLength?: number; not?: { const: string } };
      return Array.from(key).length <= (names.maxLength ?? Infinity) && key !== names.not?.const;
    }),
    !('enum' in schema) || (schema.enum as unknown[]).some((item) => jsonEqual(item, value)),
    !('const' in schema) || jsonEqual(schema.const, value),
    Object.entries((schema.dependencies ?? {}) as Record<string, string[] | Schema>).every(([key, dependency]) => {
      if (!own(key)) return true;
      return Array.isArray(dependency) ? dependency.every(own) : reference(dependency, value);
    }),
  ];
  return checks.every(Boolean);
}

/** A JSON object with own keys from NAMES (`Object.fromEntries` makes `__proto__` an own key, as JSON.parse does). */
const objects = fc
  .array(fc.tuple(fc.constantFrom(...NAMES), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null))), { maxLength: 5 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

const names = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 });

/** Asserts, for generated schemas and objects, that Zod and the reference reading agree. */
function agreeOn(schemas: fc.Arbitrary<Schema>): void {
  fc.assert(
    fc.property(schemas, fc.array(objects, { minLength: 1, maxLength: 6 }), (schema, values) => {
      const zod = buildZod(schema).schema;
      for (const value of values) {
        expect(zod.safeParse(value).success, `${JSON.stringify(schema)} on ${JSON.stringify(value)}`).toBe(reference(schema, value));
      }
    }),
    { numRuns: 150 },
  );
}

/** A JSON object literal with `__proto__` as an own key, as JSON.parse would give it. */
function json(value: unknown): Schema {
  return JSON.parse(JSON.stringify(value)) as Schema;
}

describe('property names inherited from Object.prototype', () => {
  it('required', () => {
    agreeOn(names.map((required) => ({ type: 'object', required })));
  });

  it('properties, typed, with or without additionalProperties', () => {
    agreeOn(
      fc
        .tuple(names, fc.boolean(), fc.constantFrom('integer', 'string', 'null'))
        .map(([keys, closed, type]) =>
          json({ type: 'object', properties: Object.fromEntries(keys.map((key) => [key, { type }])), ...(closed ? { additionalProperties: false } : {}) }),
        ),
    );
  });

  it('properties and required together', () => {
    agreeOn(
      fc
        .tuple(names, names)
        .map(([keys, required]) => json({ type: 'object', properties: Object.fromEntries(keys.map((key) => [key, { type: 'integer' }])), required })),
    );
  });

  it('propertyNames and property counts', () => {
    agreeOn(
      fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 3 })).map(([maxLength, minProperties]) => ({
        type: 'object',
        propertyNames: { maxLength },
        minProperties,
      })),
    );
    agreeOn(fc.constantFrom(...NAMES).map((name) => ({ type: 'object', propertyNames: { not: { const: name } } })));
  });

  it('enum and const of objects', () => {
    agreeOn(objects.map((value) => json({ enum: [value, 1] })));
    agreeOn(objects.map((value) => json({ const: value })));
  });

  it('dependencies and patternProperties', () => {
    agreeOn(fc.tuple(fc.constantFrom(...NAMES), names).map(([key, needed]) => json({ dependencies: { [key]: needed } })));
    agreeOn(fc.tuple(fc.constantFrom(...NAMES), names).map(([key, required]) => json({ dependencies: { [key]: { required } } })));
    agreeOn(fc.constantFrom('^_', 'o', 'Of$', '^a$').map((pattern) => ({ patternProperties: { [pattern]: { type: 'integer' } } })));
  });

  it('additionalProperties as a schema, and a pattern-keyed map (zod skips an own __proto__ in both)', () => {
    agreeOn(
      fc
        .tuple(names, fc.constantFrom('integer', 'string'))
        .map(([keys, type]) => json({ type: 'object', properties: Object.fromEntries(keys.map((key) => [key, {}])), additionalProperties: { type } })),
    );
    agreeOn(
      fc.tuple(fc.constantFrom('^_', 'o', '^a$', '^[a-z]+$'), fc.constantFrom('integer', 'null')).map(([pattern, type]) => ({
        type: 'object',
        patternProperties: { [pattern]: { type } },
        additionalProperties: false,
      })),
    );
  });

  it('the values seen are the own ones, and the output keeps the object as given', () => {
    const schema = json({ type: 'object', properties: { constructor: { type: 'integer' }, toString: { type: 'string' } }, required: ['toString'] });
    const zod = buildZod(schema).schema;
    expect(zod.safeParse({}).success).toBe(false);
    expect(zod.safeParse({ toString: 'x' }).success).toBe(true);
    expect(zod.parse({ toString: 'x', constructor: 1, extra: true })).toEqual({ toString: 'x', constructor: 1, extra: true });
  });
});
