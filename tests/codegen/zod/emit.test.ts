// The emitter's public surface: imports, named references, descriptions, diagnostics for unsupported constructs.
import { describe, expect, it } from 'vitest';
import { emitZod, UnsupportedSchemaError, zodImports } from '../../../codegen/zod/emit.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';
import { literal, propertyKey, quote, regexLiteral } from '../../../codegen/zod/source.js';
import { buildZod, expectVerdicts } from '../../helpers/zod-harness.js';

const noRefs = { refName: (): undefined => undefined };

function unsupported(schema: JsonSchema, pointer?: string): UnsupportedSchemaError {
  try {
    emitZod(schema, { ...noRefs, ...(pointer === undefined ? {} : { pointer }) });
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    return error as UnsupportedSchemaError;
  }
  throw new Error(`expected ${JSON.stringify(schema)} to be unsupported`);
}

describe('emitZod', () => {
  it('records the helpers it uses and zodImports turns them into sorted import lines', () => {
    const usedHelpers = new Set<string>();
    emitZod({ type: 'object', properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'integer' } } }, { ...noRefs, usedHelpers });
    expect([...usedHelpers].sort()).toEqual(['isDateTime', 'isInteger']);
    expect(zodImports('../src/contract/index.js', usedHelpers)).toEqual([
      "import { z } from 'zod';",
      "import { isDateTime, isInteger } from '../src/contract/index.js';",
    ]);
    expect(zodImports('../src/contract/index.js', new Set())).toEqual(["import { z } from 'zod';"]);
  });

  it('is deterministic and keeps spec order', () => {
    const schema = { type: 'object', properties: { b: { type: 'string' }, a: { type: 'number' } }, required: ['b'] };
    const first = emitZod(schema, noRefs);
    expect(emitZod(schema, noRefs)).toBe(first);
    expect(first).toBe('z.looseObject({ b: z.string(), a: z.number().optional() })');
  });

  it('references named schemas for subschemas, never for the root', () => {
    const shared = { type: 'string', enum: ['small', 'large'] };
    const schema = { type: 'object', properties: { tier: shared, tiers: { type: 'array', items: shared } }, required: ['tier'] };
    const refName = (s: JsonSchema): string | undefined => (s === shared || s === schema ? 'ModelTierSchema' : undefined);
    expect(emitZod(schema, { refName })).toBe('z.looseObject({ tier: ModelTierSchema, tiers: z.array(ModelTierSchema).optional() })');
  });

  it('adds descriptions as metadata', () => {
    const built = buildZod({ type: 'string', description: "the worker's name" });
    expect(built.source).toBe("z.string().describe('the worker\\'s name')");
    expect(built.schema.description).toBe("the worker's name");
  });

  it('never emits z.any()', () => {
    for (const schema of [{}, true, { type: 'object' }, { type: 'array' }, { required: ['a'] }, { not: {} }] as JsonSchema[]) {
      expect(emitZod(schema, noRefs)).not.toContain('z.any(');
    }
  });

  it('treats an empty not as "nothing"', () => {
    expectVerdicts({ not: {} }, [], [1, null]);
  });
});

