/**
 * The part of JSON Schema (draft-07) the configuration loader reads: enough to describe what a key expects
 * and to find the subschema at a path. Validation itself is ajv's job.
 */

/** A JSON Schema node, as far as the loader and the docs renderer look into it. */
export interface JsonSchema {
  $id?: string;
  $schema?: string;
  title?: string;
  description?: string;
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean | JsonSchema;
  required?: readonly string[];
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
  /** At the root: the rules between keys, each with the id its check is keyed by and the text the docs show. */
  'x-rules'?: readonly { readonly id: string; readonly text: string }[];
}

/**
 * The root keyword that lists the rules between keys (`{ id, text }`): the one home of each rule's text, which the
 * generator renders into the docs. The loader lets ajv's strict mode know it as an annotation.
 */
export const RULES_KEYWORD = 'x-rules';

/** The `type` of a schema node as a list (empty when the node does not say). */
export function schemaTypes(schema: JsonSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

/** The subschema that describes the value at `path` (object keys and array indexes), or undefined if the schema has no such place. */
export function subschemaAt(schema: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = typeof segment === 'number' ? node.items : node.properties?.[segment];
  }
  return node;
}
