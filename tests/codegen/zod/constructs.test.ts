// Tuples, if/then/else, patternProperties, dependencies and `$ref` inside one schema: emitted Zod agrees with ajv,
// the reader variant strips what additionalProperties forbids, and recursive references work.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emitZod } from '../../../codegen/zod/emit.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';
import { buildZod, expectVerdicts, oracleFor } from '../../helpers/zod-harness.js';
import { evaluate } from './suite-runner.js';

/** Emits (writer or reader) and evaluates TypeScript source, for schemas whose output needs transpiling. */
function build(schema: JsonSchema, reader = false): { schema: z.ZodType; source: string } {
  const helpers = new Set<string>();
  const source = emitZod(schema, { refName: () => undefined, usedHelpers: helpers, reader });
  return { schema: evaluate(source, helpers), source };
}

/** Like expectVerdicts, for sources with TypeScript syntax (recursive bindings). */
function expectTsVerdicts(schema: JsonSchema, valid: readonly unknown[], invalid: readonly unknown[]): string {
  const built = build(schema);
  const validate = oracleFor(schema);
  for (const value of valid) {
    expect(validate(structuredClone(value)), `ajv accepts ${JSON.stringify(value)}`).toBe(true);
    expect(built.schema.safeParse(value).success, `accepts ${JSON.stringify(value)}`).toBe(true);
  }
  for (const value of invalid) {
    expect(validate(structuredClone(value)), `ajv rejects ${JSON.stringify(value)}`).toBe(false);
    expect(built.schema.safeParse(value).success, `rejects ${JSON.stringify(value)}`).toBe(false);
  }
  return built.source;
}

describe('tuples: items as an array, additionalItems (draft-07 validation §6.4.1-2)', () => {
  it('positions are optional, extra items are free by default', () => {
    const built = expectVerdicts(
      { type: 'array', items: [{ type: 'number' }, { type: 'string' }] },
      [[], [1], [1, 'a'], [1, 'a', null, {}]],
      [['a'], [1, 2], {}],
    );
    expect(built.source).toBe('z.tuple([z.number().optional(), z.string().optional()], z.unknown())');
  });

  it('additionalItems false closes the tuple, a schema checks every extra item', () => {
    expectVerdicts({ type: 'array', items: [{ type: 'number' }], additionalItems: false }, [[], [1]], [[1, 2]]);
    expectVerdicts({ type: 'array', items: [{}], additionalItems: { type: 'integer' } }, [['x', 1, 2]], [['x', 1.5]]);
    // with a single items schema, additionalItems is ignored
    expectVerdicts({ type: 'array', items: { type: 'integer' }, additionalItems: false }, [[1, 2]], [[1.5]]);
  });

  it('minItems, maxItems, uniqueItems and contains apply to tuples', () => {
    const schema = { type: 'array', items: [{}, {}], minItems: 1, maxItems: 3, uniqueItems: true, contains: { const: 1 } };
    expectVerdicts(schema, [[1], [1, 2, 3]], [[], [2], [1, 1], [1, 2, 3, 4]]);
  });

  it('a typeless schema with a tuple ignores non-arrays', () => {
    expectVerdicts({ items: [{ type: 'string' }] }, ['x', 1, ['a']], [[1]]);
  });

  it('infers a TypeScript tuple with optional positions and a rest', () => {
    const schema = z.tuple([z.number().optional(), z.string().optional()], z.boolean());
    type Inferred = z.infer<typeof schema>;
    const sample: Inferred = [1, 'a', true, false];
    expect(schema.parse(sample)).toEqual(sample);
  });
});

