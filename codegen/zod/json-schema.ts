/**
 * What codegen takes a JSON Schema to be. This is the one definition codegen uses: the Zod emitter, the model and
 * the configuration reference (docs/config-docs.ts) all read schemas through it.
 *
 * It lives in codegen rather than next to the config loader's `JsonSchema` in src/config/json-schema.ts because the
 * two promise different things. Codegen reads schemas as they are written in the contract and checks every keyword
 * itself (the emitter reports `pattern: 1`, an array `items` or a non-schema `properties` entry as a diagnostic), so
 * its type says nothing about keyword values. The loader's type is a typed view of the few keywords it reads from a
 * schema ajv has already compiled, and src (the published runtime) cannot depend on codegen, which is not shipped.
 *
 * A leaf module: it imports nothing, so every module of the emitter can use these types without an import cycle.
 */

/** A JSON Schema: an object, or the boolean schemas `true` (anything) and `false` (nothing). */
export type JsonSchema = Record<string, unknown> | boolean;

/** A schema object (the non-boolean form); its keyword values are not checked yet. */
export type SchemaObject = Record<string, unknown>;

/** The JSON Schema primitive type names (draft-07 validation §6.1.1). */
export type TypeName = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';

/** Whether `value` is a schema object (not a boolean schema, not an array). */
export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
