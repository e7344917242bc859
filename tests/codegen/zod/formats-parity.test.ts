// The string formats ajv-formats also implements, on every string of the suite's format files: the emitted Zod
// agrees with ajv-formats, except the listed departures, where it agrees with the suite instead.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildZod, oracleFor } from '../../helpers/zod-harness.js';
import { SUITE_ROOT } from './suite-runner.js';

/** Strings where ajv-formats departs from the suite (src/contract/formats.ts documents each), with the suite's verdict. */
const DEPARTURES: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  'uri-reference': {
    '1:b': false,
    '/[::1]': false,
    '//example.com:abc/p': false,
    '//[::ffff:192.168.0.01]/p': false,
    '/a"b': false,
    '//a@b@example.com/': false,
  },
  'uri-template': { "a'b": true, '{a.b}': true, 'a\u007fb': false },
  regex: { '\\a': false },
};

interface SuiteGroup {
  readonly schema: { readonly format?: string };
  readonly tests: readonly { readonly data: unknown; readonly valid: boolean }[];
}

/** Every string the suite's format files test, by format. */
function suiteStrings(format: string): string[] {
  const dir = path.join(SUITE_ROOT, 'optional/format');
  const strings = new Set<string>();
  for (const file of fs.readdirSync(dir)) {
    for (const group of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SuiteGroup[]) {
      if (group.schema.format !== format) continue;
      for (const test of group.tests) if (typeof test.data === 'string') strings.add(test.data);
    }
  }
  return [...strings];
}

describe.each(['uri-reference', 'uri-template', 'regex', 'json-pointer', 'relative-json-pointer'])('format: %s', (format) => {
  const schema = { type: 'string', format };
  const zod = buildZod(schema).schema;
  const validate = oracleFor(schema);
  const strings = suiteStrings(format);

  it('the suite has strings for it', () => {
    expect(strings.length).toBeGreaterThan(0);
  });

  it.each(strings)('%j: as ajv-formats, or the suite where they differ', (value) => {
    const departure = DEPARTURES[format]?.[value];
    const expected = departure ?? validate(value);
    expect(zod.safeParse(value).success).toBe(expected);
    if (departure !== undefined) expect(validate(value), 'ajv-formats still departs here').toBe(!departure);
  });
});
