// allOf / anyOf / oneOf / not and the discriminator: emitted Zod agrees with ajv.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildZod, expectParity, expectVerdicts } from '../../helpers/zod-harness.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';

const token = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'token'],
  properties: { type: { const: 'token' }, token: { type: 'string' } },
};
const done = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { type: 'string', enum: ['done'] }, total: { type: 'integer' } },
};

describe('oneOf with a discriminator becomes z.discriminatedUnion', () => {
  it('AsyncAPI string form', () => {
    const built = expectVerdicts(
      { discriminator: 'type', oneOf: [token, done] },
      [{ type: 'token', token: 'a' }, { type: 'done' }, { type: 'done', total: 1 }],
      [{ type: 'token' }, { type: 'other' }, { type: 'done', token: 'a' }, 'token', null, {}],
    );
    expect(built.source).toMatch(/^z\.discriminatedUnion\('type', \[/);
  });

  it('OpenAPI object form, and anyOf, and inside a typed parent', () => {
    expect(buildZod({ discriminator: { propertyName: 'type' }, oneOf: [token, done] }).source).toContain('discriminatedUnion');
    expect(buildZod({ type: 'object', discriminator: 'type', anyOf: [token, done] }).source).toMatch(/^z\.discriminatedUnion/);
  });

  it('typeless branches count as objects when the parent is an object', () => {
    const a = { properties: { kind: { const: 'a' } }, required: ['kind'] };
    const b = { properties: { kind: { const: 'b' }, n: { type: 'number' } }, required: ['kind'] };
    const built = expectVerdicts(
      { type: 'object', discriminator: 'kind', anyOf: [a, b] },
      [{ kind: 'a' }, { kind: 'b', n: 1 }],
      [{ kind: 'c' }, { kind: 'b', n: 'x' }, 'a'],
    );
    expect(built.source).toMatch(/^z\.discriminatedUnion/);
    // without a typed parent, anyOf over typeless branches also accepts non-objects: no discriminated union
    expect(buildZod({ discriminator: 'kind', anyOf: [a, b] }).source).not.toContain('discriminatedUnion');
    expectVerdicts({ discriminator: 'kind', anyOf: [a, b] }, ['a', { kind: 'a' }], [{ kind: 'c' }]);
  });

  it('named branches are referenced, not inlined', () => {
    const tokenZod = buildZod(token).schema;
    const doneZod = buildZod(done).schema;
    const named = new Map<JsonSchema, readonly [string, z.ZodType]>([
      [token, ['StreamingTokenSchema', tokenZod]],
      [done, ['StreamingDoneSchema', doneZod]],
    ]);
    const built = expectVerdicts({ discriminator: 'type', oneOf: [token, done] }, [{ type: 'done' }], [{ type: 'x' }], named);
    expect(built.source).toBe("z.discriminatedUnion('type', [StreamingTokenSchema, StreamingDoneSchema])");
  });

  it('a branch with a property named like an Object.prototype member is no discriminated-union option', () => {
    const named = { ...done, properties: { ...done.properties, constructor: { type: 'string' } } };
    const built = buildZod({ discriminator: 'type', oneOf: [token, named] });
    expect(built.source).not.toContain('discriminatedUnion');
    expect(built.schema.safeParse({ type: 'done' }).success).toBe(true);
    expect(built.schema.safeParse({ type: 'done', constructor: 1 }).success).toBe(false);
  });

  it('falls back to exactly-one semantics when the tags do not qualify', () => {
    const sameTag = { ...done, properties: { type: { const: 'token' } } };
    const cases: [JsonSchema, string][] = [
      [{ discriminator: 'type', oneOf: [token, sameTag] }, 'duplicate tag'],
      [{ discriminator: 'type', oneOf: [token, { ...done, required: [] }] }, 'tag not required'],
      [{ discriminator: 'type', oneOf: [token, { ...done, properties: { type: { type: 'string' } } }] }, 'no constant'],
      [{ discriminator: 'type', oneOf: [token, { ...done, properties: {} }] }, 'no tag property'],
      [{ discriminator: 'type', oneOf: [token, { ...done, properties: { type: { const: { a: 1 } } } }] }, 'object tag'],
      [{ discriminator: 'type', oneOf: [token, { ...done, properties: { type: { type: 'integer', const: 'x' } } }] }, 'tag of wrong type'],
      [{ discriminator: 'type', oneOf: [token, { ...done, allOf: [{}] }] }, 'not a plain object'],
      [{ discriminator: 'type', oneOf: [token, true] }, 'boolean branch'],
      [{ discriminator: 'type', oneOf: [token, { ...done, type: 'array' }] }, 'not an object'],
      [{ discriminator: 42, oneOf: [token, done] }, 'malformed discriminator'],
      [{ discriminator: 'type', oneOf: [token, { ...done, minProperties: 1 }] }, 'a key check (not a plain zod object)'],
      [{ discriminator: 'type', oneOf: [token, { ...done, propertyNames: { maxLength: 5 } }] }, 'propertyNames'],
      [{ discriminator: 'type', oneOf: [token, { ...done, patternProperties: { '^x': {} } }] }, 'patternProperties'],
    ];
    for (const [schema, why] of cases) {
      const built = expectParity(schema, [{ type: 'token', token: 'a' }, { type: 'zzz' }, { type: 'done' }, 'x']);
      expect(built.source, why).not.toContain('discriminatedUnion');
    }
  });
});

describe('oneOf / anyOf / allOf / not (draft-07 validation §6.7)', () => {
  it('oneOf rejects values matching several branches', () => {
    const built = expectVerdicts({ oneOf: [{ type: 'integer' }, { minimum: 2 }] }, [1, 2.5, 'x'], [3, 1.5]);
    expect(built.source).toContain('z.xor(');
  });

  it('anyOf accepts values matching any branch', () => {
    const built = expectVerdicts({ anyOf: [{ type: 'integer' }, { type: 'string', minLength: 2 }] }, [1, 'ab'], ['a', 1.5, null]);
    expect(built.source).toContain('z.union(');
  });

  it('a single branch is the branch itself', () => {
    expect(buildZod({ oneOf: [{ type: 'string' }] }).source).toBe('z.string()');
    expect(buildZod({ anyOf: [{ type: 'null' }] }).source).toBe('z.null()');
  });

  it('a typed parent passes its type to typeless branches and is then implied', () => {
    const built = expectVerdicts({ type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] }, ['10.0.0.1', '::1'], ['host', 1]);
    expect(built.source).toBe('z.union([z.ipv4(), z.ipv6()])');
  });

  it('a typed parent is kept when a named branch may have another type', () => {
    const any = { description: 'untyped' };
    const named = new Map<JsonSchema, readonly [string, z.ZodType]>([[any, ['Anything', buildZod(any).schema]]]);
    const built = expectVerdicts({ type: 'string', anyOf: [any, { minLength: 3 }] }, ['a'], [1], named);
    expect(built.source).toMatch(/^z\.string\(\)\.and\(/);
  });

  it('allOf intersects, and merges object outputs', () => {
    const built = expectVerdicts(
      {
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', properties: { b: { type: 'integer' } }, required: ['b'] },
        ],
      },
      [{ a: 'x', b: 1, c: true }],
      [{ a: 'x' }, { b: 1 }, { a: 1, b: 1 }],
    );
    expect(built.source).toContain('.and(');
  });

  it('allOf with type and properties on the parent, the way AsyncAPI documents compose schemas', () => {
    expectVerdicts(
      {
        type: 'object',
        properties: { kind: { type: 'string' } },
        allOf: [{ properties: { n: { type: 'number', maximum: 3 } } }, { required: ['kind'] }],
      },
      [{ kind: 'a' }, { kind: 'a', n: 3 }],
      [{ n: 1 }, { kind: 'a', n: 4 }, 'x'],
    );
  });

  it('not inverts its schema', () => {
    expectVerdicts({ not: { type: 'integer' } }, ['1', 1.5, null], [1]);
    expectVerdicts({ type: 'object', properties: { key: { not: { type: 'integer' } } } }, [{ key: 'a' }, {}], [{ key: 2 }]);
    expectVerdicts({ type: 'string', not: { enum: ['root'] } }, ['user'], ['root', 1]);
  });

  it('boolean schemas', () => {
    expectVerdicts(true, [1, null, 'x'], []);
    expectVerdicts(false, [], [1, null, 'x']);
    expectVerdicts({ type: 'object', properties: { a: false } }, [{}], [{ a: 1 }]);
  });
});
