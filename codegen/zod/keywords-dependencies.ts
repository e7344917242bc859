/**
 * draft-07 validation §6.5.7 `dependencies`: when a property is present, other properties must be too (array form)
 * or the whole object must match a schema (schema form). A refinement: TypeScript cannot say "if this key, then that
 * one", so the inferred type is the object's type without the dependency.
 */
import { isSchemaObject, type SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { literal, propertyKey } from './source.js';

/** A `.refine(meetsDependencies({...}))` suffix, or ''. */
export function emitDependencies(schema: SchemaObject, state: EmitState): string {
  const dependencies = schema.dependencies;
  if (dependencies === undefined) return '';
  if (!isSchemaObject(dependencies)) return state.unsupported('dependencies', 'must be an object', ['dependencies']);
  const entries = Object.entries(dependencies).map(([key, dependency]) => {
    if (Array.isArray(dependency)) {
      if (!dependency.every((name) => typeof name === 'string')) {
        return state.unsupported('dependencies', 'a property dependency must list property names', ['dependencies', key]);
      }
      return `${propertyKey(key)}: ${literal(dependency)}`;
    }
    if (typeof dependency !== 'boolean' && !isSchemaObject(dependency)) {
      return state.unsupported('dependencies', 'must map to an array of names or a schema', ['dependencies', key]);
    }
    // the dependency sees the object itself; ajv applies its defaults, a refinement cannot, so they are refused
    const expr = state.child(dependency, ['dependencies', key], { defaultsRefusedBy: 'dependencies', assumedType: 'object' });
    return `${propertyKey(key)}: ${expr}`;
  });
  if (entries.length === 0) return '';
  state.typeNote('dependencies are checked when parsing; the type does not say which keys come together');
  return `.refine(${state.helper('meetsDependencies')}({ ${entries.join(', ')} }), 'must meet the dependencies of its properties')`;
}
