/**
 * Formatting of generated TypeScript: on the worker thread (format-worker.ts, started with tsx's loader registered
 * in it) and through the same prettier setup in-process, with the fixed options whatever the caller's config.
 */
import { describe, expect, it } from 'vitest';
import { answer } from '../../../codegen/output/format-worker.js';
import { formatTypeScript } from '../../../codegen/output/format.js';
import { loadPrettier } from '../../../codegen/output/prettier.js';

const SOURCE = 'export const a = {b: "c", d: [1,2,3]}\nexport function f(x:number){return x}';
const FORMATTED = "export const a = { b: 'c', d: [1, 2, 3] };\nexport function f(x: number) {\n  return x;\n}\n";

describe('formatTypeScript', () => {
  it('formats with the fixed options on the worker', async () => {
    expect(await formatTypeScript(SOURCE)).toBe(FORMATTED);
  });

  it('matches each answer to its request when many are in flight', async () => {
    const sources = Array.from({ length: 8 }, (_, i) => `export const v${String(i)} = ${String(i)}`);
    expect(await Promise.all(sources.map((s) => formatTypeScript(s)))).toEqual(sources.map((s) => `${s};\n`));
  });

  it('rejects code prettier cannot parse, naming the problem', async () => {
    await expect(formatTypeScript('export const = ;')).rejects.toThrow(/^prettier failed on generated code: /);
    // The worker keeps answering after a failed request.
    expect(await formatTypeScript(SOURCE)).toBe(FORMATTED);
  });

  it('formats a text it formatted recently once (--watch runs repeat most modules), but retries a failure', async () => {
    const code = 'export const once = {a:1}';
    const first = formatTypeScript(code);
    expect(formatTypeScript(code)).toBe(first);
    expect(await first).toBe('export const once = { a: 1 };\n');
    const failed = formatTypeScript('export const = 1;');
    await expect(failed).rejects.toThrow(/prettier failed/);
    expect(formatTypeScript('export const = 1;')).not.toBe(failed);
    await expect(formatTypeScript('export const = 1;')).rejects.toThrow(/prettier failed/);
  });
});

describe('the worker answer, in-process', () => {
  it('returns the formatted text or the error message, with the request id', async () => {
    const prettier = loadPrettier();
    expect(await answer({ id: 1, code: SOURCE }, prettier)).toEqual({ id: 1, text: FORMATTED });
    const failed = await answer({ id: 2, code: 'export const = ;' }, prettier);
    expect(failed.id).toBe(2);
    expect(failed.text).toBeUndefined();
    expect(failed.error).toMatch(/\S/);
  });

  it('turns a prettier that did not load into an error reply', async () => {
    const missing = Promise.reject(new Error('cannot load prettier'));
    expect(await answer({ id: 3, code: SOURCE }, missing)).toEqual({ id: 3, error: 'cannot load prettier' });
    // A thrown non-Error (prettier's plugins are third-party code) is reported as its string.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    expect(await answer({ id: 4, code: SOURCE }, Promise.reject('plain'))).toEqual({ id: 4, error: 'plain' });
  });
});
