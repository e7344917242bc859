/**
 * Runtime checks that generated Zod schemas import (see codegen/zod). They give JSON Schema's `format` keyword and a
 * few other keywords the meaning ajv 8 + ajv-formats 3 ("full" mode) give them, so the generated Zod schemas and a
 * standard validator agree on every value.
 *
 * Where ajv-formats departs from the official JSON Schema Test Suite
 * (json-schema-org/JSON-Schema-Test-Suite, tests/draft2020-12/optional/format) we follow the suite. The departures:
 * - uuid: ajv-formats accepts a `urn:uuid:` prefix; the suite rejects it. (Generated code uses `z.guid()`, whose
 *   pattern is exactly the suite's: 8-4-4-4-12 hex digits, no version or variant bits checked.)
 * - date-time / time: ajv-formats accepts an offset without minutes (`+01`) or without a colon (`+0100`), hour 24
 *   whenever the time moved to UTC is 23:59 (`24:59:60+01:00`, even `24:59:59+01:00`), and rejects
 *   `59.999999999999999` seconds (float rounding).
 *   RFC 3339 §5.6 and the suite say the opposite in each case. ajv also splits date and time on any white space;
 *   RFC 3339 §5.6 allows only `T`, `t` or a space there, and so do we.
 * - email: ajv-formats rejects quoted local parts (`"joe bloggs"@example.com`) and address literals
 *   (`joe@[127.0.0.1]`, `joe@[IPv6:::1]`), which RFC 5321 §4.1.2 and the suite accept. Like ajv, the domain needs a
 *   dot; a general address literal (`[tag:content]`) is rejected.
 * - hostname: ajv-formats accepts a trailing dot and any `xn--` label; the suite rejects both a trailing dot and
 *   A-labels that are not valid IDNA2008 (RFC 5890-5892). See {@link isHostname} for how far this goes.
 * - uri: ajv-formats accepts a non-numeric port, a leading zero in an IPv4 address embedded in an IPv6 literal, and
 *   square brackets in a path (`http:/[::1]`); RFC 3986 and the suite reject all three. Like ajv (and unlike
 *   RFC 3986), a URI with an empty hierarchical part (`http:`) is rejected; the suite has no case for it.
 * - uri-reference: ajv-formats accepts a colon in the first segment of a relative path (`1:b`), square brackets in a
 *   path, a non-numeric port, a leading zero in an IPv4 address embedded in an IPv6 literal, `"` in a path and two
 *   `@` in an authority; RFC 3986 and the suite reject them all.
 * - uri-template: ajv-formats rejects an apostrophe in a literal and a dotted variable name (`{a.b}`) and accepts
 *   DEL in a literal; RFC 6570 (with erratum 6937) and the suite say the opposite.
 * - regex: ajv-formats compiles without the `u` flag, so `\a` passes as an identity escape; JSON Schema patterns
 *   are compiled with `u` (as ajv compiles `pattern`), where it is an error, and the suite rejects it.
 * ipv4 and ipv6 need no helper: zod's `z.ipv4()` and `z.ipv6()` agree with ajv-formats and the suite on every case
 * we tried (the suite plus a few hundred thousand generated near-addresses).
 *
 * ajv-formats has no idn-hostname, idn-email, iri or iri-reference; those follow their RFCs and the suite.
 * The format checks live in formats-host.ts (hostname, idn-hostname, email, idn-email; IDNA2008 in formats-idna.ts)
 * and formats-uri.ts (uri, uri-reference, iri, iri-reference, uri-template), re-exported here.
 */

import { z } from 'zod';

export { isEmail, isHostname, isIdnEmail, isIdnHostname } from './formats-host.js';
export { isIri, isIriReference, isUri, isUriReference, isUriTemplate } from './formats-uri.js';

// ---------------------------------------------------------------------------------------------------------------
// date, time, date-time: RFC 3339 §5.6
// ---------------------------------------------------------------------------------------------------------------

/** `\d` without the `u` flag matches ASCII digits only, so non-ASCII digits (e.g. Bengali) are rejected. */
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FULL_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MINUTES_PER_DAY = 24 * 60;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** RFC 3339 §5.6 `full-date`, with the day checked against the month and leap years (§5.7). */
export function isDate(value: string): boolean {
  const match = FULL_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  return day <= days;
}

/**
 * RFC 3339 §5.6 `full-time`: the offset (`Z` or `±hh:mm`) is required. Second 60 is a leap second and is only valid
 * when the time, moved to UTC by its offset, is 23:59 (§5.7).
 */
