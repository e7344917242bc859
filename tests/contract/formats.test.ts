// Format checks against cases from the official JSON Schema Test Suite (tests/draft2020-12/optional/format/*.json),
// written out here by hand. Cases marked "departs from ajv-formats" are where we follow the suite, not ajv.
// The formats of formats-host.ts, formats-uri.ts and formats-idna.ts are tested beside them (formats-host.test.ts,
// formats-uri.test.ts, formats-idna.test.ts); the suite's format files run in full in
// tests/codegen/zod/json-schema-test-suite.test.ts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  codePointLength,
  doesNotMatch,
  equalsOneOf,
  everyKeyMatches,
  hasUniqueItems,
  isDate,
  isDateTime,
  isInt32,
  isInt64,
  isInteger,
  isNotOfJsonTypes,
  isTime,
  jsonEqual,
  someItemMatches,
  hasContent,
  isJsonObject,
  isJsonPointer,
  isMultipleOf,
  isRegex,
  isRelativeJsonPointer,
  jsonObject,
  keepKnownProperties,
  matchesPatternProperties,
  meetsDependencies,
  ownProperties,
  ownPropertyMatches,
  satisfiesCondition,
} from '../../src/contract/formats.js';

type Case = readonly [value: string, valid: boolean];

function check(name: string, fn: (value: string) => boolean, cases: readonly Case[]): void {
  describe(name, () => {
    it.each(cases)('%j is valid: %s', (value, valid) => {
      expect(fn(value)).toBe(valid);
    });
  });
}

check('date-time', isDateTime, [
  ['1963-06-19T08:30:06.283185Z', true],
  ['1963-06-19T08:30:06Z', true],
  ['1937-01-01T12:00:27.87+00:20', true],
  ['1990-12-31T15:59:50.123-08:00', true],
  ['1998-12-31T23:59:60Z', true],
  ['1998-12-31T15:59:60.123-08:00', true],
  ['1998-12-31T23:59:61Z', false],
  ['1998-12-31T23:58:60Z', false],
  ['1998-12-31T22:59:60Z', false],
  ['1990-02-31T15:59:59.123-08:00', false],
  ['1990-12-31T15:59:59-24:00', false],
  ['1963-06-19T08:30:06.28123+01:00Z', false],
  ['1990-12-31T24:00:00Z', false],
  ['1990-12-31T15:60:00Z', false],
  ['1990-12-31T10:00:00+10:60', false],
  ['06/19/1963 08:30:06 PST', false],
  ['1963-06-19t08:30:06.283185z', true],
  ['2013-350T01:01:01', false],
  ['1963-6-19T08:30:06.283185Z', false],
  ['1963-06-1T08:30:06.283185Z', false],
  ['1963-06-1৪T00:00:00Z', false],
  ['1963-06-11T0৪:00:00Z', false],
  ['+11963-06-19T08:30:06.283185Z', false],
  ['1985-04-12T23:20:50Z\n', false],
  ['2020-02-29T00:00:00Z', true],
  ['2100-02-29T00:00:00Z', false],
  ['2000-02-29T00:00:00Z', true],
  // RFC 3339 §5.6 NOTE: a space may replace the T
  ['1963-06-19 08:30:06Z', true],
  ['1963-06-19\n08:30:06Z', false],
  // departs from ajv-formats
  ['1985-04-12T23:20:50+01', false],
  ['1985-04-12T23:20:50+0100', false],
  ['2016-12-31T24:59:60+01:00', false],
  ['2016-12-31T24:59:59+01:00', false],
  ['1985-04-12T00:59:59.999999999999999Z', true],
]);

check('date', isDate, [
  ['1963-06-19', true],
  ['2020-01-31', true],
  ['2020-01-32', false],
  ['2021-02-28', true],
  ['2021-02-29', false],
  ['2020-02-29', true],
  ['2020-02-30', false],
  ['2020-04-30', true],
  ['2020-04-31', false],
  ['2020-12-31', true],
  ['2020-13-01', false],
  ['2020-00-01', false],
  ['2020-01-00', false],
  ['06/19/1963', false],
  ['2013-350', false],
  ['1998-1-20', false],
  ['1998-01-1', false],
  ['1998-13-01', false],
  ['1600-02-29', true],
  ['1900-02-29', false],
  ['1963-06-1৪', false],
  ['20230328', false],
  ['2023-W01', false],
]);