describe('unsupported constructs stop codegen with the construct and the JSON pointer', () => {
  const cases: [JsonSchema, string, string][] = [
    [{ type: 'object', properties: { a: { $ref: '#/definitions/x' } } }, '$ref', '#/x/properties/a/$ref'],
    [{ $ref: 'https://example.com/other.json' }, '$ref', '#/x/$ref'],
    [{ $ref: '#nowhere' }, '$ref', '#/x/$ref'],
    [{ if: 1, then: {} }, 'if/then/else', '#/x/if'],
    [{ if: {}, then: { properties: { a: { default: 1 } } } }, 'default', '#/x/then/properties/a/default'],
    [{ type: 'object', patternProperties: { '(': {} } }, 'patternProperties', '#/x/patternProperties/('],
    [{ type: 'object', patternProperties: { '^a': 1 } }, 'patternProperties', '#/x/patternProperties/^a'],
    [{ type: 'object', patternProperties: [] }, 'patternProperties', '#/x/patternProperties'],
    [{ dependencies: { a: [1] } }, 'dependencies', '#/x/dependencies/a'],
    [{ dependencies: { a: 'b' } }, 'dependencies', '#/x/dependencies/a'],
    [{ dependencies: [] }, 'dependencies', '#/x/dependencies'],
    [{ dependencies: { a: { properties: { b: { default: 1 } } } } }, 'default', '#/x/dependencies/a/properties/b/default'],
    [{ $dynamicRef: '#meta' }, '$dynamicRef', '#/x/$dynamicRef'],
    [{ type: 'array', prefixItems: [] }, 'prefixItems', '#/x/prefixItems'],
    [{ type: 'array', items: [1] }, 'items', '#/x/items/0'],
    [{ type: 'array', items: [{ default: 1 }] }, 'default', '#/x/items/0/default'],
    [{ type: 'array', items: [{}], additionalItems: 1 }, 'additionalItems', '#/x/additionalItems'],
    [{ type: 'string', format: 'duration' }, 'format: duration', '#/x/format'],
    [{ type: 'string', contentEncoding: 'base32' }, 'contentEncoding: "base32"', '#/x/contentEncoding'],
    [{ contentMediaType: 'image/png' }, 'contentMediaType: "image/png"', '#/x/contentMediaType'],
    [{ type: 'string', format: 7 }, 'format', '#/x/format'],
    [{ type: 'string', pattern: '(' }, 'pattern', '#/x/pattern'],
    [{ type: 'string', pattern: 1 }, 'pattern', '#/x/pattern'],
    [{ type: 'string', minLength: -1 }, 'minLength', '#/x'],
    [{ type: 'string', maxLength: 1.5 }, 'maxLength', '#/x'],
    [{ type: 'number', exclusiveMinimum: true }, 'exclusiveMinimum', '#/x/exclusiveMinimum'],
    [{ type: 'number', multipleOf: 0 }, 'multipleOf', '#/x/multipleOf'],
    [{ type: 'integer', format: 'int32', minimum: 'a' }, 'minimum', '#/x/minimum'],
    [{ type: 'object', minProperties: -1 }, 'minProperties', '#/x/minProperties'],
    [{ type: 'object', properties: [] }, 'properties', '#/x/properties'],
    [{ type: 'object', properties: { a: 1 } }, 'properties', '#/x/properties/a'],
    [{ type: 'object', required: 'a' }, 'required', '#/x/required'],
    [{ type: 'object', additionalProperties: 1 }, 'additionalProperties', '#/x/additionalProperties'],
    [{ type: 'object', propertyNames: 1 }, 'propertyNames', '#/x/propertyNames'],
    [{ type: 'array', maxItems: 'x' }, 'maxItems', '#/x/maxItems'],
    [{ type: 'array', items: 1 }, 'items', '#/x/items'],
    [{ type: 'array', contains: 1 }, 'contains', '#/x/contains'],
    [{ enum: 'a' }, 'enum', '#/x/enum'],
    [{ type: 'text' }, 'type', '#/x/type'],
    [{ type: [] }, 'type', '#/x/type'],
    [{ nullable: true }, 'nullable', '#/x/nullable'],
    [{ oneOf: [] }, 'oneOf', '#/x/oneOf'],
    [{ anyOf: [1] }, 'anyOf', '#/x/anyOf/0'],
    [{ not: 'x' }, 'not', '#/x/not'],
    [{ allOf: [{ properties: { 'a/b~': { $recursiveRef: '#' } } }] }, '$recursiveRef', '#/x/allOf/0/properties/a~1b~0/$recursiveRef'],
  ];

  it.each(cases)('%j → %s at %s', (schema, construct, pointer) => {
    const error = unsupported(schema, '#/x');
    expect(error.construct).toBe(construct);
    expect(error.pointer).toBe(pointer);
    expect(error.message).toContain(construct);
    expect(error.message).toContain(pointer);
  });

  it('a non-schema value is reported at the root pointer "/"', () => {
    const error = unsupported(42 as unknown as JsonSchema);
    expect(error.pointer).toBe('');
    expect(error.message).toContain('at /:');
  });

  it('a schema that contains itself is reported instead of recursing forever', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).child = node;
    const error = unsupported(node, '#/components/schemas/Tree');
    expect(error.construct).toBe('recursive schema');
    expect(error.pointer).toBe('#/components/schemas/Tree/properties/child');
  });

  it('the same subschema twice (not a cycle) is fine', () => {
    const leaf = { type: 'string' };
    expect(emitZod({ type: 'object', properties: { a: leaf, b: leaf } }, noRefs)).toBe('z.looseObject({ a: z.string().optional(), b: z.string().optional() })');
  });
});

describe('source literals', () => {
  it('quote escapes quotes, backslashes, control and line-separator characters', () => {
    expect(quote(`it's "x"\\\n\u2028\u2029`)).toBe(`'it\\'s "x"\\\\\\n\\u2028\\u2029'`);
    expect(eval(quote(`a'b"c\\d\n\t\u2028`))).toBe(`a'b"c\\d\n\t\u2028`);
  });

  it('literal renders JSON values', () => {
    expect(literal({ a: [1, -0, null, true, 'x'], 'b c': {} })).toBe("{ a: [1, -0, null, true, 'x'], 'b c': {} }");
    expect(() => literal(undefined)).toThrow(TypeError);
  });

  it('propertyKey quotes what is not an identifier', () => {
    expect(propertyKey('abc_1')).toBe('abc_1');
    expect(propertyKey('1a')).toBe("'1a'");
    expect(propertyKey('__proto__')).toBe("['__proto__']");
  });

  it('regexLiteral escapes slashes and line terminators but keeps escapes', () => {
    const source = regexLiteral('a/b\\/c[/]\n\r\u2028\u2029\\d', 'u');
    expect(source).toBe('/a\\/b\\/c[\\/]\\n\\r\\u2028\\u2029\\d/u');
    const re = eval(source) as RegExp;
    expect(re.test('a/b/c/\n\r\u2028\u20295')).toBe(true);
  });
});
