/** Where subschemas sit: the positions the meta-schema check and the model walk. */
import { describe, expect, it } from 'vitest';
import { forEachSubschema } from '../../../codegen/input/subschemas.js';

function positions(value: unknown, pointer = ''): string[] {
  const found: string[] = [];
  forEachSubschema(value, pointer, (child) => {
    found.push(child);
  });
  return found;
}

describe('forEachSubschema', () => {
  it('visits single and map keywords holding objects and every list entry, escaping names', () => {
    const schema = {
      not: {},
      items: [{}, true],
      additionalProperties: false,
      allOf: [{ type: 'string' }],
      properties: { 'a/b~c': { type: 'string' }, flag: true },
      description: { not: 'a schema' },
    };
    expect(positions(schema, '/components/schemas/X')).toEqual([
      '/components/schemas/X/not',
      '/components/schemas/X/allOf/0',
      '/components/schemas/X/items/0',
      '/components/schemas/X/items/1',
      '/components/schemas/X/properties/a~1b~0c',
    ]);
  });

  it('visits nothing in a boolean schema, an array or a scalar', () => {
    expect(positions(true)).toEqual([]);
    expect(positions([{}])).toEqual([]);
    expect(positions('x')).toEqual([]);
  });
});