check('time', isTime, [
  ['08:30:06Z', true],
  ['008:030:006Z', false],
  ['8:3:6Z', false],
  ['23:59:60Z', true],
  ['22:59:60Z', false],
  ['23:58:60Z', false],
  ['23:59:60+00:00', true],
  ['01:29:60+01:30', true],
  ['23:29:60+23:30', true],
  ['23:59:60+01:00', false],
  ['23:59:60+00:30', false],
  ['15:59:60-08:00', true],
  ['00:29:60-23:30', true],
  ['23:59:60-01:00', false],
  ['23:59:60-00:30', false],
  ['23:20:50.52Z', true],
  ['08:30:06+00:20', true],
  ['12:34:56-00:00', true],
  ['08:30:06-8:000', false],
  ['08:30:06z', true],
  ['24:00:00Z', false],
  ['00:60:00Z', false],
  ['00:00:61Z', false],
  ['01:02:03+24:00', false],
  ['01:02:03+00:60', false],
  ['01:02:03Z+00:30', false],
  ['08:30:06 PST', false],
  ['01:01:01,1111', false],
  ['12:00:00', false],
  ['12:00:00.52', false],
  ['1২:00:00Z', false],
  ['08:30:06#00:20', false],
  ['ab:cd:ef', false],
  ['2020-11-28T23:55:45Z', false],
]);

describe('number formats', () => {
  it('int32 accepts integers in the signed 32-bit range only', () => {
    expect(isInt32(2 ** 31 - 1)).toBe(true);
    expect(isInt32(-(2 ** 31))).toBe(true);
    expect(isInt32(2 ** 31)).toBe(false);
    expect(isInt32(1.5)).toBe(false);
  });
  it('int64 and integer accept whole numbers beyond 2^53', () => {
    expect(isInt64(2 ** 60)).toBe(true);
    expect(isInteger(2 ** 60)).toBe(true);
    expect(isInteger(1e300)).toBe(true);
    expect(isInteger(0.5)).toBe(false);
    expect(isInt64(0.5)).toBe(false);
  });
});

