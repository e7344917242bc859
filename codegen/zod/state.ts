/**
 * What every keyword emitter receives: where it is (for diagnostics), the ajv rules that depend on position, and a way
 * to emit a subschema. Keyword modules never import the dispatcher; they call `child`.
 */
import type { JsonSchema, TypeName } from './json-schema.js';
import { UnsupportedSchemaError } from './errors.js';

/** Position-dependent options for a subschema. */
export interface ChildOptions {
  /** The subschema sits under anyOf/oneOf/not, where ajv's `useDefaults` ignores `default` (ajv "compositeRule"). */
  readonly inComposite?: boolean;
  /** A single type the parent already enforces on the same value; a typeless subschema is emitted as that type. */
  readonly assumedType?: TypeName | undefined;
  /**
   * The subschema sits where ajv applies `default` but a refinement cannot (then/else, schema dependencies): a
   * property default there is refused rather than silently not applied. Names the keyword; inherited.
   */
  readonly defaultsRefusedBy?: string | undefined;
}

/** The emitter's view of one schema node. */
export interface EmitState {
  /** JSON pointer of this node: the root pointer plus the path inside the root. */
  readonly pointer: string;
  /** See {@link ChildOptions.inComposite}; inherited by every descendant. */
  readonly inComposite: boolean;
  /** See {@link ChildOptions.defaultsRefusedBy}; inherited by every descendant. */
  readonly defaultsRefusedBy: string | undefined;
  /** See {@link ChildOptions.assumedType}; applies to this node only. */
  readonly assumedType: TypeName | undefined;
  /**
   * The reader variant (tolerant reader): `additionalProperties: false` strips unknown keys instead of refusing
   * them. Everything else is as strict as the writer. Same for every node of one emission.
   */
  readonly reader: boolean;
  /** Emits a subschema found at `path` (relative to this node). */
  child(schema: JsonSchema, path: readonly (string | number)[], options?: ChildOptions): string;
  /** Whether `child` would reference a named export for `schema` instead of inlining it. */
  isNamed(schema: JsonSchema): boolean;
  /** Records that the emitted code uses the src/formats.js export `name`, and returns `name`. */
  helper(name: string): string;
  /** Records that the inferred type is wider than the schema here (see ZodEmitContext.typeNotes). */
  typeNote(text: string): void;
  /** Throws an {@link UnsupportedSchemaError} for `construct` at this node (or at `path` below it). */
  unsupported(construct: string, hint: string, path?: readonly (string | number)[]): never;
}

/** Throws the emitter's error at `pointer`. */
export function unsupportedAt(pointer: string, construct: string, hint: string): never {
  throw new UnsupportedSchemaError(construct, pointer, hint);
}

/** Whether `value` is a finite number. */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Whether `value` is a non-negative integer (the shape of every JSON Schema count keyword). */
export function isCount(value: unknown): value is number {
  return isNumber(value) && Number.isInteger(value) && value >= 0;
}

/** Whether a JSON value has the JSON Schema type `type` (validation §6.1.1; `integer` is any whole number). */
export function hasType(value: unknown, type: TypeName): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return isNumber(value);
    default:
      return typeof value === type;
  }
}