describe('if/then/else (draft-07 validation §6.6)', () => {
  it('then applies where if matches, else elsewhere', () => {
    const schema = { if: { type: 'integer' }, then: { minimum: 0 }, else: { type: 'string' } };
    expectVerdicts(schema, [0, 5, 'x'], [-1, 1.5, null]);
  });

  it('a missing branch accepts, and if alone is no constraint', () => {
    expectVerdicts({ if: { minLength: 3 }, then: { pattern: '^a' } }, ['abc', 'b', 1], ['bcd']);
    expectVerdicts({ if: { minLength: 3 }, else: { pattern: '^a' } }, ['bcd', 'a', 1], ['b']);
    expect(buildZod({ if: { type: 'string' } }).source).toBe('z.unknown()');
  });

  it('works on objects beside other keywords, the way contracts make fields conditional', () => {
    const schema = {
      type: 'object',
      properties: { kind: { enum: ['card', 'cash'] }, number: { type: 'string' } },
      required: ['kind'],
      if: { properties: { kind: { const: 'card' } } },
      then: { required: ['number'] },
    };
    expectVerdicts(schema, [{ kind: 'cash' }, { kind: 'card', number: '4' }], [{ kind: 'card' }, { number: '4' }]);
  });
});

describe('patternProperties (draft-07 validation §6.5.5)', () => {
  it('a map is a record keyed by the pattern', () => {
    const built = expectVerdicts(
      { type: 'object', patternProperties: { '^[a-z]+$': { type: 'number' } }, additionalProperties: false },
      [{}, { a: 1, bc: 2 }],
      [{ a: 'x' }, { A: 1 }, []],
    );
    // z.record skips an own __proto__ key, so a key check in front makes sure it is absent (it does not match)
    expect(built.source).toBe(
      "jsonObject().refine(ownPropertyMatches('__proto__', z.never(), false), 'property \"__proto__\" must match its schema').pipe(z.record(z.string().regex(/^[a-z]+$/u), z.number()))",
    );
  });

  it('beside properties and additionalProperties, each key is checked by what it matches', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'string' } },
      patternProperties: { '^x-': { type: 'string' }, o: { type: 'integer' } },
      additionalProperties: { type: 'boolean' },
    };
    expectVerdicts(schema, [{ id: 'a', 'x-a': 'b', foo: 1, bar: true }, {}], [{ id: 1 }, { 'x-a': 1 }, { foo: 'x' }, { bar: 'x' }, { 'x-o': 'a' }]);
  });

  it('patterns are unanchored, case-sensitive and use unicode semantics', () => {
    expectVerdicts({ patternProperties: { é: { type: 'integer' } } }, [{ café: 1 }, { CAFÉ: 'x' }], [{ café: 'x' }]);
  });

  it('the reader strips keys matched neither by properties nor by a pattern', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, patternProperties: { '^x-': {} }, additionalProperties: false };
    const writer = build(schema).schema;
    const reader = build(schema, true).schema;
    expect(writer.safeParse({ a: 1, 'x-b': 2, c: 3 }).success).toBe(false);
    expect(reader.parse({ a: 1, 'x-b': 2, c: 3 })).toEqual({ a: 1, 'x-b': 2 });
    expect(reader.safeParse({ a: 'x' }).success).toBe(false);
    const map = { type: 'object', patternProperties: { '^x-': { type: 'integer' } }, additionalProperties: false };
    expect(build(map, true).schema.parse({ 'x-a': 1, b: 2 })).toEqual({ 'x-a': 1 });
    expect(build(map, true).schema.safeParse({ 'x-a': 'no' }).success).toBe(false);
  });
});

describe('dependencies (draft-07 validation §6.5.7)', () => {
  it('property form: a present key needs the listed keys', () => {
    expectVerdicts(
      { dependencies: { card: ['billing', 'cvc'] } },
      [{}, { billing: 1 }, { card: 1, billing: 1, cvc: 1 }, 'x'],
      [{ card: 1 }, { card: 1, billing: 1 }],
    );
  });

  it('schema form: a present key makes the whole object match the schema', () => {
    const schema = { type: 'object', dependencies: { card: { required: ['billing'], properties: { billing: { type: 'string' } } } } };
    expectVerdicts(schema, [{}, { billing: 1 }, { card: 1, billing: 'a' }], [{ card: 1 }, { card: 1, billing: 2 }]);
  });
});