describe('keyword helpers', () => {
  it('codePointLength counts an astral character once', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
    // a lone surrogate is one code point, as in ajv's ucs2length
    expect(codePointLength('\ud800a\udc00')).toBe(3);
    expect(codePointLength('\udc00\ud800')).toBe(2);
  });

  it('jsonEqual compares structurally, key order ignored, arrays ordered', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, c: 3 }, { a: 1, b: 3 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual([1], [1, 1])).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
  });

  it('hasUniqueItems uses JSON equality', () => {
    expect(hasUniqueItems([1, '1', { a: 1 }, [1]])).toBe(true);
    expect(
      hasUniqueItems([
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toBe(false);
    expect(hasUniqueItems([])).toBe(true);
  });

  it('equalsOneOf matches structured enum values', () => {
    const pred = equalsOneOf([{ a: 1 }, [1, 2]]);
    expect(pred({ a: 1 })).toBe(true);
    expect(pred([1, 2])).toBe(true);
    expect(pred({ a: 2 })).toBe(false);
  });

  it('doesNotMatch, someItemMatches and everyKeyMatches delegate to the schema', () => {
    expect(doesNotMatch(z.number())('x')).toBe(true);
    expect(doesNotMatch(z.number())(1)).toBe(false);
    expect(someItemMatches(z.string())([1, 'a'])).toBe(true);
    expect(someItemMatches(z.string())([1, 2])).toBe(false);
    expect(everyKeyMatches(z.string().max(2))({ ab: 1 })).toBe(true);
    expect(everyKeyMatches(z.string().max(2))({ abc: 1 })).toBe(false);
  });

  it('isNotOfJsonTypes classifies JSON values', () => {
    const notObjectOrString = isNotOfJsonTypes(['object', 'string']);
    expect(notObjectOrString({})).toBe(false);
    expect(notObjectOrString('s')).toBe(false);
    expect(notObjectOrString([])).toBe(true);
    expect(notObjectOrString(null)).toBe(true);
    expect(notObjectOrString(1)).toBe(true);
    expect(notObjectOrString(true)).toBe(true);
    expect(isNotOfJsonTypes(['array', 'null', 'boolean', 'number'])('s')).toBe(true);
    expect(notObjectOrString(Number.NaN)).toBe(false);
    expect(notObjectOrString(undefined)).toBe(false);
  });
});

check('json-pointer', isJsonPointer, [
  ['/a~1b', true],
  ['a', false],
]);

check('relative-json-pointer', isRelativeJsonPointer, [
  ['0#', true],
  ['#', false],
]);

check('regex', isRegex, [
  ['^a(?<n>b)\\k<n>$', true],
  ['\\a', false],
  ['(', false],
]);

describe('keyword helpers for objects, conditions and content', () => {
  it('isMultipleOf divides, and takes the remainder when the quotient overflows', () => {
    expect(isMultipleOf(0.1)(0.2)).toBe(true);
    expect(isMultipleOf(0.1)(0.3)).toBe(false);
    expect(isMultipleOf(0.5)(1e308)).toBe(true);
    expect(isMultipleOf(0.3)(1e308)).toBe(false);
  });

  it('hasContent checks base64 and JSON', () => {
    expect(hasContent(true, true)('eyJhIjoxfQ==')).toBe(true);
    expect(hasContent(true, true)('e30')).toBe(false);
    expect(hasContent(true, false)('/w==')).toBe(true);
    expect(hasContent(false, true)('{"a":1}')).toBe(true);
    expect(hasContent(false, true)('{a}')).toBe(false);
    expect(hasContent(true, true)('/w==')).toBe(false); // not UTF-8
  });

  it('ownProperties copies objects without a prototype, and leaves other values', () => {
    const copy = ownProperties(JSON.parse('{"__proto__": 1, "a": 2}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect('toString' in copy).toBe(false);
    expect(ownProperties([1])).toEqual([1]);
    expect(ownProperties(null)).toBeNull();
  });

  it('isJsonObject and jsonObject() pass objects as given', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    const given = JSON.parse('{"__proto__": 1}') as object;
    expect(jsonObject().parse(given)).toBe(given);
    expect(jsonObject().safeParse('x').success).toBe(false);
  });

  it('matchesPatternProperties checks matched keys by pattern and the rest by additional', () => {
    const check = matchesPatternProperties([[/^x-/u, z.string()]], ['id'], z.number());
    expect(check({ id: true, 'x-a': 'a', n: 1 })).toBe(true);
    expect(check({ 'x-a': 1 })).toBe(false);
    expect(check({ n: 'a' })).toBe(false);
    expect(matchesPatternProperties([[/a/u, z.string()]], [])({ b: 1 })).toBe(true);
  });

  it('keepKnownProperties keeps listed and matched keys, __proto__ included as an own key', () => {
    const kept = keepKnownProperties(['a'], [/^_/u])(JSON.parse('{"a": 1, "b": 2, "__proto__": 3}') as object);
    expect(Object.keys(kept)).toEqual(['a', '__proto__']);
  });

  it('meetsDependencies reads own keys only', () => {
    const check = meetsDependencies({ a: ['b'], toString: z.object({ c: z.number() }) });
    expect(check({})).toBe(true);
    expect(check({ a: 1, b: 1 })).toBe(true);
    expect(check({ a: 1 })).toBe(false);
    expect(check({ toString: 1, c: 1 })).toBe(true);
    expect(check({ toString: 1 })).toBe(false);
  });

  it('satisfiesCondition picks then or else', () => {
    const check = satisfiesCondition(z.number(), z.number().min(0), z.string());
    expect(check(1)).toBe(true);
    expect(check(-1)).toBe(false);
    expect(check('a')).toBe(true);
    expect(check(null)).toBe(false);
    expect(satisfiesCondition(z.number(), undefined)(null)).toBe(true);
  });

  it('ownPropertyMatches checks an own key, and its absence against required', () => {
    const given = JSON.parse('{"__proto__": "x"}') as object;
    expect(ownPropertyMatches('__proto__', z.string(), true)(given)).toBe(true);
    expect(ownPropertyMatches('__proto__', z.number(), false)(given)).toBe(false);
    expect(ownPropertyMatches('__proto__', z.number(), true)({})).toBe(false);
    expect(ownPropertyMatches('__proto__', z.number(), false)({})).toBe(true);
  });
});
