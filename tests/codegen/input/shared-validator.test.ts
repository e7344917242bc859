/**
 * The parser's document validator is compiled once per parser (shared-validator.ts) and still judges each parse by
 * its own document: a broken document after a valid one, and a valid one after a broken one, get their own answers.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_RULES, shareDocumentValidator } from '../../../codegen/input/shared-validator.js';

const FIXTURES = path.resolve('tests/fixtures/specs');

/** The error messages of one parse. */
async function errors(parser: Parser, name: string): Promise<string[]> {
  const file = path.join(FIXTURES, name);
  const output = await parser.parse(readFileSync(file, 'utf8'), { source: file });
  return output.diagnostics.filter((d) => (d.severity as number) === 0).map((d) => `${d.code}: ${d.message}`);
}

describe('shareDocumentValidator', () => {
  it('wraps both document rules of the real parser (false here means the parser changed inside)', () => {
    const parser = new Parser();
    const rules = (parser as unknown as { spectral: { ruleset: { rules: Record<string, { then: { function: unknown }[] }> } } }).spectral.ruleset.rules;
    const functions = (): unknown[] => DOCUMENT_RULES.map((name) => rules[name]?.then[0]?.function);
    const original = functions();
    expect(shareDocumentValidator(parser)).toBe(true);
    const shared = functions();
    shared.forEach((fn, i) => {
      expect(typeof fn).toBe('function');
      expect(fn).not.toBe(original[i]);
    });
    // Twice is the same as once: no wrapper around a wrapper.
    expect(shareDocumentValidator(parser)).toBe(true);
    expect(functions()).toEqual(shared);
  });

  it('gives each parse the answer an unshared parser gives, in any order', async () => {
    const shared = new Parser();
    shareDocumentValidator(shared);
    const order = ['valid.yaml', 'unknown-action.yaml', 'valid.yaml', 'unknown-action.yaml'];
    const answers: string[][] = [];
    for (const name of order) answers.push(await errors(shared, name));
    expect(answers[0]).toEqual([]);
    expect(answers[1]).toEqual(await errors(new Parser(), 'unknown-action.yaml'));
    expect(answers[1]?.some((m) => m.startsWith('asyncapi-document-resolved'))).toBe(true);
    expect(answers[2]).toEqual([]);
    expect(answers[3]).toEqual(answers[1]);
  });

  it('changes nothing on an object that is not the parser it knows', () => {
    expect(shareDocumentValidator({})).toBe(false);
    expect(shareDocumentValidator({ spectral: { ruleset: { rules: { [DOCUMENT_RULES[0]]: { then: [{ function: 1 }] } } } } })).toBe(false);
  });
});
