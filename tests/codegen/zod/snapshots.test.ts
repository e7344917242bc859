/**
 * What the Zod emitter writes for one small schema per keyword group (codegen/zod/keywords-*.ts), writer and reader,
 * formatted as generated files are, compared with a committed file in __snapshots__/emit/: a change in the emitted
 * code shows in review as a diff of that file. Behaviour (agreement with ajv) is tested elsewhere; this pins the text.
 * After an intended change, `npx vitest run tests/codegen/zod/snapshots.test.ts -u` rewrites the files.
 */
import { describe, expect, it } from 'vitest';
import { loadPrettier } from '../../../codegen/output/prettier.js';
import { emitZod } from '../../../codegen/zod/emit.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';

/** One schema per keyword group, named after its module (keywords-<name>.ts). */
const CONSTRUCTS: Readonly<Record<string, JsonSchema>> = {
  type: { type: ['integer', 'string', 'null'] },
  string: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z]', format: 'email' },
  number: { type: 'number', minimum: 0, exclusiveMaximum: 100, multipleOf: 0.5 },
  enum: { enum: ['a', 1, null, { k: [1] }] },
  object: { type: 'object', minProperties: 1, maxProperties: 3, propertyNames: { pattern: '^[a-z]+$' } },
  properties: {
    type: 'object',
    properties: { id: { type: 'string', format: 'uuid' }, n: { type: 'integer', default: 1 }, 'two words': { type: 'boolean' } },
    required: ['id'],
    additionalProperties: false,
  },
  array: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5, uniqueItems: true, contains: { const: 'x' } },
  applicator: {
    oneOf: [
      { type: 'object', properties: { type: { const: 'a' }, a: { type: 'string' } }, required: ['type'], additionalProperties: false },
      { type: 'object', properties: { type: { const: 'b' }, b: { type: 'number' } }, required: ['type'], additionalProperties: false },
    ],
  },
  conditional: { type: 'object', if: { properties: { kind: { const: 'a' } } }, then: { required: ['a'] }, else: { required: ['b'] } },
  dependencies: { type: 'object', dependencies: { a: ['b'], c: { required: ['d'] } } },
  patterns: {
    type: 'object',
    properties: { name: { type: 'string' } },
    patternProperties: { '^x-': { type: 'string' } },
    additionalProperties: { type: 'integer' },
  },
  content: { type: 'string', contentMediaType: 'application/json', contentEncoding: 'base64' },
};

describe('the Zod emitted for each schema construct', () => {
  it.each(Object.entries(CONSTRUCTS))('keywords-%s', async (name, schema) => {
    const format = await loadPrettier();
    const helpers = new Set<string>();
    const writer = emitZod(schema, { refName: () => undefined, usedHelpers: helpers });
    const reader = emitZod(schema, { refName: () => undefined, usedHelpers: helpers, reader: true });
    const lines = [
      `// keywords-${name}.ts: ${JSON.stringify(schema)}`,
      `// format helpers used: ${helpers.size === 0 ? 'none' : [...helpers].sort().join(', ')}`,
      `export const Writer = ${writer};`,
      reader === writer ? '// the reader is the writer' : `export const Reader = ${reader};`,
    ];
    await expect(await format(lines.join('\n'))).toMatchFileSnapshot(`__snapshots__/emit/keywords-${name}.snap`);
  });
});
