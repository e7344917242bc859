/**
 * Object keywords: draft-07 validation §6.5 (maxProperties, minProperties, required, properties,
 * additionalProperties, propertyNames) and §10.2 `default` on properties, applied like ajv's `useDefaults`.
 */
import { isSchemaObject, type SchemaObject, type TypeName } from './json-schema.js';
import type { EmitState } from './state.js';
import { hasType, isCount } from './state.js';
import { literal, propertyKey, quote } from './source.js';

const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'propertyNames'];

/** Whether the schema has a keyword that constrains objects (used for schemas without `type`). */
export function hasObjectKeywords(schema: SchemaObject): boolean {
  return OBJECT_KEYWORDS.some((keyword) => keyword in schema);
}

/**
 * Emits `type: object`. JSON Schema keeps keys it does not describe, so the base is `z.looseObject` (zod's default
 * strips them); `additionalProperties: false` gives `z.strictObject`, a schema gives `.catchall(...)`. The reader
 * variant (`state.reader`) turns `additionalProperties: false` into plain `z.object`, which strips unknown keys
 * instead of refusing them (tolerant reader, strict writer: docs/codegen.md).
 */
export function emitObject(schema: SchemaObject, state: EmitState): string {
  const additional = schema.additionalProperties;
  let base: string;
  let extraKey: string;
  if (additional === false && state.reader) {
    const shape = emitShape(schema, 'z.never()', state);
    return `z.object(${shape})${emitPropertyCount(schema, state)}${emitPropertyNames(schema, state)}`;
  }
  if (additional === false) {
    [base, extraKey] = ['z.strictObject', 'z.never()'];
  } else if (additional === undefined || additional === true || isEmptySchema(additional)) {
    [base, extraKey] = ['z.looseObject', 'z.unknown()'];
  } else {
    if (!isSchemaObject(additional)) return state.unsupported('additionalProperties', 'must be a schema', ['additionalProperties']);
    [base, extraKey] = ['z.object', state.child(additional, ['additionalProperties'])];
  }
  const shape = emitShape(schema, extraKey, state);
  const catchall = base === 'z.object' ? `.catchall(${extraKey})` : '';
  return `${base}(${shape})${catchall}${emitPropertyCount(schema, state)}${emitPropertyNames(schema, state)}`;
}

function isEmptySchema(value: unknown): boolean {
  return isSchemaObject(value) && Object.keys(value).length === 0;
}

/**
 * draft-07 validation §6.5.3 `required` and §6.5.4 `properties`, in the order `properties` lists them. A required
 * key without a property schema must be present, and is still an "additional" property (§6.5.6): `extraKey` is the
 * schema additionalProperties gives it (`z.never()` when additional properties are forbidden).
 */
function emitShape(schema: SchemaObject, extraKey: string, state: EmitState): string {
  const properties = schema.properties ?? {};
  if (!isSchemaObject(properties)) return state.unsupported('properties', 'must be an object', ['properties']);
  const required = schema.required ?? [];
  if (!Array.isArray(required) || !required.every((key) => typeof key === 'string')) {
    return state.unsupported('required', 'must be an array of strings', ['required']);
  }
  const entries: string[] = [];
  for (const [key, property] of Object.entries(properties)) {
    if (typeof property !== 'boolean' && !isSchemaObject(property)) {
      return state.unsupported('properties', 'each property must be a schema', ['properties', key]);
    }
    const expr = state.child(property, ['properties', key]);
    entries.push(`${propertyKey(key)}: ${expr}${propertyModifier(property, required.includes(key), key, state)}`);
  }
  for (const key of new Set(required)) {
    if (!Object.hasOwn(properties, key)) entries.push(`${propertyKey(key)}: ${extraKey}`);
  }
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/**
 * A property's `default` (validation §10.2), applied as ajv's `useDefaults` does: only directly under `properties`
 * and never inside anyOf/oneOf/not. Scalars use `.default(v)`; objects and arrays `.prefault(v)` so the default is
 * parsed and nested defaults apply too, as ajv validates (and fills) the value it assigned. Otherwise a property that
 * is not required is `.optional()`.
 */
function propertyModifier(property: boolean | SchemaObject, required: boolean, key: string, state: EmitState): string {
  if (isSchemaObject(property) && 'default' in property && !state.inComposite) {
    const value = property.default;
    checkDefaultType(property, value, key, state);
    const structured = typeof value === 'object' && value !== null;
    return `.${structured ? 'prefault' : 'default'}(${literal(value)})`;
  }
  return required ? '' : '.optional()';
}

/** A default of the wrong JSON type would not compile in the generated TypeScript; say so instead. */
function checkDefaultType(property: SchemaObject, value: unknown, key: string, state: EmitState): void {
  const declared = property.type;
  if (declared === undefined) return;
  const types = Array.isArray(declared) ? declared : [declared];
  if (property.nullable === true) types.push('null');
  if (!types.some((type) => hasType(value, type as TypeName))) {
    state.unsupported('default', `the default ${JSON.stringify(value)} does not match type ${JSON.stringify(declared)}`, [
      'properties',
      key,
      'default',
    ]);
  }
}

/** draft-07 validation §6.5.1-2 `maxProperties`/`minProperties`. */
function emitPropertyCount(schema: SchemaObject, state: EmitState): string {
  let expr = '';
  for (const [keyword, op, word] of [
    ['minProperties', '>=', 'at least'],
    ['maxProperties', '<=', 'at most'],
  ] as const) {
    const count = schema[keyword];
    if (count === undefined) continue;
    if (!isCount(count)) return state.unsupported(keyword, 'must be a non-negative integer', [keyword]);
    expr += `.refine((o) => Object.keys(o).length ${op} ${count}, ${quote(`must have ${word} ${count} properties`)})`;
  }
  return expr;
}

/** draft-07 validation §6.5.8 `propertyNames`: every key, as a string, matches the schema. */
function emitPropertyNames(schema: SchemaObject, state: EmitState): string {
  const names = schema.propertyNames;
  if (names === undefined) return '';
  if (typeof names !== 'boolean' && !isSchemaObject(names)) {
    return state.unsupported('propertyNames', 'must be a schema', ['propertyNames']);
  }
  const inner = state.child(names, ['propertyNames'], { assumedType: 'string' });
  return `.refine(${state.helper('everyKeyMatches')}(${inner}), 'every property name must match propertyNames')`;
}
