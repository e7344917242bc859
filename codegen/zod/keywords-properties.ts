/**
 * draft-07 validation §6.5.3 `required`, §6.5.4 `properties`, and §10.2 `default` on properties, applied like ajv's
 * `useDefaults`: the shape of a zod object.
 */
import { isSchemaObject, type SchemaObject, type TypeName } from './json-schema.js';
import type { EmitState } from './state.js';
import { hasType } from './state.js';
import { literal, propertyKey } from './source.js';

/** Whether `value` is `{}`, the schema that allows anything. */
export function isEmptySchema(value: unknown): boolean {
  return isSchemaObject(value) && Object.keys(value).length === 0;
}

/**
 * draft-07 validation §6.5.3 `required` and §6.5.4 `properties`, in the order `properties` lists them. A required
 * key without a property schema must be present, and is still an "additional" property (§6.5.6): `extraKey` is the
 * schema additionalProperties gives it (`z.never()` when additional properties are forbidden).
 */
export function emitShape(schema: SchemaObject, extraKey: string, state: EmitState): string {
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
    if (state.defaultsRefusedBy !== undefined) {
      state.unsupported('default', `a default under "${state.defaultsRefusedBy}" would not be applied`, ['properties', key, 'default']);
    }
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
    state.unsupported('default', `the default ${JSON.stringify(value)} does not match type ${JSON.stringify(declared)}`, ['properties', key, 'default']);
  }
}

/** A key check that an own `__proto__` key, if present, matches `expr` (zod's records and catchalls skip it). */
export function protoCheck(expr: string, state: EmitState): string {
  return `.refine(${state.helper('ownPropertyMatches')}('__proto__', ${expr}, false), 'property "__proto__" must match its schema')`;
}
