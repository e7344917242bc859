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
 * ipv4 and ipv6 need no helper: zod's `z.ipv4()` and `z.ipv6()` agree with ajv-formats and the suite on every case
 * we tried (the suite plus a few hundred thousand generated near-addresses).
 */

import { z } from 'zod';

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
// IP addresses (used inside uri and email; generated code uses z.ipv4()/z.ipv6() directly)
// ---------------------------------------------------------------------------------------------------------------

const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_ADDRESS = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** RFC 3986 §3.2.2 `IPv4address`: four decimal octets 0-255 without leading zeros. */
function isIpv4Address(value: string): boolean {
  return IPV4_ADDRESS.test(value);
}

/** RFC 4291 §2.2 text form: eight hex groups, one `::` for a run of zero groups, an optional trailing IPv4 part. */
function isIpv6Address(value: string): boolean {
  const lastColon = value.lastIndexOf(':');
  if (lastColon < 0) return false;
  let text = value;
  const tail = value.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4Address(tail)) return false;
    text = `${value.slice(0, lastColon + 1)}0:0`; // the IPv4 part stands for two groups
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => HEX_GROUP.test(group))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

// ---------------------------------------------------------------------------------------------------------------
// uri: RFC 3986 §3 (the regular expression is assembled from the RFC's ABNF rules, one constant per rule)
// ---------------------------------------------------------------------------------------------------------------

