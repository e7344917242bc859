/**
 * The config loader compiles its schema without meta-schema validation (it saves start-up time), so the shipped
 * cluster configuration schema is checked against the JSON Schema draft-07 meta-schema here instead.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

describe('schemas/cluster-config.schema.json', () => {
  it('is a valid draft-07 JSON Schema', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/cluster-config.schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ strict: false });
    const valid = ajv.validateSchema(schema);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the meta-schema check catches a malformed schema (the test can fail)', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema({ type: 'object', properties: { port: { type: 'integr' } } })).toBe(false);
  });
});
