/**
 * Turns ajv's errors into one finding per place in the file, in words an operator understands:
 * "an integer from 1024 to 65535", "one of: controller, worker, dual", "unknown key 'prot'" with a suggestion.
 */
import type { ErrorObject } from 'ajv';
import { closestKey, describeExpected, describeFound } from './describe.js';
import type { JsonSchema } from './json-schema.js';
import { pointerToPath, type ConfigPath } from './paths.js';
import type { Target } from './locate.js';

/** One problem before it is given a file and a position. */
export interface Finding {
  path: ConfigPath;
  expected: string;
  found: string;
  /** Point at the key (unknown keys, missing keys) or at the value. Default: value. */
  target?: Target;
  /** Whether `found` shows data from the file; if so it is redacted at secret paths. Default true. */
  showsValue?: boolean;
  /** Source offset, when known better than the path (interpolation). */
  offset?: number;
}

/** Translates ajv errors (compiled with `verbose: true`) into findings, at most one per value. */
export function schemaFindings(errors: readonly ErrorObject[]): Finding[] {
  const findings: Finding[] = [];
  // Keyword errors about one value: keep the outermost (shortest schemaPath), which describes the whole rule
  // (the `anyOf`, not each of its failed branches).
  const valueErrors = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (error.keyword === 'required') {
      findings.push(missingKey(error));
    } else if (error.keyword === 'additionalProperties') {
      findings.push(unknownKey(error));
    } else {
      const current = valueErrors.get(error.instancePath);
      if (current === undefined || error.schemaPath.length < current.schemaPath.length) valueErrors.set(error.instancePath, error);
    }
  }
  for (const error of valueErrors.values()) findings.push(wrongValue(error));
  return findings;
}

function missingKey(error: ErrorObject): Finding {
  const key = (error.params as { missingProperty: string }).missingProperty;
  const parent = error.parentSchema as JsonSchema | undefined;
  const property = parent?.properties?.[key];
  const what = property === undefined ? 'a value' : describeExpected(property);
  return {
    path: [...pointerToPath(error.instancePath), key],
    expected: `the key '${key}': ${what}`,
    found: 'no such key',
    target: 'key',
    showsValue: false,
  };
}

function unknownKey(error: ErrorObject): Finding {
  const key = (error.params as { additionalProperty: string }).additionalProperty;
  const known = Object.keys((error.parentSchema as JsonSchema | undefined)?.properties ?? {});
  const suggestion = closestKey(key, known);
  const expected =
    suggestion !== undefined ? `a known key (did you mean '${suggestion}'?)` : known.length === 0 ? 'no keys here' : `one of the keys ${known.join(', ')}`;
  return {
    path: [...pointerToPath(error.instancePath), key],
    expected,
    found: `unknown key '${key}'`,
    target: 'key',
    showsValue: false,
  };
}

function wrongValue(error: ErrorObject): Finding {
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const value: unknown = error.data;
  let found = describeFound(value);
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (error.keyword === 'type' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && (types.includes('integer') || types.includes('number'))) {
    found += ' (a quoted string: write the number without quotes)';
  }
  return { path: pointerToPath(error.instancePath), expected: describeExpected(schema), found };
}