export function isTime(value: string): boolean {
  const match = FULL_TIME.exec(value);
  if (!match) return false;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = Number(match[3]);
  const sign = match[4] === '-' ? -1 : 1;
  const offsetHour = Number(match[5] ?? 0);
  const offsetMinute = Number(match[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second < 60) return true;
  const utcMinutes = hour * 60 + minute - sign * (offsetHour * 60 + offsetMinute);
  return ((utcMinutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY === MINUTES_PER_DAY - 1;
}

/** RFC 3339 §5.6 `date-time`: a full-date, `T` (either case, or a space as §5.6 allows), then a full-time. */
export function isDateTime(value: string): boolean {
  const separator = value.charAt(10);
  if (separator !== 'T' && separator !== 't' && separator !== ' ') return false;
  return isDate(value.slice(0, 10)) && isTime(value.slice(11));
}

// ---------------------------------------------------------------------------------------------------------------
// json-pointer (RFC 6901), relative-json-pointer (draft-handrews-relative-json-pointer-01), regex (ECMA-262)
// ---------------------------------------------------------------------------------------------------------------

/** RFC 6901 §3: `/`-prefixed reference tokens, `~` only as `~0` or `~1`. */
const JSON_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;
/** A non-negative integer without leading zeros, then `#` or a JSON pointer. */
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~[01])*)*)$/;

/** RFC 6901 JSON Pointer (the string form, not the URI fragment form). */
export function isJsonPointer(value: string): boolean {
  return JSON_POINTER.test(value);
}

/** Relative JSON Pointer: how many levels up, then `#` (the key or index) or a JSON pointer down. */
export function isRelativeJsonPointer(value: string): boolean {
  return RELATIVE_JSON_POINTER.test(value);
}

/**
 * An ECMA-262 regular expression, compiled as `pattern` is (with the `u` flag, so `\a` or Python's `(?P<n>)` are
 * errors rather than identity escapes and literal text).
 */
