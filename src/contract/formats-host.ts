/**
 * Host names and mail addresses: hostname (RFC 1123 with IDNA2008 A-labels), idn-hostname (RFC 5890 U-labels too),
 * email (RFC 5321) and idn-email (RFC 6531). IDNA2008 itself lives in formats-idna.ts.
 */
import { isIpv4Address, isIpv6Address } from './formats-ip.js';
import { decodeALabel, encodePunycode, isValidULabel, satisfiesBidiRule } from './formats-idna.js';

const LDH_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const A_LABEL_PREFIX = /^xn--/i;
/** RFC 3490 §3.1: the full stop and the three dots IDNA reads as label separators. */
const IDN_SEPARATOR = /[.\u3002\uff0e\uff61]/;

/** The code points of an ASCII label, an A-label decoded (undefined when not valid), for the bidi rule. */
function asciiLabel(label: string): number[] | undefined {
  if (!LDH_LABEL.test(label)) return undefined;
  if (A_LABEL_PREFIX.test(label)) return decodeALabel(label);
  return Array.from(label, (char) => char.charCodeAt(0));
}

/**
 * RFC 1123 §2.1 host name: dot-separated labels of letters, digits and inner hyphens, 1-63 characters each, at most
 * 253 in all, no trailing dot. A label starting `xn--` must be a valid A-label: canonical Punycode (RFC 3492) of a
 * U-label that passes IDNA2008 (RFC 5891 §5.4, RFC 5892 section A), and the whole name the bidi rule (RFC 5893).
 * formats-idna.ts says where IDNA2008's tables are approximated.
 */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels: number[][] = [];
  for (const label of value.split('.')) {
    const codePoints = asciiLabel(label);
    if (codePoints === undefined) return false;
    labels.push(codePoints);
  }
  return satisfiesBidiRule(labels);
}

/**
 * RFC 5890 §2.3.2.3 internationalized host name: labels separated by any IDNA full stop, each an ASCII label as in
 * {@link isHostname} or a U-label (valid under RFC 5891 §5.4 and RFC 5892 section A, its A-label at most 63
 * characters), the whole at most 253 characters as A-labels, and the bidi rule (RFC 5893) over all labels. U-labels
 * are not required to be in NFC (the suite accepts a decomposed `é`).
 */
export function isIdnHostname(value: string): boolean {
  if (value.length === 0) return false;
  const labels: number[][] = [];
  let length = -1;
  for (const label of value.split(IDN_SEPARATOR)) {
    const codePoints = Array.from(label, (char) => char.codePointAt(0) ?? 0);
    if (codePoints.every((code) => code < 0x80)) {
      const ascii = asciiLabel(label);
      if (ascii === undefined) return false;
      labels.push(ascii);
      length += label.length + 1;
      continue;
    }
    if (!isValidULabel(codePoints)) return false;
    const aLabelLength = 4 + encodePunycode(codePoints).length;
    if (aLabelLength > 63) return false;
    labels.push(codePoints);
    length += aLabelLength + 1;
  }
  return length <= 253 && satisfiesBidiRule(labels);
}

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_STRING = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED_STRING = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
/** As in ajv-formats: at least two labels, letters, digits and inner hyphens. */
const EMAIL_DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const MAILBOX = new RegExp(`^(?:${DOT_STRING}|${QUOTED_STRING})@(?:${EMAIL_DOMAIN}|\\[([^\\]]*)\\])$`);

/** An RFC 5321 §4.1.3 address literal's content: an IPv4 address or `IPv6:` and an IPv6 address. */
function isAddressLiteral(literal: string): boolean {
  return literal.startsWith('IPv6:') ? isIpv6Address(literal.slice(5)) : isIpv4Address(literal);
}

/** RFC 5321 §4.1.2 `Mailbox`: dot-string or quoted local part; a domain or an IPv4/IPv6 address literal. */
export function isEmail(value: string): boolean {
  const match = MAILBOX.exec(value);
  if (!match) return false;
  const literal = match[1];
  return literal === undefined || isAddressLiteral(literal);
}

/** RFC 6531 §3.3: `atext` and quoted text also take any non-ASCII character (`UTF8-non-ascii`). */
const UTF8_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u{80}-\\u{10FFFF}]";
const UTF8_LOCAL_PART = new RegExp(
  `^(?:${UTF8_ATEXT}+(?:\\.${UTF8_ATEXT}+)*|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\u{80}-\\u{10FFFF}]|\\\\[\\x20-\\x7e])*")$`,
  'u',
);
const MAX_LOCAL_OCTETS = 64;
const UTF8 = new TextEncoder();

/**
 * RFC 6531 §3.3 internationalized `Mailbox`: a local part as in {@link isEmail} that may also hold any non-ASCII
 * character, at most 64 octets in UTF-8 (RFC 5321 §4.5.3.1.1); then an address literal, or an internationalized host
 * name ({@link isIdnHostname}) with at least two labels, as {@link isEmail} asks of its domain.
 */
export function isIdnEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!UTF8_LOCAL_PART.test(local) || UTF8.encode(local).length > MAX_LOCAL_OCTETS) return false;
  if (domain.startsWith('[') && domain.endsWith(']')) return isAddressLiteral(domain.slice(1, -1));
  return IDN_SEPARATOR.test(domain) && isIdnHostname(domain);
}
