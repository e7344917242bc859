/**
 * formats-idna.ts: Punycode (RFC 3492), A-labels decoded and checked (RFC 5891), and the bidi rule (RFC 5893).
 * Elsewhere: idn-hostname and idn-email, which use them, tests/contract/formats-host.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeALabel, decodePunycode, encodePunycode, isValidULabel, satisfiesBidiRule } from '../../src/contract/formats-idna.js';

const codePoints = (text: string): number[] => Array.from(text, (char) => char.codePointAt(0) ?? 0);

describe('Punycode (RFC 3492)', () => {
  it("encodes and decodes the RFC's sample and round-trips", () => {
    const codePoints = Array.from('b\u00fccher', (char) => char.codePointAt(0) ?? 0);
    expect(encodePunycode(codePoints)).toBe('bcher-kva');
    expect(decodePunycode('bcher-kva')).toEqual(codePoints);
    expect(decodePunycode('ihqwcrb4cv8a8dqg056pqjye')?.length).toBe(9);
    expect(decodePunycode('99999999999')).toBeUndefined();
  });
});

describe('A-labels (RFC 5891)', () => {
  it('decodes a canonical, valid A-label, and refuses one that is not', () => {
    expect(decodeALabel('xn--exmple-cua')).toEqual(codePoints('ex\u00e4mple'));
    expect(decodeALabel('xn--example')).toBeUndefined();
    expect(isValidULabel(codePoints('ex\u00e4mple'))).toBe(true);
    expect(isValidULabel(codePoints('example'))).toBe(false);
    expect(isValidULabel(codePoints('-\u00e4'))).toBe(false);
  });
});

describe('the bidi rule (RFC 5893)', () => {
  it('holds for left-to-right names and for a right-to-left label of right-to-left characters', () => {
    expect(satisfiesBidiRule([codePoints('example'), codePoints('com')])).toBe(true);
    expect(satisfiesBidiRule([codePoints('\u05d0\u05d1'), codePoints('com')])).toBe(true);
    expect(satisfiesBidiRule([codePoints('\u05d0a')])).toBe(false);
  });
});
