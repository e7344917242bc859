/**
 * Value keywords: draft-07 validation §6.1.2 `enum` and §6.1.3 `const`.
 */
import type { SchemaObject, TypeName } from './json-schema.js';
import type { EmitState } from './state.js';
import { hasType } from './state.js';
import { literal } from './source.js';

/**
 * Emits `enum`/`const`, or undefined when the schema has neither. When the schema's only other constraint is `type`,
 * `allowedTypes` drops the values of other types so the literal alone is exact (and the inferred type is narrow).
 * Strings become `z.enum`, other primitives `z.literal`; object and array values are compared as JSON.
 */
export function emitEnum(schema: SchemaObject, allowedTypes: readonly TypeName[] | undefined, state: EmitState): string | undefined {
  let values: unknown[];
  if ('const' in schema) {
    values = [schema.const];
    if ('enum' in schema) values = values.filter((value) => enumValues(schema, state).some((item) => sameJson(item, value)));
  } else if ('enum' in schema) {
    values = enumValues(schema, state);
  } else {
    return undefined;
  }
  if (allowedTypes !== undefined) values = values.filter((value) => allowedTypes.some((type) => hasType(value, type)));
  values = values.filter((value, index) => values.findIndex((other) => sameJson(other, value)) === index);
  if (values.length === 0) return 'z.never()';
  if (values.some((value) => typeof value === 'object' && value !== null)) {
    return `z.unknown().refine(${state.helper('equalsOneOf')}(${literal(values)}), 'must be one of the allowed values')`;
  }
  if (values.length === 1) return `z.literal(${literal(values[0])})`;
  if (values.every((value) => typeof value === 'string')) return `z.enum(${literal(values)})`;
  return `z.literal(${literal(values)})`;
}

function enumValues(schema: SchemaObject, state: EmitState): unknown[] {
  const values = schema.enum;
  if (!Array.isArray(values)) return state.unsupported('enum', 'must be an array', ['enum']);
  return values;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