export function isRegex(value: string): boolean {
  try {
    new RegExp(value, 'u');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// contentEncoding (base64) and contentMediaType (application/json): draft-07 validation §8
// ---------------------------------------------------------------------------------------------------------------

/** RFC 4648 §4 base64: groups of four, `=` padding only at the end. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The UTF-8 text of base64 `value` (already checked), or undefined when the bytes are not UTF-8. */
function decodeBase64Text(value: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(value), (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** draft-07 §8: the string is base64 (when `base64`) and its content, as UTF-8 text, JSON (when `json`). */
export function hasContent(base64: boolean, json: boolean): (value: string) => boolean {
  return (value) => {
    if (base64 && !BASE64.test(value)) return false;
    if (!json) return true;
    const text = base64 ? decodeBase64Text(value) : value;
    if (text === undefined) return false;
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Number formats of ajv-formats (OpenAPI data types)
// ---------------------------------------------------------------------------------------------------------------

/** ajv-formats `int32`: an integer in the signed 32-bit range. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1;
}

/** ajv-formats `int64`: any integer (a JSON number cannot exceed the 64-bit range meaningfully in JavaScript). */
export function isInt64(value: number): boolean {
  return Number.isInteger(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for keywords zod has no direct equivalent for
// ---------------------------------------------------------------------------------------------------------------

/** The part of a Zod schema these helpers use. */
export interface SafeParser {
  safeParse(value: unknown): { success: boolean };
}

/** JSON Schema §6.4 (draft-07 §6.4) `integer`: any whole number, including those beyond 2^53 (z.int() stops there). */
export function isInteger(value: number): boolean {
  return Number.isInteger(value);
}

/**
 * draft-07 §6.2.1 `multipleOf`: `value / divisor` is an integer (as ajv divides), or, when that quotient overflows,
 * the exact floating-point remainder is 0.
 */
export function isMultipleOf(divisor: number): (value: number) => boolean {
  return (value) => {
    const quotient = value / divisor;
    return Number.isFinite(quotient) ? Number.isInteger(quotient) : value % divisor === 0;
  };
}

/** JSON Schema length (`minLength`/`maxLength`, draft-07 §6.3.1-2): the number of Unicode code points. */
export function codePointLength(value: string): number {
  let length = value.length;
  // each surrogate pair is two UTF-16 units but one code point
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** Structural JSON equality, as JSON Schema defines it for `enum`, `const` and `uniqueItems` (core §4.2.2). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  if (keys.length !== Object.keys(bRecord).length) return false;
  return keys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]));
}

/** draft-07 §6.4.3 `uniqueItems: true`: no two items are equal as JSON. */
export function hasUniqueItems(items: readonly unknown[]): boolean {
  for (let i = 1; i < items.length; i++) {
    for (let j = 0; j < i; j++) if (jsonEqual(items[i], items[j])) return false;
  }
  return true;
}

/** draft-07 §6.1.2-3 `enum`/`const` with object or array values: a predicate that the value equals one of them. */
export function equalsOneOf(values: readonly unknown[]): (value: unknown) => boolean {
  return (value) => values.some((candidate) => jsonEqual(value, candidate));
}

/** draft-07 §6.7.4 `not`: a predicate that the value does NOT match `schema`. */
export function doesNotMatch(schema: SafeParser): (value: unknown) => boolean {
  return (value) => !schema.safeParse(value).success;
}

/** draft-07 §6.4.6 `contains`: a predicate that at least one item matches `schema`. */
export function someItemMatches(schema: SafeParser): (items: readonly unknown[]) => boolean {
  return (items) => items.some((item) => schema.safeParse(item).success);
}

/** draft-07 §6.5.8 `propertyNames`: a predicate that every key of the object matches `schema`. */
export function everyKeyMatches(schema: SafeParser): (object: object) => boolean {
  return (object) => Object.keys(object).every((key) => schema.safeParse(key).success);
}

/** The JSON Schema type names a value can have (draft-07 validation §6.1.1; `integer` is reported as `number`). */
export type JsonTypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function jsonTypeOf(value: unknown): JsonTypeName | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isFinite(value) ? 'number' : undefined;
    case 'string':
      return 'string';
    case 'object':
      return 'object';
    default:
      return undefined;
  }
}

/**
 * For schemas without `type`: keywords of one type ignore values of other types (draft-07 validation §4.1), so the
 * generated union ends with "any value not of these types". Returns that predicate.
 */
export function isNotOfJsonTypes(types: readonly JsonTypeName[]): (value: unknown) => boolean {
  return (value) => {
    const type = jsonTypeOf(value);
    return type !== undefined && !types.includes(type);
  };
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first stage of an object schema whose keywords read its keys: any JSON object, passed on as given. zod's
 * object output drops an own `__proto__` key, so those checks run here, before the object is parsed.
 */
export function jsonObject(): z.ZodCustom<Record<string, unknown>> {
  return z.custom<Record<string, unknown>>(isJsonObject, 'expected an object');
}

/**
 * Objects whose schema names a key `Object.prototype` also has (`constructor`, `toString`, `__proto__`...): a copy
 * without a prototype, so a missing key reads as missing instead of as the inherited member. Other values as they are.
 */
export function ownProperties(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.assign(Object.create(null) as object, value);
}

/**
 * draft-07 §6.5.5 `patternProperties` with §6.5.6 `additionalProperties`: every own key matched by a pattern
 * matches that pattern's schema, and every key neither listed in `known` nor matched matches `additional` (when given).
 */
export function matchesPatternProperties(
  patterns: readonly (readonly [RegExp, SafeParser])[],
  known: readonly string[],
  additional?: SafeParser,
): (object: object) => boolean {
  return (object) =>
    Object.entries(object).every(([key, value]) => {
      let matched = known.includes(key);
      for (const [pattern, schema] of patterns) {
        if (!pattern.test(key)) continue;
        matched = true;
        if (!schema.safeParse(value).success) return false;
      }
      return matched || additional === undefined || additional.safeParse(value).success;
    });
}

/** The reader's `additionalProperties: false` beside patternProperties: a copy with only listed or matched keys. */
export function keepKnownProperties(known: readonly string[], patterns: readonly RegExp[]): <T extends object>(object: T) => T {
  return <T extends object>(object: T): T => {
    const kept = Object.entries(object).filter(([key]) => known.includes(key) || patterns.some((pattern) => pattern.test(key)));
    return Object.fromEntries(kept) as T;
  };
}

/**
 * draft-07 §6.5.7 `dependencies`: for each own key present, the listed keys are present too (array form) or the
 * object matches the schema (schema form).
 */
export function meetsDependencies(dependencies: Readonly<Record<string, readonly string[] | SafeParser>>): (object: object) => boolean {
  return (object) =>
    Object.entries(dependencies).every(([key, dependency]) => {
      if (!Object.hasOwn(object, key)) return true;
      if (Array.isArray(dependency)) return (dependency as readonly string[]).every((name) => Object.hasOwn(object, name));
      return (dependency as SafeParser).safeParse(object).success;
    });
}

/** draft-07 §6.6 `if`/`then`/`else`: a value matching `condition` matches `then`, any other matches `otherwise`. */
export function satisfiesCondition(condition: SafeParser, then: SafeParser | undefined, otherwise?: SafeParser): (value: unknown) => boolean {
  return (value) => {
    const branch = condition.safeParse(value).success ? then : otherwise;
    return branch === undefined || branch.safeParse(value).success;
  };
}

/** A property zod cannot read (`__proto__`): when own, its value matches `schema`; when absent, it was not `required`. */
export function ownPropertyMatches(key: string, schema: SafeParser, required: boolean): (object: object) => boolean {
  return (object) => (Object.hasOwn(object, key) ? schema.safeParse((object as Record<string, unknown>)[key]).success : !required);
}
