/**
 * uri, uri-reference (RFC 3986), iri, iri-reference (RFC 3987) and uri-template (RFC 6570). Each regular expression
 * is assembled from the RFC's ABNF rules, one constant per rule; an IRI is a URI whose unreserved characters also
 * include `ucschar` (and its query `iprivate`), so one grammar builder serves both. No library does this better in
 * the runtime's reach: WHATWG `URL` (node:url) repairs and accepts what RFC 3986 rejects (spaces, backslashes).
 */
import { isIpv6Address } from './formats-ip.js';

/** RFC 3987 §2.2 `ucschar`: the non-ASCII characters an IRI may hold unescaped. */
const UCSCHAR =
  '\\u{A0}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFEF}\\u{10000}-\\u{1FFFD}\\u{20000}-\\u{2FFFD}\\u{30000}-\\u{3FFFD}' +
  '\\u{40000}-\\u{4FFFD}\\u{50000}-\\u{5FFFD}\\u{60000}-\\u{6FFFD}\\u{70000}-\\u{7FFFD}\\u{80000}-\\u{8FFFD}\\u{90000}-\\u{9FFFD}' +
  '\\u{A0000}-\\u{AFFFD}\\u{B0000}-\\u{BFFFD}\\u{C0000}-\\u{CFFFD}\\u{D0000}-\\u{DFFFD}\\u{E1000}-\\u{EFFFD}';
/** RFC 3987 §2.2 `iprivate`: private-use characters, allowed in a query only. */
const IPRIVATE = '\\u{E000}-\\u{F8FF}\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT_ENCODED = '%[0-9A-Fa-f]{2}';
const IPV_FUTURE = /^[Vv][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;

interface Grammar {
  /** RFC 3986 §3 `URI` (an absolute URI with a scheme); the IP-literal's content is group 1. */
  readonly absolute: RegExp;
  /** RFC 3986 §4.2 `relative-ref`; the IP-literal's content is group 1. */
  readonly relative: RegExp;
}

/** The URI grammar of RFC 3986 §3-4, with `ucschar` added to `unreserved` and `iprivate` to queries for an IRI. */
function grammar(iri: boolean): Grammar {
  const unreserved = `A-Za-z0-9\\-._~${iri ? UCSCHAR : ''}`;
  const pchar = `(?:[${unreserved}${SUB_DELIMS}:@]|${PCT_ENCODED})`;
  /** `segment-nz-nc`: a first segment without a colon, so a relative path is not read as a scheme. */
  const pcharNoColon = `(?:[${unreserved}${SUB_DELIMS}@]|${PCT_ENCODED})`;
  const scheme = '[A-Za-z][A-Za-z0-9+\\-.]*';
  const userinfo = `(?:[${unreserved}${SUB_DELIMS}:]|${PCT_ENCODED})*`;
  const regName = `(?:[${unreserved}${SUB_DELIMS}]|${PCT_ENCODED})*`;
  const authority = `(?:${userinfo}@)?(?:\\[([^\\]]*)\\]|${regName})(?::[0-9]*)?`;
  const pathAbempty = `(?:/${pchar}*)*`;
  const pathAbsolute = `/(?:${pchar}+(?:/${pchar}*)*)?`;
  const pathRootless = `${pchar}+(?:/${pchar}*)*`;
  const pathNoScheme = `${pcharNoColon}+(?:/${pchar}*)*`;
  // RFC 3986 also allows an empty hier-part (`http:`); ajv-formats does not, the suite has no case: ajv's verdict kept
  const hierPart = `(?://${authority}${pathAbempty}|${pathAbsolute}|${pathRootless})`;
  const relativePart = `(?://${authority}${pathAbempty}|${pathAbsolute}|${pathNoScheme}|)`;
  const query = `(?:[${unreserved}${SUB_DELIMS}:@/?${iri ? IPRIVATE : ''}]|${PCT_ENCODED})*`;
  const fragment = `(?:[${unreserved}${SUB_DELIMS}:@/?]|${PCT_ENCODED})*`;
  const tail = `(?:\\?${query})?(?:#${fragment})?$`;
  return { absolute: new RegExp(`^${scheme}:${hierPart}${tail}`, 'u'), relative: new RegExp(`^${relativePart}${tail}`, 'u') };
}

const URI = grammar(false);
const IRI = grammar(true);

/** Whether `pattern` matches, with its IP-literal (if any) an IPv6 address or an `IPvFuture` (RFC 3986 §3.2.2). */
function matches(pattern: RegExp, value: string): boolean {
  const match = pattern.exec(value);
  if (!match) return false;
  const ipLiteral = match[1];
  return ipLiteral === undefined || isIpv6Address(ipLiteral) || IPV_FUTURE.test(ipLiteral);
}

/** RFC 3986 §3 `URI`: an absolute URI with a scheme (a relative reference is not a `uri`). */
export function isUri(value: string): boolean {
  return matches(URI.absolute, value);
}

/** RFC 3986 §4.1 `URI-reference`: a URI or a relative reference (`/a`, `//host`, `?q`, `#f`, `''`). */
export function isUriReference(value: string): boolean {
  return matches(URI.absolute, value) || matches(URI.relative, value);
}

/** RFC 3987 §2.2 `IRI`: a URI that may also hold non-ASCII characters (`ucschar`, and `iprivate` in the query). */
export function isIri(value: string): boolean {
  return matches(IRI.absolute, value);
}

/** RFC 3987 §2.2 `IRI-reference`: an IRI or a relative IRI reference. */
export function isIriReference(value: string): boolean {
  return matches(IRI.absolute, value) || matches(IRI.relative, value);
}

/**
 * RFC 6570 §2 literals (the RFC's set plus the apostrophe, as erratum 6937 and the suite have it), or
 * `pct-encoded`.
 */
const TEMPLATE_LITERAL = `(?:[\\x21\\x23\\x24\\x26-\\x3B\\x3D\\x3F-\\x5B\\x5D\\x5F\\x61-\\x7A\\x7E${UCSCHAR}${IPRIVATE}]|${PCT_ENCODED})`;
const VARCHAR = `(?:[A-Za-z0-9_]|${PCT_ENCODED})`;
/** RFC 6570 §2.3 `varspec`: a name (dots only between characters) with a prefix (1-9999) or explode modifier. */
const VARSPEC = `${VARCHAR}(?:\\.?${VARCHAR})*(?::[1-9][0-9]{0,3}|\\*)?`;
const EXPRESSION = `\\{[+#./;?&=,!@|]?${VARSPEC}(?:,${VARSPEC})*\\}`;
const URI_TEMPLATE = new RegExp(`^(?:${TEMPLATE_LITERAL}|${EXPRESSION})*$`, 'u');

/** RFC 6570 §2 `URI-Template`: literals and `{...}` expressions (level 4 syntax). */
export function isUriTemplate(value: string): boolean {
  return URI_TEMPLATE.test(value);
}
