/**
 * formats-host.ts: the hostname, idn-hostname, email and idn-email formats, against cases of the official JSON Schema
 * Test Suite (tests/draft2020-12/optional/format/*.json) written out by hand; "departs from ajv-formats" marks where
 * the suite is followed rather than ajv. Elsewhere: the suite's format files in full,
 * tests/codegen/zod/json-schema-test-suite.test.ts; A-labels and Punycode, tests/contract/formats-idna.test.ts; IP
 * literals, tests/contract/formats-ip.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isEmail, isHostname, isIdnEmail, isIdnHostname } from '../../src/contract/formats-host.js';

type Case = readonly [value: string, valid: boolean];

function check(name: string, fn: (value: string) => boolean, cases: readonly Case[]): void {
  describe(name, () => {
    it.each(cases)('%j is valid: %s', (value, valid) => {
      expect(fn(value)).toBe(valid);
    });
  });
}

check('email', isEmail, [
  ['joe.bloggs@example.com', true],
  ['2962', false],
  ['te~st@example.com', true],
  ['~test@example.com', true],
  ['test~@example.com', true],
  ['.test@example.com', false],
  ['test.@example.com', false],
  ['te.s.t@example.com', true],
  ['te..st@example.com', false],
  ['joe.bloggs@invalid=domain.com', false],
  ['joe.bloggs@[127.0.0.300]', false],
  ['user1@oceania.org, user2@oceania.org', false],
  ['"Winston Smith" <winston.smith@recdep.minitrue> (Records Department)', false],
  ['@example.com', false],
  ['joe.bloggs@', false],
  ['joe bloggs@example.com', false],
  // like ajv-formats: the domain needs a dot
  ['joe@localhost', false],
  ['joe@[IPv6:1::2::3]', false],
  ['joe@[tag:content]', false],
  // departs from ajv-formats
  ['"joe bloggs"@example.com', true],
  ['"joe..bloggs"@example.com', true],
  ['"joe@bloggs"@example.com', true],
  ['"joe\\"bloggs"@example.com', true],
  ['joe.bloggs@[127.0.0.1]', true],
  ['joe.bloggs@[IPv6:::1]', true],
]);

check('hostname', isHostname, [
  ['www.example.com', true],
  ['hostname', true],
  ['h0stn4me', true],
  ['1host', true],
  ['hostnam3', true],
  ['', false],
  ['.', false],
  ['.example', false],
  ['example．com', false],
  ['host-name', true],
  ['-hostname', false],
  ['hostname-', false],
  ['host_name', false],
  [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`, false],
  [`${'a'.repeat(63)}.com`, true],
  [`${'a'.repeat(64)}.com`, false],
  ['example.com\n', false],
  ['\u212Aelvin.example.com', false],
  ['a--b.com', true],
  ['xn--9n2bp8q.xn--9t4b11yi5a', true],
  ['xn--zca29lwxobi7a', true],
  ['xn--qmbc', true],
  ['xn--ll-0ea', true],
  ['xn--wva3je', true],
  ['xn--4dbc5h', true],
  ['xn--4dbc8h', true],
  ['xn--k8j5u', true],
  ['xn--bck0j', true],
  ['xn--vek778f', true],
  ['xn--ngba1o', true],
  ['xn--0-gyc', true],
  ['xn--11b2ezcw70k', true],
  ['xn--11b2ezcs70k', true],
  ['xn--ngba5hb2804a', true],
  // departs from ajv-formats
  ['example.', false],
  ['xn--X', false],
  ['xn--07jt112bpxg.xn--9t4b11yi5a', false],
  ['xn--hello-txk', false],
  ['xn--hello-zed', false],
  ['xn--hello-6bf', false],
  ['xn--chb89f', false],
  ['xn--07jceefgh4c', false],
  ['xn--al-0ea', false],
  ['xn--l-fda', false],
  ['xn--la-0ea', false],
  ['xn--l-gda', false],
  ['xn--S-jib3p', false],
  ['xn--wva3j', false],
  ['xn--A-2hc5h', false],
  ['xn--5db1e', false],
  ['xn--A-2hc8h', false],
  ['xn--5db3e', false],
  ['xn--defabc-k64e', false],
  ['xn--vek', false],
  ['xn--ngb6iyr', false],
  ['xn--11b2er09f', false],
  ['xn--02b508i', false],
  ['XN--aa---o47jg78q', false],
  // more A-label edge cases: pure ASCII, hyphen ends, digits beyond the code point range
  ['xn--abc-', false],
  ['xn---abc', false],
  ['xn--99999999999', false],
  ['xn--ls8h', false],
]);

// The idn formats: the helpers' own edges.
check('idn-hostname', isIdnHostname, [
  ['ex\u00e4mple.com', true],
  ['xn--exmple-cua.com', true],
  ['a\u3002b', true],
  ['Ex\u00e4mple.com', false], // upper case is DISALLOWED in IDNA2008
  ['\u0627\u0661.com', true], // right-to-left label, left-to-right label: both meet the bidi rule
  ['1\u0627', false],
  ['', false],
  ['a..b', false],
]);

check('idn-email', isIdnEmail, [
  ['\u0434\u0436@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444', true],
  ['"a@b"@example.com', true],
  ['user@[127.0.0.1]', true],
  ['user@[IPv6:::1]', true],
  ['user@[1.2.3]', false],
  ['user@localhost', false],
  [`${'\u00e4'.repeat(33)}@example.com`, false], // 66 octets in UTF-8
  ['@example.com', false],
]);
