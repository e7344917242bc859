/**
 * formats-uri.ts: the uri, uri-reference, iri, iri-reference and uri-template formats, against cases of the official
 * JSON Schema Test Suite written out by hand; "departs from ajv-formats" marks where the suite is followed rather than
 * ajv. Elsewhere: the suite's format files in full, tests/codegen/zod/json-schema-test-suite.test.ts; IP literals,
 * tests/contract/formats-ip.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isIri, isIriReference, isUri, isUriReference, isUriTemplate } from '../../src/contract/formats-uri.js';

type Case = readonly [value: string, valid: boolean];

function check(name: string, fn: (value: string) => boolean, cases: readonly Case[]): void {
  describe(name, () => {
    it.each(cases)('%j is valid: %s', (value, valid) => {
      expect(fn(value)).toBe(valid);
    });
  });
}

check('uri', isUri, [
  ['http://foo.bar/?baz=qux#quux', true],
  ['http://foo.com/blah_(wikipedia)_blah#cite-1', true],
  ['http://foo.bar/?q=Test%20URL-encoded%20stuff', true],
  ['http://xn--nw2a.xn--j6w193g/', true],
  ["http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com", true],
  ['http://223.255.255.254', true],
  ['ftp://ftp.is.co.za/rfc/rfc1808.txt', true],
  ['ldap://[2001:db8::7]/c=GB?objectClass?one', true],
  ['mailto:John.Doe@example.com', true],
  ['news:comp.infosystems.www.servers.unix', true],
  ['tel:+1-816-555-1212', true],
  ['urn:oasis:names:specification:docbook:dtd:xml:4.1.2', true],
  ['http://[v1.fe80::a+en1]/', true],
  ['http://[::ffff:1.2.3.4]', true],
  ['//foo.bar/?baz=qux#quux', false],
  ['/abc', false],
  ['\\\\WINDOWS\\fileshare', false],
  ['abc', false],
  ['http:// shouldfail.com', false],
  [':// should fail', false],
  ['bar,baz:foo', false],
  ['https://[@example.org/test.txt', false],
  ['https://example.org/foobar®.txt', false],
  ['https://example.org/foobar\\.txt', false],
  ['https://example.org/foobar".txt', false],
  ['https://example.org/foobar<>.txt', false],
  ['https://example.org/foobar{}.txt', false],
  ['https://example.org/foobar^.txt', false],
  ['https://example.org/foobar`.txt', false],
  ['https://example.org/foo bar.txt', false],
  ['https://example.org/foobar|.txt', false],
  ['http://087.10.0.1/', true],
  ['http://999.999.999.999/', true],
  ['http://example.com/%6G', false],
  ['http://example.com/%A', false],
  ['http://example.com/%', false],
  ['1http://example.com', false],
  ['ht_tp://example.com', false],
  ['http://[1::2::3]/', false],
  // like ajv-formats: an empty hierarchical part is rejected
  ['http:', false],
  // departs from ajv-formats
  ['http://example.com:abc/path', false],
  ['http://[::ffff:01.2.3.4]', false],
  ['http:/[::1]', false],
]);

// The other uri formats: the helpers' own edges.
check('iri', isIri, [
  ['http://\u00e9.fr/\u00e9?\u{F0000}#\u00e9', true],
  ['http://\u00e9.fr/#\u{F0000}', false], // private use is for queries only
  ['http:', false],
]);

check('iri-reference', isIriReference, [
  ['\u00e9/a', true],
  ['\u00e9:a', false], // not a scheme (it starts with a non-ASCII letter), and a first segment has no colon
  ['a b', false],
]);

check('uri-reference', isUriReference, [
  ['', true],
  ['../a?b#c', true],
  ['\u00e9', false],
]);

check('uri-template', isUriTemplate, [
  ['/a/{b}{?c,d*}', true],
  ['{', false],
]);
