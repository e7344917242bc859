/**
 * Array keywords: draft-07 validation §6.4 (items, maxItems, minItems, uniqueItems, contains).
 */
import { isSchemaObject, type SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { isCount } from './state.js';
import { quote } from './source.js';

const ARRAY_KEYWORDS = ['items', 'minItems', 'maxItems', 'uniqueItems', 'contains'];

/** Whether the schema has a keyword that constrains arrays (used for schemas without `type`). */
export function hasArrayKeywords(schema: SchemaObject): boolean {
  return ARRAY_KEYWORDS.some((keyword) => keyword in schema && !(keyword === 'uniqueItems' && schema[keyword] === false));
}

/** Emits `type: array` with its keywords. */
export function emitArray(schema: SchemaObject, state: EmitState): string {
  let expr = `z.array(${emitItems(schema, state)})`;
  for (const [keyword, method] of [
    ['minItems', 'min'],
    ['maxItems', 'max'],
  ] as const) {
    const count = schema[keyword];
    if (count === undefined) continue;
    if (!isCount(count)) return state.unsupported(keyword, 'must be a non-negative integer', [keyword]);
    expr += `.${method}(${count})`;
  }
  if (schema.uniqueItems === true) expr += `.refine(${state.helper('hasUniqueItems')}, 'items must be unique')`;
  expr += emitContains(schema, state);
  return expr;
}

/**
 * draft-07 validation §6.4.1 `items` in its single-schema form. The array (tuple) form, with `additionalItems`, is
 * not supported.
 */
function emitItems(schema: SchemaObject, state: EmitState): string {
  const items = schema.items;
  if (items === undefined) return 'z.unknown()';
  if (Array.isArray(items)) {
    return state.unsupported('items (array form)', 'tuple validation is not supported; use a single items schema', [
      'items',
    ]);
  }
  if (typeof items !== 'boolean' && !isSchemaObject(items)) {
    return state.unsupported('items', 'must be a schema', ['items']);
  }
  return state.child(items, ['items']);
}

/** draft-07 validation §6.4.6 `contains`: at least one item matches. */
function emitContains(schema: SchemaObject, state: EmitState): string {
  const contains = schema.contains;
  if (contains === undefined) return '';
  if (typeof contains !== 'boolean' && !isSchemaObject(contains)) {
    return state.unsupported('contains', 'must be a schema', ['contains']);
  }
  const inner = state.child(contains, ['contains'], { inComposite: true });
  return `.refine(${state.helper('someItemMatches')}(${inner}), ${quote('must contain a matching item')})`;
}
