// Object and array keywords, and defaults: emitted Zod agrees with ajv (useDefaults) on verdicts and output.
import { describe, expect, it } from 'vitest';
import { buildZod, expectParity, expectVerdicts } from '../../helpers/zod-harness.js';
import { UnsupportedSchemaError } from '../../../codegen/zod/emit.js';

describe('object keywords (draft-07 validation §6.5)', () => {
  const point = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x'] };

  it('required properties must be present; others are optional', () => {
    expectVerdicts(point, [{ x: 1 }, { x: 1, y: 2 }], [{}, { y: 2 }, { x: '1' }, { x: 1, y: null }]);
  });

  it('unknown keys are kept, as JSON Schema keeps them (zod would strip)', () => {
    const built = expectParity(point, [{ x: 1, extra: { deep: true } }]);
    expect(built.schema.parse({ x: 1, extra: 2 })).toEqual({ x: 1, extra: 2 });
    expect(built.source).toContain('z.looseObject');
  });

  it('additionalProperties false rejects unknown keys', () => {
    const built = expectVerdicts({ ...point, additionalProperties: false }, [{ x: 1 }], [{ x: 1, z: 0 }]);
    expect(built.source).toContain('z.strictObject');
  });

  it('additionalProperties true or {} keep unknown keys', () => {
    expectVerdicts({ ...point, additionalProperties: true }, [{ x: 1, z: 'a' }], [{}]);
    expectVerdicts({ ...point, additionalProperties: {} }, [{ x: 1, z: 'a' }], [{}]);
  });

  it('a schema for additionalProperties checks every unknown key', () => {
    const built = expectVerdicts({ ...point, additionalProperties: { type: 'string' } }, [{ x: 1, y: 2, z: 'a' }, { x: 1 }], [{ x: 1, z: 1 }]);
    expect(built.source).toContain('.catchall(');
  });

  it('required keys without a property schema must be present with any value', () => {
    expectVerdicts({ type: 'object', required: ['a'] }, [{ a: null }, { a: 1, b: 2 }], [{}, { b: 1 }]);
    // ...and they are still additional properties
    expectVerdicts({ type: 'object', required: ['a'], additionalProperties: { type: 'string' } }, [{ a: 'x' }], [{ a: 1 }, {}]);
    expectVerdicts({ type: 'object', required: ['a'], additionalProperties: false }, [], [{ a: 1 }, {}]);
  });

  it('minProperties, maxProperties and propertyNames', () => {
    expectVerdicts({ type: 'object', minProperties: 1, maxProperties: 2 }, [{ a: 1 }, { a: 1, b: 2 }], [{}, { a: 1, b: 2, c: 3 }]);
    expectVerdicts({ type: 'object', propertyNames: { maxLength: 3 } }, [{ abc: 1 }, {}], [{ abcd: 1 }]);
    expectVerdicts({ type: 'object', propertyNames: { pattern: '^[a-z]+$' } }, [{ ab: 1 }], [{ Ab: 1 }]);
  });

  it('odd property names are quoted, and __proto__ stays an ordinary key', () => {
    const schema = {
      type: 'object',
      properties: { 'a-b': { type: 'string' }, "it's": { type: 'number' }, __proto__x: { type: 'null' } },
      required: ['a-b', "it's"],
    };
    expectVerdicts(schema, [{ 'a-b': 'x', "it's": 1 }], [{ 'a-b': 'x' }, { 'a-b': 1, "it's": 1 }]);
    const proto = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}') as Record<string, unknown>;
    const built = buildZod(proto);
    expect(built.source).toContain("['__proto__']");
  });

  it('nested objects', () => {
    expectVerdicts(
      { type: 'object', properties: { inner: point }, required: ['inner'], additionalProperties: false },
      [{ inner: { x: 1 } }],
      [{ inner: {} }, { inner: { x: 1 }, other: 1 }, {}],
    );
  });
});

describe('default (validation §10.2) as ajv useDefaults applies it', () => {
  const config = {
    type: 'object',
    properties: {
      port: { type: 'integer', minimum: 1024, default: 4222 },
      host: { type: 'string', default: '127.0.0.1' },
      debug: { type: 'boolean', default: false },
      nothing: { type: ['string', 'null'], default: null },
      embedded: {
        type: 'object',
        default: {},
        properties: { http_port: { type: 'integer', default: 8222 }, tags: { type: 'array', default: ['a'], items: { type: 'string' } } },
      },
    },
  };

  it('fills missing properties, and nested defaults inside a defaulted object', () => {
    const built = expectParity(config, [{}, { port: 5000 }, { embedded: { http_port: 1 } }, { embedded: {} }]);
    expect(built.schema.parse({})).toEqual({
      port: 4222,
      host: '127.0.0.1',
      debug: false,
      nothing: null,
      embedded: { http_port: 8222, tags: ['a'] },
    });
    expect(built.source).toContain('.prefault({})');
    expect(built.source).toContain('.default(4222)');
  });

  it('does not replace present values, and still validates them', () => {
    expectVerdicts(config, [{ port: 1024 }], [{ port: 80 }, { host: 1 }]);
  });

  it('is ignored under anyOf/oneOf/not, as in ajv', () => {
    const schema = {
      type: 'object',
      oneOf: [
        { properties: { kind: { const: 'a' }, n: { type: 'integer', default: 1 } }, required: ['kind'] },
        { properties: { kind: { const: 'b' } }, required: ['kind'] },
      ],
    };
    const built = expectParity(schema, [{ kind: 'a' }, { kind: 'b' }]);
    expect(built.schema.parse({ kind: 'a' })).toEqual({ kind: 'a' });
  });

  it('a default of the wrong type is a diagnostic, not broken TypeScript', () => {
    expect(() => buildZod({ type: 'object', properties: { a: { type: 'string', default: 1 } } })).toThrow(/default.*does not match type/);
    expect(buildZod({ type: 'object', properties: { a: { default: 1 } } }).source).toContain('.default(1)');
    expect(buildZod({ type: 'object', properties: { a: { type: 'integer', nullable: true, default: null } } }).source).toContain('.default(null)');
  });
});

describe('array keywords (draft-07 validation §6.4)', () => {
  it('items, minItems, maxItems', () => {
    expectVerdicts({ type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 }, [['a'], ['a', 'b']], [[], ['a', 'b', 'c'], [1]]);
    expectVerdicts({ type: 'array' }, [[1, 'a', null]], [{}]);
    expectVerdicts({ type: 'array', items: false }, [[]], [[1]]);
  });

  it('uniqueItems compares items as JSON', () => {
    expectVerdicts(
      { type: 'array', uniqueItems: true },
      [[1, '1', { a: 1 }], []],
      [
        [1, 1],
        [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      ],
    );
    expectVerdicts({ type: 'array', uniqueItems: false }, [[1, 1]], []);
  });

  it('contains', () => {
    expectVerdicts({ type: 'array', contains: { type: 'integer', minimum: 5 } }, [[1, 5]], [[1, 2], []]);
  });

  it('defaults inside array items apply per item', () => {
    expectParity({ type: 'array', items: { type: 'object', properties: { n: { type: 'integer', default: 0 } } } }, [[{}, { n: 2 }]]);
  });

  it('a default on a tuple position is refused (ajv would fill it, z.tuple cannot)', () => {
    expect(() => buildZod({ type: 'array', items: [{ type: 'string', default: 'a' }] })).toThrow(UnsupportedSchemaError);
  });
});
