/**
 * Object keywords: draft-07 validation §6.5 (maxProperties, minProperties, additionalProperties, propertyNames),
 * assembling the modules for properties (keywords-properties.ts), patternProperties and dependencies.
 */
import { isSchemaObject, type JsonSchema, type SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { isCount } from './state.js';
import { quote } from './source.js';
import { emitShape, isEmptySchema, protoCheck } from './keywords-properties.js';
import { emitDependencies } from './keywords-dependencies.js';
import { emitPatternObject } from './keywords-patterns.js';

const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'patternProperties',
  'dependencies',
];

/** Whether the schema has a keyword that constrains objects (used for schemas without `type`). */
export function hasObjectKeywords(schema: SchemaObject): boolean {
  return OBJECT_KEYWORDS.some((keyword) => keyword in schema);
}

/**
 * Emits `type: object`: the properties (below, or with patternProperties in keywords-patterns.ts) and the checks
 * that read the object's keys (patternProperties, dependencies, property counts, propertyNames). zod's object output
 * drops an own `__proto__` key, so those checks run first, on the value as given (`jsonObject()`), and the object
 * schema after them. Property names that `Object.prototype` also has (`constructor`, `toString`...) would be read
 * from the prototype by zod, so such objects are parsed from a prototype-free copy (`ownProperties`).
 */
export function emitObject(schema: SchemaObject, state: EmitState): string {
  const { object, keyCheck } = 'patternProperties' in schema ? emitPatternObject(schema, state) : emitPlainObject(schema, state);
  const keyChecks =
    keyCheck + emitProtoProperty(schema, state) + emitDependencies(schema, state) + emitPropertyCount(schema, state) + emitPropertyNames(schema, state);
  const expr = keyChecks === '' ? object : `${state.helper('jsonObject')}()${keyChecks}.pipe(${object})`;
  return hasPrototypeNames(schema) ? `z.preprocess(${state.helper('ownProperties')}, ${expr})` : expr;
}

/**
 * zod skips a shape key named `__proto__` when parsing (it stays in the shape, so the type has it and a strict
 * object does not call it unknown), so its schema and presence are checked among the key checks.
 */
function emitProtoProperty(schema: SchemaObject, state: EmitState): string {
  if (!namesProtoKey(schema)) return '';
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) && schema.required.includes('__proto__');
  const property = Object.hasOwn(properties, '__proto__') ? (properties.__proto__ as JsonSchema) : undefined;
  if (isSchemaObject(property) && 'default' in property && !state.inComposite) {
    state.unsupported('default', 'a default on "__proto__" would not be applied', ['properties', '__proto__', 'default']);
  }
  const check = property === undefined ? 'z.unknown()' : state.child(property, ['properties', '__proto__']);
  return `.refine(${state.helper('ownPropertyMatches')}('__proto__', ${check}, ${String(required)}), 'property "__proto__" must match its schema')`;
}

/**
 * Whether {@link emitObject} gives a plain zod object (`z.looseObject` and kin, refinements aside), which
 * `z.discriminatedUnion` needs: not a record, a key-checking pipe or a prototype-free preprocess.
 */
export function isPlainObjectSchema(schema: SchemaObject): boolean {
  const additional = schema.additionalProperties;
  const catchall = additional !== undefined && typeof additional !== 'boolean' && !isEmptySchema(additional);
  return !KEY_KEYWORDS.some((keyword) => keyword in schema) && !hasPrototypeNames(schema) && !catchall;
}

/** Keywords whose checks read the object's keys, so they run before the object schema (see emitObject). */
const KEY_KEYWORDS = ['patternProperties', 'dependencies', 'minProperties', 'maxProperties', 'propertyNames'];

/** Whether `properties` or `required` names `__proto__` (then {@link emitProtoProperty} checks it). */
function namesProtoKey(schema: SchemaObject): boolean {
  const named = isSchemaObject(schema.properties) && Object.hasOwn(schema.properties, '__proto__');
  return named || (Array.isArray(schema.required) && schema.required.includes('__proto__'));
}

/** Whether `properties` or `required` names a key that plain objects inherit. */
export function hasPrototypeNames(schema: SchemaObject): boolean {
  const names = [...(isSchemaObject(schema.properties) ? Object.keys(schema.properties) : [])];
  if (Array.isArray(schema.required)) names.push(...schema.required.filter((key) => typeof key === 'string'));
  return names.some((name) => name in Object.prototype);
}

/**
 * JSON Schema keeps keys it does not describe, so the base is `z.looseObject` (zod's default strips them);
 * `additionalProperties: false` gives `z.strictObject`, a schema gives `.catchall(...)`. The reader variant
 * (`state.reader`) turns `additionalProperties: false` into plain `z.object`, which strips unknown keys instead of
 * refusing them (tolerant reader, strict writer: docs/codegen.md).
 */
function emitPlainObject(schema: SchemaObject, state: EmitState): { object: string; keyCheck: string } {
  const additional = schema.additionalProperties;
  if (additional === false && state.reader) return { object: `z.object(${emitShape(schema, 'z.never()', state)})`, keyCheck: '' };
  if (additional === false) return { object: `z.strictObject(${emitShape(schema, 'z.never()', state)})`, keyCheck: '' };
  if (additional === undefined || additional === true || isEmptySchema(additional)) {
    return { object: `z.looseObject(${emitShape(schema, 'z.unknown()', state)})`, keyCheck: '' };
  }
  if (!isSchemaObject(additional)) return state.unsupported('additionalProperties', 'must be a schema', ['additionalProperties']);
  const extraKey = state.child(additional, ['additionalProperties']);
  const object = `z.object(${emitShape(schema, extraKey, state)}).catchall(${extraKey})`;
  // zod's catchall skips an own `__proto__` key, which is an additional property like any other
  return { object, keyCheck: namesProtoKey(schema) ? '' : protoCheck(extraKey, state) };
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
