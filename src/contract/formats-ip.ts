/**
 * IP address text forms, used inside uri, iri and email address literals (generated code checks the ipv4 and ipv6
 * formats with z.ipv4()/z.ipv6() directly). Not part of the contract face.
 */

const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_ADDRESS = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** RFC 3986 §3.2.2 `IPv4address`: four decimal octets 0-255 without leading zeros. */
export function isIpv4Address(value: string): boolean {
  return IPV4_ADDRESS.test(value);
}

/** RFC 4291 §2.2 text form: eight hex groups, one `::` for a run of zero groups, an optional trailing IPv4 part. */
export function isIpv6Address(value: string): boolean {
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
