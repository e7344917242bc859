/**
 * draft-07 validation §6.5.5 `patternProperties`, with §6.5.6 `additionalProperties` meaning "keys matched neither
 * by `properties` nor by a pattern". Patterns are unanchored ECMA-262 regexes with the `u` flag, as ajv compiles them.
 */
import { isSchemaObject, type SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { quote, regexLiteral } from './source.js';
import { emitShape, isEmptySchema, protoCheck } from './keywords-properties.js';

/**
 * A map (no `properties`, no `required`, one pattern, nothing else allowed) is `z.record` with a pattern-checked
 * key: typed `Record<string, V>` (TypeScript cannot type a key by a regex). Otherwise the listed properties form the
 * shape and a refinement (`matchesPatternProperties`) checks each key against the patterns and additionalProperties;
 * keys beyond the listed properties are then typed `unknown`. The reader variant strips keys that
 * `additionalProperties: false` forbids (`keepKnownProperties`) instead of refusing them.
 */
export function emitPatternObject(schema: SchemaObject, state: EmitState): { object: string; keyCheck: string } {
  const patterns = patternEntries(schema, state);
  const additional = schema.additionalProperties;
  const isMap = !('properties' in schema) && !('required' in schema) && patterns.length === 1 && additional === false;
  if (isMap && !state.reader) {
    const [regex, value] = patterns[0] ?? ['', ''];
    state.typeNote(`keys must match ${regex}; the type says string`);
    // z.record skips an own `__proto__` key: it must match the pattern's schema, or be absent
    const protoSchema = new RegExp(Object.keys(schema.patternProperties as object)[0] ?? '', 'u').test('__proto__') ? value : 'z.never()';
    return { object: `z.record(z.string().regex(${regex}), ${value})`, keyCheck: protoCheck(protoSchema, state) };
  }
  const shape = emitShape(schema, 'z.unknown()', state);
  state.typeNote('properties matched by patternProperties or allowed by additionalProperties are typed unknown');
  const known = isSchemaObject(schema.properties) ? Object.keys(schema.properties) : [];
  const table = `[${patterns.map(([regex, value]) => `[${regex}, ${value}]`).join(', ')}]`;
  let rest = '';
  if (additional === false && !state.reader) rest = ', z.never()';
  else if (additional !== false && additional !== undefined && additional !== true && !isEmptySchema(additional)) {
    if (!isSchemaObject(additional)) state.unsupported('additionalProperties', 'must be a schema', ['additionalProperties']);
    rest = `, ${state.child(additional, ['additionalProperties'])}`;
  }
  const check = `${state.helper('matchesPatternProperties')}(${table}, ${literalList(known)}${rest})`;
  const keyCheck = `.refine(${check}, 'every property must match its patternProperties and additionalProperties')`;
  let object = `z.looseObject(${shape})`;
  if (additional === false && state.reader) {
    const regexes = `[${patterns.map(([regex]) => regex).join(', ')}]`;
    object += `.transform(${state.helper('keepKnownProperties')}(${literalList(known)}, ${regexes}))`;
  }
  return { object, keyCheck };
}

/** Each pattern as a regex literal with its emitted schema, in the order written. */
function patternEntries(schema: SchemaObject, state: EmitState): [regex: string, value: string][] {
  const patterns = schema.patternProperties;
  if (!isSchemaObject(patterns)) return state.unsupported('patternProperties', 'must be an object', ['patternProperties']);
  return Object.entries(patterns).map(([pattern, value]) => {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      return state.unsupported('patternProperties', `not a valid regular expression with the u flag: ${(error as Error).message}`, [
        'patternProperties',
        pattern,
      ]);
    }
    if (typeof value !== 'boolean' && !isSchemaObject(value)) {
      return state.unsupported('patternProperties', 'each pattern must map to a schema', ['patternProperties', pattern]);
    }
    return [regexLiteral(pattern, 'u'), state.child(value, ['patternProperties', pattern])];
  });
}

function literalList(names: readonly string[]): string {
  return `[${names.map(quote).join(', ')}]`;
}
