/**
 * Number keywords: draft-07 validation §6.2 (multipleOf, maximum, exclusiveMaximum, minimum, exclusiveMinimum), the
 * `integer` type (§6.1.1) and ajv-formats' number formats (int32, int64, float, double).
 */
import type { SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { isNumber } from './state.js';
import { literal, quote } from './source.js';

/** ajv-formats' number formats: a src/formats.js predicate, or nothing to check. */
const NUMBER_FORMATS: Readonly<Record<string, string | undefined>> = {
  int32: 'isInt32',
  int64: 'isInt64',
  float: undefined,
  double: undefined,
};

const BOUNDS = [
  ['minimum', 'gte'],
  ['exclusiveMinimum', 'gt'],
  ['maximum', 'lte'],
  ['exclusiveMaximum', 'lt'],
] as const;

/** Whether the schema has a keyword that constrains numbers (used for schemas without `type`). */
export function hasNumberKeywords(schema: SchemaObject): boolean {
  const format = schema.format;
  const checkedFormat = typeof format === 'string' && NUMBER_FORMATS[format] !== undefined;
  return checkedFormat || 'multipleOf' in schema || BOUNDS.some(([keyword]) => keyword in schema);
}

/**
 * Emits `type: number` or `type: integer`. Integers use a predicate, not `z.int()`, which stops at 2^53 where JSON
 * Schema's integer does not.
 */
export function emitNumber(schema: SchemaObject, integer: boolean, state: EmitState): string {
  let expr = 'z.number()';
  if (integer) expr += `.refine(${state.helper('isInteger')}, 'must be an integer')`;
  for (const [keyword, method] of BOUNDS) {
    const bound = schema[keyword];
    if (bound === undefined) continue;
    // draft-04's boolean exclusiveMinimum/Maximum is not draft-07; ajv rejects it as an invalid schema
    if (!isNumber(bound)) return state.unsupported(keyword, 'must be a number (draft-07 form)', [keyword]);
    expr += `.${method}(${literal(bound)})`;
  }
  expr += emitMultipleOf(schema, state);
  expr += emitNumberFormat(schema, state);
  return expr;
}

/**
 * draft-07 validation §6.2.1 `multipleOf`: the quotient is an integer. Like ajv (without `multipleOfPrecision`)
 * `isMultipleOf` divides and tests the quotient; zod's `.multipleOf` uses a float-tolerant remainder and would accept
 * 0.3 for 0.1. Where the quotient overflows (1e308 / 0.5) it takes the exact remainder instead, as the suite asks.
 */
function emitMultipleOf(schema: SchemaObject, state: EmitState): string {
  const divisor = schema.multipleOf;
  if (divisor === undefined) return '';
  if (!isNumber(divisor) || divisor <= 0) {
    return state.unsupported('multipleOf', 'must be a number greater than 0', ['multipleOf']);
  }
  return `.refine(${state.helper('isMultipleOf')}(${literal(divisor)}), ${quote(`must be a multiple of ${divisor}`)})`;
}

function emitNumberFormat(schema: SchemaObject, state: EmitState): string {
  const format = schema.format;
  if (typeof format !== 'string') return '';
  const helper = NUMBER_FORMATS[format];
  return helper === undefined ? '' : `.refine(${state.helper(helper)}, ${quote(`must be a valid ${format}`)})`;
}
