/**
 * draft-07 validation §6.6 `if`/`then`/`else`: a value matching `if` must match `then`, any other value `else`. A
 * refinement: TypeScript has no "not matching `if`", so the inferred type is the rest of the schema's, with neither
 * branch applied.
 */
import { isSchemaObject, type SchemaObject, type TypeName } from './json-schema.js';
import type { EmitState } from './state.js';

/**
 * A `.refine(satisfiesCondition(...))` suffix, or '' when `if` is absent or has neither `then` nor `else`. The
 * branches see the value the node's single type (`parentType`) already admits, so typeless branches assume it.
 */
export function emitConditional(schema: SchemaObject, parentType: TypeName | undefined, state: EmitState): string {
  if (!('if' in schema)) return '';
  const branches = (['if', 'then', 'else'] as const).map((keyword) => {
    const branch = schema[keyword];
    if (branch === undefined) return undefined;
    if (typeof branch !== 'boolean' && !isSchemaObject(branch)) return state.unsupported('if/then/else', 'must be a schema', [keyword]);
    // `if` only decides (composite, no defaults, as in ajv); ajv applies defaults in then/else, which a refinement cannot
    return keyword === 'if'
      ? state.child(branch, [keyword], { inComposite: true, assumedType: parentType })
      : state.child(branch, [keyword], { defaultsRefusedBy: keyword, assumedType: parentType });
  });
  const [condition, then, otherwise] = branches;
  if (condition === undefined || (then === undefined && otherwise === undefined)) return '';
  state.typeNote('if/then/else is checked when parsing; the type has neither branch');
  const args = [condition, then ?? 'undefined', ...(otherwise === undefined ? [] : [otherwise])];
  return `.refine(${state.helper('satisfiesCondition')}(${args.join(', ')}), 'must match "then" or "else" as "if" decides')`;
}
