/**
 * Where the subschemas of a JSON Schema (draft-07) sit: the keywords whose value is a schema, a list of schemas or a
 * map of schemas. The meta-schema check walks them to check every schema node once; the model walks them to find
 * the shared schemas a schema uses.
 */
import { childPointer } from './sources.js';

/** JSON Schema keywords whose value is a schema, an array of schemas, or a map of schemas. */
const SCHEMA_KEYWORDS = {
  single: [
    'additionalProperties',
    'additionalItems',
    'items',
    'contains',
    'propertyNames',
    'not',
    'if',
    'then',
    'else',
    'unevaluatedItems',
    'unevaluatedProperties',
  ],
  list: ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems'],
  map: ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas'],
} as const;

/** Calls `visit(childPointer)` for every subschema position of the schema at `pointer` whose value is `value`. */
export function forEachSubschema(value: unknown, pointer: string, visit: (child: string) => void): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const key of SCHEMA_KEYWORDS.single) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) visit(childPointer(pointer, key));
  }
  for (const key of SCHEMA_KEYWORDS.list) {
    const v = record[key];
    if (Array.isArray(v))
      v.forEach((_, i) => {
        visit(childPointer(childPointer(pointer, key), i));
      });
  }
  for (const key of SCHEMA_KEYWORDS.map) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [name, sub] of Object.entries(v))
        if (typeof sub === 'object' && sub !== null && !Array.isArray(sub)) visit(childPointer(childPointer(pointer, key), name));
    }
  }
}
