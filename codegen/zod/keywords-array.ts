/**
 * Array keywords: draft-07 validation §6.4 (items in both forms, additionalItems, maxItems, minItems, uniqueItems,
 * contains).
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
  const tuple = Array.isArray(schema.items);
  let expr = tuple ? emitTuple(schema, schema.items as unknown[], state) : `z.array(${emitItems(schema, state)})`;
  for (const [keyword, method, op, word] of [
    ['minItems', 'min', '>=', 'at least'],
    ['maxItems', 'max', '<=', 'at most'],
  ] as const) {
    const count = schema[keyword];
    if (count === undefined) continue;
    if (!isCount(count)) return state.unsupported(keyword, 'must be a non-negative integer', [keyword]);
    // z.tuple has no .min/.max
    expr += tuple ? `.refine((a) => a.length ${op} ${count}, ${quote(`must have ${word} ${count} items`)})` : `.${method}(${count})`;
  }
  if (schema.uniqueItems === true) expr += `.refine(${state.helper('hasUniqueItems')}, 'items must be unique')`;
  expr += emitContains(schema, state);
  return expr;
}

/** draft-07 validation §6.4.1 `items` in its single-schema form (`additionalItems` is then ignored). */
function emitItems(schema: SchemaObject, state: EmitState): string {
  const items = schema.items;
  if (items === undefined) return 'z.unknown()';
  if (typeof items !== 'boolean' && !isSchemaObject(items)) {
    return state.unsupported('items', 'must be a schema', ['items']);
  }
  return state.child(items, ['items']);
}

/**
 * draft-07 validation §6.4.1 `items` as an array (tuple validation) with §6.4.2 `additionalItems` for the items
 * after them. Every position is optional, as JSON Schema allows a shorter array: typed `[A?, B?, ...R[]]`
 * (`...unknown[]` without additionalItems, nothing after `false`). A default on a position is refused: ajv fills
 * missing positions with it, z.tuple does not.
 */
function emitTuple(schema: SchemaObject, items: readonly unknown[], state: EmitState): string {
  const positions = items.map((item, i) => {
    if (typeof item !== 'boolean' && !isSchemaObject(item)) return state.unsupported('items', 'must hold schemas', ['items', i]);
    if (isSchemaObject(item) && 'default' in item && !state.inComposite) {
      return state.unsupported('default', 'a default on a tuple position would not be applied', ['items', i, 'default']);
    }
    return `${state.child(item, ['items', i])}.optional()`;
  });
  const additional = schema.additionalItems;
  let rest = ', z.unknown()';
  if (additional === false) rest = '';
  else if (additional !== undefined && additional !== true) {
    if (!isSchemaObject(additional)) return state.unsupported('additionalItems', 'must be a schema', ['additionalItems']);
    rest = `, ${state.child(additional, ['additionalItems'])}`;
  }
  return `z.tuple([${positions.join(', ')}]${rest})`;
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
