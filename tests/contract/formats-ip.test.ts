/**
 * formats-ip.ts: the IPv4 and IPv6 text forms used inside uri, iri and email literals. Elsewhere: those literals,
 * tests/contract/formats-uri.test.ts and formats-host.test.ts; the ipv4 and ipv6 formats of generated code (zod's own
 * checks), tests/codegen/zod/scalars.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isIpv4Address, isIpv6Address } from '../../src/contract/formats-ip.js';

describe('isIpv4Address', () => {
  it.each([
    ['192.168.0.1', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.0.0.1', false],
    ['01.2.3.4', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['1.2.3.a', false],
  ] as const)('%j: %s', (value, valid) => {
    expect(isIpv4Address(value)).toBe(valid);
  });
});

describe('isIpv6Address', () => {
  it.each([
    ['::1', true],
    ['::', true],
    ['1:2:3:4:5:6:7:8', true],
    ['fe80::1:2', true],
    ['::ffff:1.2.3.4', true],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['12345::', false],
    ['::ffff:01.2.3.4', false],
    ['1.2.3.4', false],
    ['g::1', false],
  ] as const)('%j: %s', (value, valid) => {
    expect(isIpv6Address(value)).toBe(valid);
  });
});
