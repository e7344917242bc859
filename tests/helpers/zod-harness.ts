// Shared by the zod-*.test.ts and parity tests: evaluate emitted Zod source, and the ajv oracle it must agree with.
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { z } from 'zod';
import * as formats from '../../src/contract/formats.js';
import { emitZod } from '../../codegen/zod/emit.js';
import type { JsonSchema } from '../../codegen/zod/emit.js';

const addFormats = addFormatsModule.default;

/** The Zod schema built from emitted source, with the source and the helpers it used. */
export interface BuiltZod {
  readonly schema: z.ZodType;
  readonly source: string;
  readonly helpers: ReadonlySet<string>;
}

/** Named schemas the emitter may reference instead of inlining: JSON schema object → [identifier, built Zod]. */
export type NamedSchemas = ReadonlyMap<JsonSchema, readonly [string, z.ZodType]>;

/** Emits `schema` and evaluates the source the way a generated module would run it. */
export function buildZod(schema: JsonSchema, named: NamedSchemas = new Map()): BuiltZod {
  const helpers = new Set<string>();
  const source = emitZod(schema, { refName: (s) => named.get(s)?.[0], pointer: '#', usedHelpers: helpers });
  const refs = [...named.values()];
  const helperNames = [...helpers];
  for (const name of helperNames) expect(formats, `helper ${name} is exported`).toHaveProperty(name);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the emitted source is what this harness is for
  const factory = new Function('z', ...helperNames, ...refs.map(([name]) => name), `return ${source};`) as (...args: unknown[]) => z.ZodType;
  const helperValues = helperNames.map((name) => (formats as Record<string, unknown>)[name]);
  return { schema: factory(z, ...helperValues, ...refs.map(([, value]) => value)), source, helpers };
}

/**
 * Strings where ajv-formats departs from the JSON Schema Test Suite, with the suite's verdict; the oracle uses these
 * verdicts (src/contract/formats.ts documents each departure, tests/contract/formats.test.ts checks them against the suite).
 */
export const SUITE_VERDICTS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  uuid: { 'urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380': false },
  'date-time': {
    '1985-04-12T23:20:50+01': false,
    '1985-04-12T23:20:50+0100': false,
    '2016-12-31T24:59:60+01:00': false,
    '1985-04-12T00:59:59.999999999999999Z': true,
  },
  email: { '"joe bloggs"@example.com': true, 'joe.bloggs@[127.0.0.1]': true, 'joe.bloggs@[IPv6:::1]': true },
  hostname: { 'example.': false, 'xn--X': false, 'xn--vek': false },
  uri: { 'http://example.com:abc/path': false, 'http://[::ffff:01.2.3.4]': false, 'http:/[::1]': false },
};

/**
 * The parity oracle: ajv 8 with ajv-formats 3 (full mode), `strict: false` (AsyncAPI's `discriminator` and `x-*`),
 * `allErrors`, and `useDefaults` so its output can be compared with Zod's. Formats follow the suite where
 * ajv-formats departs from it (SUITE_VERDICTS), and ajv's urn-prefixed uuid is rejected as the suite does.
 */
export function createOracle(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
  addFormats(ajv);
  for (const [name, verdicts] of Object.entries(SUITE_VERDICTS)) {
    const original = ajv.formats[name];
    const check = original !== undefined && typeof original === 'object' && 'validate' in original ? original.validate : original;
    const test = (value: string): boolean => {
      const verdict = verdicts[value];
      if (verdict !== undefined) return verdict;
      if (name === 'uuid' && /^urn:uuid:/i.test(value)) return false;
      if (check instanceof RegExp) return check.test(value);
      return typeof check === 'function' ? Boolean((check as (v: string) => unknown)(value)) : true;
    };
    ajv.addFormat(name, test);
  }
  return ajv;
}

const sharedOracle = createOracle();

/** Compiles `schema` with the shared oracle. */
export function oracleFor(schema: JsonSchema): ValidateFunction {
  return sharedOracle.compile(schema);
}

/** One value's verdict from both sides, and each side's output when it accepts. */
export interface Verdicts {
  readonly ajv: boolean;
  readonly zod: boolean;
  readonly ajvOutput: unknown;
  readonly zodOutput: unknown;
}

/** Runs both validators on independent copies of `value` (ajv's useDefaults mutates its input). */
export function verdicts(validate: ValidateFunction, zod: z.ZodType, value: unknown): Verdicts {
  const ajvData = structuredClone(value);
  const ajv = validate(ajvData);
  const result = zod.safeParse(structuredClone(value));
  return { ajv, zod: result.success, ajvOutput: ajvData, zodOutput: result.success ? result.data : undefined };
}

/** Asserts Zod agrees with ajv on every value, and on the output (defaults) of every accepted value. */
export function expectParity(schema: JsonSchema, values: readonly unknown[], named?: NamedSchemas): BuiltZod {
  const built = buildZod(schema, named);
  const validate = oracleFor(schema);
  for (const value of values) {
    const v = verdicts(validate, built.schema, value);
    expect(v.zod, `zod verdict on ${JSON.stringify(value)} for ${built.source}`).toBe(v.ajv);
    if (v.ajv) expect(v.zodOutput, `output for ${JSON.stringify(value)}`).toEqual(v.ajvOutput);
  }
  return built;
}

/** Asserts the schema accepts exactly the values in `valid` and rejects those in `invalid`, like ajv. */
export function expectVerdicts(schema: JsonSchema, valid: readonly unknown[], invalid: readonly unknown[], named?: NamedSchemas): BuiltZod {
  const built = expectParity(schema, [...valid, ...invalid], named);
  for (const value of valid) expect(built.schema.safeParse(value).success, `accepts ${JSON.stringify(value)}`).toBe(true);
  for (const value of invalid) expect(built.schema.safeParse(value).success, `rejects ${JSON.stringify(value)}`).toBe(false);
  return built;
}
