/**
 * The `type` keyword (draft-07 validation §6.1.1), the `nullable` extension ajv also honours, and schemas without
 * `type`, whose type-specific keywords apply only to values of their type (validation §4.1).
 */
import type { SchemaObject, TypeName } from './json-schema.js';
import type { EmitState } from './state.js';
import { emitArray, hasArrayKeywords } from './keywords-array.js';
import { emitNumber, hasNumberKeywords } from './keywords-number.js';
import { emitObject, hasObjectKeywords } from './keywords-object.js';
import { emitString, hasStringKeywords } from './keywords-string.js';
import { literal } from './source.js';

const TYPE_NAMES: readonly TypeName[] = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

/** The emitted type constraint of one schema node. */
export interface TypePart {
  /** The Zod expression. */
  readonly expr: string;
  /** True when the node has no keyword for its types beyond `type` itself (so a literal or a branch can replace it). */
  readonly typeOnly: boolean;
  /** The types the node allows (declared or assumed from the parent), or undefined for a schema without `type`. */
  readonly types: readonly TypeName[] | undefined;
}

/** Emits the node's type constraint, or undefined when it has neither `type` nor type-specific keywords. */
export function emitTypePart(schema: SchemaObject, state: EmitState): TypePart | undefined {
  const types = allowedTypes(schema, state);
  if (types === undefined) return emitTypeless(schema, state);
  const exprs = types.map((type) => emitTyped(type, schema, state));
  const typeOnly = !types.some((type) => hasKeywordsFor(type, schema));
  const nullIndex = types.indexOf('null');
  let expr: string;
  if (exprs.length === 1) expr = exprs[0] ?? 'z.never()';
  else if (exprs.length === 2 && nullIndex >= 0) expr = `${exprs[1 - nullIndex] ?? 'z.never()'}.nullable()`;
  else expr = `z.union([${exprs.join(', ')}])`;
  return { expr, typeOnly, types };
}

/**
 * The declared types (or the parent's, when assumed), with `nullable: true` adding `null` as ajv does, and
 * `integer` folded into `number` when both are listed.
 */
function allowedTypes(schema: SchemaObject, state: EmitState): TypeName[] | undefined {
  const declared = schema.type;
  let types: TypeName[] | undefined;
  if (declared === undefined) {
    if (schema.nullable === true) return state.unsupported('nullable', '"nullable" needs "type"', ['nullable']);
    types = state.assumedType === undefined ? undefined : [state.assumedType];
  } else {
    const list: unknown[] = Array.isArray(declared) ? declared : [declared];
    if (list.length === 0 || !list.every((type): type is TypeName => TYPE_NAMES.includes(type as TypeName))) {
      return state.unsupported('type', `not a JSON Schema type: ${literal(declared)}`, ['type']);
    }
    types = [...new Set(list)];
    if (schema.nullable === true && !types.includes('null')) types.push('null');
  }
  if (types?.includes('number')) types = types.filter((type) => type !== 'integer');
  return types;
}

function hasKeywordsFor(type: TypeName, schema: SchemaObject): boolean {
  switch (type) {
    case 'string':
      return hasStringKeywords(schema);
    case 'number':
    case 'integer':
      return hasNumberKeywords(schema);
    case 'object':
      return hasObjectKeywords(schema);
    case 'array':
      return hasArrayKeywords(schema);
    default:
      return false;
  }
}

function emitTyped(type: TypeName, schema: SchemaObject, state: EmitState): string {
  switch (type) {
    case 'null':
      return 'z.null()';
    case 'boolean':
      return 'z.boolean()';
    case 'string':
      return emitString(schema, state);
    case 'number':
    case 'integer':
      return emitNumber(schema, type === 'integer', state);
    case 'object':
      return emitObject(schema, state);
    case 'array':
      return emitArray(schema, state);
  }
}

/**
 * A schema without `type` but with type-specific keywords: a union of each constrained type, plus "any value of
 * another type", which those keywords ignore.
 */
function emitTypeless(schema: SchemaObject, state: EmitState): TypePart | undefined {
  const constrained = (['string', 'number', 'object', 'array'] as const).filter((type) => hasKeywordsFor(type, schema));
  if (constrained.length === 0) return undefined;
  const exprs = constrained.map((type) => emitTyped(type, schema, state));
  const others = `z.unknown().refine(${state.helper('isNotOfJsonTypes')}(${literal(constrained)}))`;
  return { expr: `z.union([${[...exprs, others].join(', ')}])`, typeOnly: false, types: undefined };
}
