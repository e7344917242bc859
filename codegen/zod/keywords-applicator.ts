/**
 * Applicators: draft-07 validation §6.7 (allOf, anyOf, oneOf, not), with the AsyncAPI/OpenAPI `discriminator`
 * (a property name, or `{ propertyName }`) turning a tagged `oneOf`/`anyOf` into `z.discriminatedUnion`.
 */
import { isSchemaObject, type JsonSchema, type SchemaObject, type TypeName } from './json-schema.js';
import type { EmitState } from './state.js';
import { hasType } from './state.js';
import { quote } from './source.js';
import { isPlainObjectSchema } from './keywords-object.js';

/** What the applicators of one node contribute. */
export interface ApplicatorParts {
  /** Expressions the value must satisfy as well as the node's own type (joined with `.and`). */
  readonly conjuncts: readonly string[];
  /** A `.refine(...)` suffix for `not`, or ''. */
  readonly not: string;
  /** True when some applicator already enforces `parentType`, so a type-only constraint is redundant. */
  readonly enforcesType: boolean;
}

/** Emits allOf, anyOf, oneOf and not of one node; `parentType` is the node's single type, if it has one. */
export function emitApplicators(schema: SchemaObject, parentType: TypeName | undefined, state: EmitState): ApplicatorParts {
  const conjuncts: string[] = [];
  let enforcesType = false;
  const allOf = branchesOf(schema, 'allOf', state);
  if (allOf !== undefined) {
    conjuncts.push(...allOf.map((branch, i) => state.child(branch, ['allOf', i], { assumedType: parentType })));
    enforcesType ||= allTyped(allOf, parentType, state);
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = branchesOf(schema, keyword, state);
    if (branches === undefined) continue;
    conjuncts.push(emitUnion(schema, keyword, branches, parentType, state));
    enforcesType ||= allTyped(branches, parentType, state);
  }
  return { conjuncts, not: emitNot(schema, state), enforcesType };
}

function branchesOf(schema: SchemaObject, keyword: string, state: EmitState): JsonSchema[] | undefined {
  const branches = schema[keyword];
  if (branches === undefined) return undefined;
  if (!Array.isArray(branches) || branches.length === 0) {
    return state.unsupported(keyword, 'must be a non-empty array of schemas', [keyword]);
  }
  branches.forEach((branch: unknown, i) => {
    if (typeof branch !== 'boolean' && !isSchemaObject(branch)) state.unsupported(keyword, 'must hold schemas', [keyword, i]);
  });
  return branches as JsonSchema[];
}

/** Whether every branch is certain to reject values that are not of `type` (see ChildOptions.assumedType). */
function allTyped(branches: readonly JsonSchema[], type: TypeName | undefined, state: EmitState): boolean {
  if (type === undefined) return false;
  return branches.every((branch) => {
    // a `$ref` branch has the type of its target, whatever the parent's is
    if (!isSchemaObject(branch) || branch.nullable === true || '$ref' in branch) return false;
    return branch.type === type || (branch.type === undefined && !state.isNamed(branch));
  });
}

/**
 * §6.7.2 `anyOf` becomes `z.union`; §6.7.3 `oneOf` becomes `z.xor` (exactly one branch matches). With a usable
 * discriminator both become `z.discriminatedUnion`: distinct required constants mean at most one branch can match,
 * so "any", "exactly one" and "the one named by the tag" coincide. Branches are composite (no defaults, as in ajv).
 */
function emitUnion(
  schema: SchemaObject,
  keyword: 'anyOf' | 'oneOf',
  branches: readonly JsonSchema[],
  parentType: TypeName | undefined,
  state: EmitState,
): string {
  const discriminated = emitDiscriminated(schema, keyword, branches, parentType, state);
  if (discriminated !== undefined) return discriminated;
  const exprs = branches.map((branch, i) => state.child(branch, [keyword, i], { inComposite: true, assumedType: parentType }));
  if (exprs.length === 1) return exprs[0] ?? 'z.never()';
  return `z.${keyword === 'anyOf' ? 'union' : 'xor'}([${exprs.join(', ')}])`;
}

/** The discriminator property: AsyncAPI's string form or OpenAPI's `{ propertyName }`. */
function discriminatorOf(schema: SchemaObject): string | undefined {
  const discriminator = schema.discriminator;
  if (typeof discriminator === 'string') return discriminator;
  if (isSchemaObject(discriminator) && typeof discriminator.propertyName === 'string') return discriminator.propertyName;
  return undefined;
}

function emitDiscriminated(
  schema: SchemaObject,
  keyword: 'anyOf' | 'oneOf',
  branches: readonly JsonSchema[],
  parentType: TypeName | undefined,
  state: EmitState,
): string | undefined {
  const property = discriminatorOf(schema);
  if (property === undefined) return undefined;
  // Without `type: object` a typeless branch also accepts non-objects: harmless for oneOf with two or more branches
  // (a non-object then matches them all, so oneOf fails), not for anyOf.
  const implicitObject = parentType === 'object' || (keyword === 'oneOf' && branches.length >= 2);
  const tags: unknown[] = [];
  for (const branch of branches) {
    const tag = branchTag(branch, property, implicitObject, state);
    if (tag === undefined || tags.includes(tag)) return undefined;
    tags.push(tag);
  }
  const exprs = branches.map((branch, i) => state.child(branch, [keyword, i], { inComposite: true, assumedType: 'object' }));
  return `z.discriminatedUnion(${quote(property)}, [${exprs.join(', ')}])`;
}

const NOT_A_PLAIN_OBJECT = ['allOf', 'anyOf', 'oneOf', 'not', 'enum', 'const', 'nullable', '$ref', 'if'];

/** The branch's constant tag, when it is a plain object schema that requires `property` with a primitive const. */
function branchTag(branch: JsonSchema, property: string, implicitObject: boolean, state: EmitState): unknown {
  if (!isSchemaObject(branch)) return undefined;
  const objectTyped = branch.type === 'object' || (branch.type === undefined && implicitObject && !state.isNamed(branch));
  if (!objectTyped || NOT_A_PLAIN_OBJECT.some((keyword) => keyword in branch) || !isPlainObjectSchema(branch)) return undefined;
  if (!Array.isArray(branch.required) || !branch.required.includes(property)) return undefined;
  const propertySchema = isSchemaObject(branch.properties) ? branch.properties[property] : undefined;
  if (!isSchemaObject(propertySchema)) return undefined;
  let tag: unknown;
  if ('const' in propertySchema) tag = propertySchema.const;
  else if (Array.isArray(propertySchema.enum) && propertySchema.enum.length === 1) tag = propertySchema.enum[0];
  else return undefined;
  if (typeof tag === 'object' && tag !== null) return undefined;
  const declared = propertySchema.type;
  if (typeof declared === 'string' && !hasType(tag, declared as TypeName)) return undefined;
  return tag;
}

/** §6.7.4 `not`: a refinement that the value does not match the inner schema (composite, as in ajv). */
function emitNot(schema: SchemaObject, state: EmitState): string {
  if (!('not' in schema)) return '';
  const inner = schema.not;
  if (typeof inner !== 'boolean' && !isSchemaObject(inner)) return state.unsupported('not', 'must be a schema', ['not']);
  const expr = state.child(inner, ['not'], { inComposite: true });
  return `.refine(${state.helper('doesNotMatch')}(${expr}), 'must not match the schema in "not"')`;
}