describe('$ref inside one schema (draft-07 core §8)', () => {
  it('definitions, escaped pointers and the root', () => {
    const schema = {
      definitions: { 'a/b': { type: 'integer' }, pos: { $ref: '#/definitions/a~1b' } },
      properties: { n: { $ref: '#/definitions/pos' } },
    };
    expectVerdicts(schema, [{ n: 1 }, {}], [{ n: 'x' }]);
  });

  it('siblings of $ref are ignored, as draft 7 says (ajv 8 applies them; the suite is followed)', () => {
    const schema = { definitions: { n: { type: 'integer' } }, properties: { n: { $ref: '#/definitions/n', minimum: 100 } } };
    expect(build(schema).schema.safeParse({ n: 1 }).success).toBe(true);
    expect(build(schema).schema.safeParse({ n: 'x' }).success).toBe(false);
  });

  it('a typed parent does not type a $ref branch', () => {
    expectVerdicts({ definitions: { n: { type: 'number' } }, type: 'string', anyOf: [{ $ref: '#/definitions/n' }, { minLength: 1 }] }, ['a'], [1, '']);
  });

  it('$id changes the base URI; anchors are found by name', () => {
    const schema = {
      $id: 'https://example.com/root.json',
      definitions: { a: { $id: 'other.json', type: 'integer' }, b: { $id: '#tag', type: 'string' } },
      properties: { a: { $ref: 'other.json' }, b: { $ref: '#tag' } },
    };
    expectVerdicts(schema, [{ a: 1, b: 'x' }], [{ a: 'x' }, { b: 1 }]);
  });

  it('recursive references become z.lazy of a local binding', () => {
    const tree = {
      type: 'object',
      properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['value'],
    };
    const source = expectTsVerdicts(
      tree,
      [{ value: 1 }, { value: 1, children: [{ value: 2, children: [] }] }],
      [
        { value: 1, children: [{}] },
        { value: 1, children: [{ value: 'x' }] },
      ],
    );
    expect(source).toContain('z.lazy(() => ref0)');
    expect(source).toContain('const ref0: z.ZodType = ');
    // the same schema emitted twice gives the same text
    expect(build(tree).source).toBe(source);
  });

  it('mutually recursive definitions', () => {
    const schema = {
      definitions: {
        a: { type: 'object', properties: { b: { $ref: '#/definitions/b' } } },
        b: { type: 'object', properties: { a: { $ref: '#/definitions/a' } }, required: ['a'] },
      },
      $ref: '#/definitions/a',
    };
    expectTsVerdicts(schema, [{}, { b: { a: {} } }, { b: { a: { b: { a: {} } } } }], [{ b: {} }, { b: { a: { b: {} } } }]);
  });
});

describe('type notes: where the inferred type is wider than the schema', () => {
  it('names each place and what the type leaves out', () => {
    const typeNotes: string[] = [];
    const schema = {
      type: 'object',
      properties: {
        labels: { type: 'object', patternProperties: { '^[a-z]+$': { type: 'string' } }, additionalProperties: false },
        extra: { type: 'object', patternProperties: { '^x-': {} } },
        node: { type: 'object', properties: { next: { $ref: '#/properties/node' } } },
      },
      if: { required: ['a'] },
      then: { required: ['b'] },
      dependencies: { c: ['d'] },
    };
    emitZod(schema, { refName: () => undefined, pointer: '#/S', typeNotes });
    expect(typeNotes).toEqual([
      '#/S/properties/labels: keys must match /^[a-z]+$/u; the type says string',
      '#/S/properties/extra: properties matched by patternProperties or allowed by additionalProperties are typed unknown',
      '#/S/properties/node/properties/next: a recursive reference, typed unknown (TypeScript cannot infer a recursive type from an expression)',
      '#/S: dependencies are checked when parsing; the type does not say which keys come together',
      '#/S: if/then/else is checked when parsing; the type has neither branch',
    ]);
    const plain: string[] = [];
    emitZod({ type: 'array', items: [{ type: 'string' }] }, { refName: () => undefined, typeNotes: plain });
    expect(plain).toEqual([]);
  });
});
