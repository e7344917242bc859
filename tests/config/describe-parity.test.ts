/**
 * Schema to English is written twice: the runtime's problems say what a key accepts (src/config/describe.ts,
 * `describeExpected`) and docs/configuration.md's table shows each key's type and constraint
 * (codegen/docs/config-docs.ts, `describeKey`). They are two texts for two readers, and the generator may not import
 * runtime values, so they stay two functions held to one table here: each row is one schema, as both describe it.
 * A keyword one of them learns shows as a row that changes on one side only; and the cluster schema may use no
 * constraint keyword that this table leaves out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeKey } from '../../codegen/docs/config-docs.js';
import { describeExpected } from '../../src/config/describe.js';
import type { JsonSchema } from '../../src/config/json-schema.js';

/** [what, schema, the docs' type and constraint cells, the runtime's words]. */
const ROWS: readonly (readonly [string, JsonSchema, { type: string; constraint: string }, string])[] = [
  ['integer range', { type: 'integer', minimum: 1024, maximum: 65535 }, { type: 'integer', constraint: '1024–65535' }, 'an integer from 1024 to 65535'],
  ['integer minimum 1', { type: 'integer', minimum: 1 }, { type: 'integer', constraint: '≥ 1' }, 'a positive integer'],
  ['integer minimum 0', { type: 'integer', minimum: 0 }, { type: 'integer', constraint: '≥ 0' }, 'a non-negative integer'],
  ['integer minimum -1', { type: 'integer', minimum: -1 }, { type: 'integer', constraint: '≥ -1' }, 'an integer of at least -1'],
  ['number maximum', { type: 'number', maximum: 9.5 }, { type: 'number', constraint: '≤ 9.5' }, 'a number of at most 9.5'],
  ['boolean', { type: 'boolean' }, { type: 'boolean', constraint: '' }, 'true or false'],
  [
    'enum',
    { type: 'string', enum: ['controller', 'worker', 'dual'] },
    { type: 'string', constraint: 'one of `controller`, `worker`, `dual`' },
    'one of: controller, worker, dual',
  ],
  ['non-empty string', { type: 'string', minLength: 1 }, { type: 'string', constraint: 'non-empty' }, 'a non-empty string'],
  [
    'string of a minimum length',
    { type: 'string', minLength: 3 },
    { type: 'string', constraint: 'at least 3 characters' },
    'a string of at least 3 characters',
  ],
  ['pattern', { type: 'string', pattern: '^[a-z]+$' }, { type: 'string', constraint: 'pattern `^[a-z]+$`' }, 'a string matching /^[a-z]+$/'],
  ['format', { type: 'string', format: 'uuid' }, { type: 'string', constraint: 'format uuid' }, 'a UUID such as 123e4567-e89b-12d3-a456-426614174000'],
  [
    'URL of some schemes',
    { type: 'string', format: 'uri', pattern: '^(nats|tls)://' },
    { type: 'string', constraint: 'format uri; pattern `^(nats|tls)://`' },
    'a URL starting with nats:// or tls://',
  ],
  [
    'formats in anyOf',
    { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'hostname' }] },
    { type: 'string', constraint: 'format ipv4 or format hostname' },
    'an IPv4 address or a host name',
  ],
  ['nullable', { type: ['string', 'null'], minLength: 1 }, { type: 'string or null', constraint: 'non-empty' }, 'a non-empty string or null'],
  [
    'list',
    { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    { type: 'array of string', constraint: 'at least 1 item' },
    'a non-empty list (each item: a non-empty string)',
  ],
  [
    'mapping',
    { type: 'object', additionalProperties: false, properties: { a: {}, b: {} } },
    { type: 'object', constraint: 'no other keys' },
    'a mapping with the keys a, b',
  ],
];

/** Keywords that describe no constraint of a key's own value (annotations, and structure each key's row covers). */
const NOT_CONSTRAINTS = new Set(['description', 'default', 'title', '$schema', '$id', 'x-rules', 'required', 'properties']);

/**
 * Constraints neither side puts into words: ajv's check still applies and the problem names the key, but the
 * description is the type's (e.g. "a list"). Listed so a new one is a decision, not an accident.
 */
const UNDESCRIBED = new Set(['uniqueItems']);

describe('the docs and the runtime describe a schema from the same keywords', () => {
  it.each(ROWS)('%s', (_what, schema, docs, runtime) => {
    expect(describeKey({ ...schema }, false)).toEqual(docs);
    expect(describeExpected(schema)).toBe(runtime);
  });

  it('the cluster configuration schema uses only keywords this table covers', () => {
    const covered = new Set(ROWS.flatMap(([, schema]) => keywordsOf(schema)));
    const schema = JSON.parse(readFileSync(new URL('../../schemas/cluster-config.schema.json', import.meta.url), 'utf8')) as JsonSchema;
    const used = new Set(keywordsOf(schema));
    const uncovered = [...used].filter((keyword) => !covered.has(keyword) && !NOT_CONSTRAINTS.has(keyword) && !UNDESCRIBED.has(keyword));
    expect(uncovered).toEqual([]);
  });
});

/** Every keyword of `schema` and its subschemas (properties, items, anyOf/oneOf branches). */
function keywordsOf(schema: JsonSchema): string[] {
  const children = [
    ...Object.values(schema.properties ?? {}),
    ...(schema.items === undefined ? [] : [schema.items]),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
  ];
  return [...Object.keys(schema), ...children.flatMap(keywordsOf)];
}