const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT_ENCODED = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT_ENCODED})`;
const SCHEME = '[A-Za-z][A-Za-z0-9+\\-.]*';
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*`;
/** The IP-literal's content is captured and checked by {@link isIpLiteral}. */
const IP_LITERAL = '\\[([^\\]]*)\\]';
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const PATH_ABSOLUTE = `/(?:${PCHAR}+(?:/${PCHAR}*)*)?`;
const PATH_ROOTLESS = `${PCHAR}+(?:/${PCHAR}*)*`;
/** RFC 3986 also allows an empty path (`http:`); ajv-formats does not, the suite has no case, so we keep ajv's verdict. */
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS})`;
const QUERY_OR_FRAGMENT = `(?:[${UNRESERVED}${SUB_DELIMS}:@/?]|${PCT_ENCODED})*`;
const URI = new RegExp(`^${SCHEME}:${HIER_PART}(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?$`);
const IPV_FUTURE = new RegExp(`^[Vv][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+$`);

/** RFC 3986 §3.2.2 `IP-literal` content: an IPv6 address or an `IPvFuture`. */
function isIpLiteral(content: string): boolean {
  return isIpv6Address(content) || IPV_FUTURE.test(content);
}

/** RFC 3986 §3 `URI`: an absolute URI with a scheme (a relative reference is not a `uri`). */
export function isUri(value: string): boolean {
  const match = URI.exec(value);
  if (!match) return false;
  const ipLiteral = match[1];
  return ipLiteral === undefined || isIpLiteral(ipLiteral);
}

// ---------------------------------------------------------------------------------------------------------------
// email: RFC 5321 §4.1.2 Mailbox
// ---------------------------------------------------------------------------------------------------------------

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_STRING = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED_STRING = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
/** As in ajv-formats: at least two labels, letters, digits and inner hyphens. */
const EMAIL_DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const MAILBOX = new RegExp(`^(?:${DOT_STRING}|${QUOTED_STRING})@(?:${EMAIL_DOMAIN}|\\[([^\\]]*)\\])$`);

/** RFC 5321 §4.1.2 `Mailbox`: dot-string or quoted local part; a domain or an IPv4/IPv6 address literal. */
export function isEmail(value: string): boolean {
  const match = MAILBOX.exec(value);
  if (!match) return false;
  const literal = match[1];
  if (literal === undefined) return true;
  return literal.startsWith('IPv6:') ? isIpv6Address(literal.slice(5)) : isIpv4Address(literal);
}

// ---------------------------------------------------------------------------------------------------------------
// hostname: RFC 1123 §2.1, with IDNA2008 A-labels (RFC 5890 §2.3.2.1, RFC 5891 §5.4, RFC 5892)
// ---------------------------------------------------------------------------------------------------------------

const LDH_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const A_LABEL_PREFIX = /^xn--/i;

/**
 * RFC 1123 §2.1 host name: dot-separated labels of letters, digits and inner hyphens, 1-63 characters each, at most
 * 253 in all, no trailing dot. A label starting `xn--` must be a valid A-label: it must decode as Punycode
 * (RFC 3492) into a U-label that passes the IDNA2008 checks of RFC 5891 §5.4 and the contextual rules of RFC 5892
 * section A. Two simplifications, both documented in {@link isValidULabel}: code point validity is approximated by
 * Unicode general categories, and the bidi rule (RFC 5893) is not checked.
 */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => {
    if (!LDH_LABEL.test(label)) return false;
    if (!A_LABEL_PREFIX.test(label)) return true;
    const decoded = decodePunycode(label.slice(4));
    return decoded !== undefined && isValidULabel(decoded);
  });
}

const PUNYCODE = { base: 36, tMin: 1, tMax: 26, skew: 38, damp: 700, initialBias: 72, initialN: 128 } as const;

/** RFC 3492 §6.1 bias adaptation. */
function adaptBias(delta: number, numPoints: number, firstTime: boolean): number {
  const { base, tMin, tMax, skew, damp } = PUNYCODE;
  let scaled = firstTime ? Math.floor(delta / damp) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / numPoints);
  let k = 0;
  while (scaled > ((base - tMin) * tMax) >> 1) {
    scaled = Math.floor(scaled / (base - tMin));
    k += base;
  }
  return k + Math.floor(((base - tMin + 1) * scaled) / (scaled + skew));
}

/** RFC 3492 §5 digit values: a-z/A-Z are 0-25, 0-9 are 26-35; anything else is not a digit. */
function punycodeDigit(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  return -1;
}

/** RFC 3492 §6.2 decoding. Returns the code points, or undefined when the input is not valid Punycode. */
function decodePunycode(input: string): number[] | undefined {
  const { base, tMin, tMax, initialBias, initialN } = PUNYCODE;
  const delimiter = input.lastIndexOf('-');
  const output: number[] = [];
  for (let j = 0; j < Math.max(delimiter, 0); j++) output.push(input.charCodeAt(j));
  let n: number = initialN;
  let i = 0;
  let bias: number = initialBias;
  let pos = delimiter > 0 ? delimiter + 1 : 0;
  while (pos < input.length) {
    const oldI = i;
    let weight = 1;
    for (let k = base; ; k += base) {
      if (pos >= input.length) return undefined;
      const digit = punycodeDigit(input.charCodeAt(pos++));
      if (digit < 0) return undefined;
      i += digit * weight;
      const threshold = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < threshold) break;
      weight *= base - threshold;
      if (weight > 0x10ffff * base) return undefined; // a run of digits this long cannot encode a code point
    }
    bias = adaptBias(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return output;
}

/** RFC 5892 §2.6 exceptions that are DISALLOWED although their category would make them valid. */
const DISALLOWED_EXCEPTIONS = new Set([0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b]);
/** RFC 5892 §2.6 exceptions that are PVALID although their category would not make them valid. */
const PVALID_EXCEPTIONS = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
/** Code points with canonical combining class 9 (Virama), for the CONTEXTJ rules A.1/A.2 of RFC 5892. */
const VIRAMAS = new Set([
  0x094d, 0x09cd, 0x0a4d, 0x0acd, 0x0b4d, 0x0bcd, 0x0c4d, 0x0ccd, 0x0d3b, 0x0d3c, 0x0d4d, 0x0dca, 0x0e3a, 0x0eba,
  0x0f84, 0x1039, 0x103a, 0x1714, 0x1715, 0x1734, 0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bab, 0x1bf2, 0x1bf3, 0x2d7f,
  0xa806, 0xa82c, 0xa8c4, 0xa953, 0xa9c0, 0xaaf6, 0xabed, 0x10a3f, 0x11046, 0x11070, 0x1107f, 0x110b9, 0x11133,
  0x11134, 0x111c0, 0x11235, 0x112ea, 0x1134d, 0x11442, 0x114c2, 0x115bf, 0x1163f, 0x116b6, 0x1172b, 0x11839,
  0x1193d, 0x1193e, 0x119e0, 0x11a34, 0x11a47, 0x11a99, 0x11c3f, 0x11d44, 0x11d45, 0x11d97, 0x11f41, 0x11f42,
]);
/** RFC 5892 §2.1 LetterDigits, minus Lu/Lt (upper and title case are unstable under case folding, so DISALLOWED). */
const LETTER_DIGIT = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}]$/u;
const LETTER = /^\p{L}$/u;
const LOWER_LDH = /^[a-z0-9-]$/;

function charAt(codePoints: readonly number[], index: number): string {
  const code = codePoints[index];
  return code === undefined ? '' : String.fromCodePoint(code);
}

/** RFC 5892 section A: the contextual rule for `code` at `index`, or undefined when it has none. */
function contextRule(codePoints: readonly number[], index: number): boolean | undefined {
  const code = codePoints[index] ?? 0;
  const previous = codePoints[index - 1];
  const next = codePoints[index + 1];
  const inLabel = (test: (c: number) => boolean): boolean => codePoints.some((c, i) => i !== index && test(c));
  if (code === 0x200d) return previous !== undefined && VIRAMAS.has(previous); // A.2 ZERO WIDTH JOINER
  if (code === 0x200c) {
    // A.1 ZERO WIDTH NON-JOINER: after a virama, or (approximating the joining-type rule) between two letters.
    if (previous !== undefined && VIRAMAS.has(previous)) return true;
    return LETTER.test(charAt(codePoints, index - 1)) && LETTER.test(charAt(codePoints, index + 1));
  }
  if (code === 0x00b7) return previous === 0x6c && next === 0x6c; // A.3 MIDDLE DOT between two 'l'
  if (code === 0x0375) return /^\p{Script=Greek}$/u.test(charAt(codePoints, index + 1)); // A.4 KERAIA
  if (code === 0x05f3 || code === 0x05f4) return /^\p{Script=Hebrew}$/u.test(charAt(codePoints, index - 1)); // A.5/6
  if (code === 0x30fb) {
    // A.7 KATAKANA MIDDLE DOT: the label also holds Hiragana, Katakana or Han
    return inLabel((c) => /^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]$/u.test(String.fromCodePoint(c)));
  }
  if (code >= 0x0660 && code <= 0x0669) return !inLabel((c) => c >= 0x06f0 && c <= 0x06f9); // A.8
  if (code >= 0x06f0 && code <= 0x06f9) return !inLabel((c) => c >= 0x0660 && c <= 0x0669); // A.9
  return undefined;
}

/**
 * RFC 5891 §5.4 / §4.2.3 checks on a decoded A-label: it holds a non-ASCII code point, has no `--` in positions 3-4,
 * no leading or trailing hyphen, does not start with a combining mark, and every code point is valid. Validity follows
 * RFC 5892 §2.6 exceptions and section A contextual rules; otherwise it is approximated by the LetterDigits general
 * categories (the full derived property table is not reproduced). The bidi rule (RFC 5893) is not checked.
 */
function isValidULabel(codePoints: readonly number[]): boolean {
  if (codePoints.every((c) => c < 0x80)) return false;
  if (codePoints[2] === 0x2d && codePoints[3] === 0x2d) return false;
  if (codePoints[0] === 0x2d || codePoints[codePoints.length - 1] === 0x2d) return false;
  if (/^\p{M}$/u.test(charAt(codePoints, 0))) return false;
  return codePoints.every((code, index) => {
    if (DISALLOWED_EXCEPTIONS.has(code)) return false;
    if (PVALID_EXCEPTIONS.has(code)) return true;
    const context = contextRule(codePoints, index);
    if (context !== undefined) return context;
    const char = String.fromCodePoint(code);
    return code < 0x80 ? LOWER_LDH.test(char) : LETTER_DIGIT.test(char);
  });
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
export function meetsDependencies(
  dependencies: Readonly<Record<string, readonly string[] | SafeParser>>,
): (object: object) => boolean {
  return (object) =>
    Object.entries(dependencies).every(([key, dependency]) => {
      if (!Object.hasOwn(object, key)) return true;
      if (Array.isArray(dependency)) return (dependency as readonly string[]).every((name) => Object.hasOwn(object, name));
      return (dependency as SafeParser).safeParse(object).success;
    });
}

/** draft-07 §6.6 `if`/`then`/`else`: a value matching `condition` matches `then`, any other matches `otherwise`. */
export function satisfiesCondition(
  condition: SafeParser,
  then: SafeParser | undefined,
  otherwise?: SafeParser,
): (value: unknown) => boolean {
  return (value) => {
    const branch = condition.safeParse(value).success ? then : otherwise;
    return branch === undefined || branch.safeParse(value).success;
  };
}

/** A property zod cannot read (`__proto__`): when own, its value matches `schema`; when absent, it was not `required`. */
export function ownPropertyMatches(key: string, schema: SafeParser, required: boolean): (object: object) => boolean {
  return (object) => (Object.hasOwn(object, key) ? schema.safeParse((object as Record<string, unknown>)[key]).success : !required);
}
