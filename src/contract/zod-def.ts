/**
 * The one reader of a zod schema's definition (`schema._zod.def`). zod 4 types it (`z.core.$ZodTypes`: one definition
 * per kind, told apart by `type`) but leaves it out of its documented API, being how a schema is built rather than how
 * it is used. Two modules specialise the hot path on it: typed-serializer.ts (whether a parse may change its input)
 * and json-encoder.ts (an encoder per kind). Both read it through here and nowhere else, so a zod upgrade that moves
 * it breaks one file, and tests/contract/zod-def.test.ts says so first.
 */
import type { z } from 'zod';

/** A schema's definition as zod types it; a `switch` on `type` narrows it to that kind's fields. */
export type ZodDef = z.core.$ZodTypes['_zod']['def'];

/** The definition of `schema`. */
export function defOf(schema: z.core.$ZodType): ZodDef {
  return (schema as unknown as z.core.$ZodTypes)._zod.def;
}

/**
 * True when a parse by this node itself may return something other than its input: coercion (`z.coerce.*`), or a
 * check that overwrites the value (`.trim()`, `.toLowerCase()`, `.overwrite()`). Its children are not looked at.
 */
export function rewritesInput(def: ZodDef): boolean {
  if ('coerce' in def && def.coerce === true) return true;
  return def.checks?.some((check) => check._zod.def.check === 'overwrite') === true;
}
