/**
 * `--watch` as a user runs it: the real CLI on a private copy of a fixture contract. A referenced schema file broken
 * and fixed again is noticed each time (also after a failed run), and the diagnostics are those of a one-shot run,
 * with the parser's hint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(path.join(tmpdir(), 'codegen-watch-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** The CLI in watch mode, with everything it prints collected in `output()`. */
function startWatch(args: string[]): { output: () => string; waitFor: (pattern: RegExp, after: number, what: string) => Promise<number>; stop: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', '--watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  /** Resolves with the end of the first match of `pattern` after offset `after`; fails after 30 s. */
  const waitFor = (pattern: RegExp, after: number, what: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const poll = (): void => {
        const match = pattern.exec(text.slice(after));
        if (match !== null) resolve(after + match.index + match[0].length);
        else if (child.exitCode !== null) reject(new Error(`the CLI exited (${String(child.exitCode)}) before ${what}:\n${text}`));
        else if (Date.now() > deadline) reject(new Error(`no ${what} within 30 s:\n${text}`));
        else setTimeout(poll, 50);
      };
      poll();
    });
  return { output: () => text, waitFor, stop: () => child.kill('SIGTERM') };
}

describe('codegen --watch', () => {
  it('regenerates after a referenced schema file is broken and fixed, printing the one-shot diagnostics', async () => {
    const dir = path.join(work, 'contract');
    cpSync('tests/fixtures/specs', dir, { recursive: true });
    const box = path.join(dir, 'schemas/box.json');
    const good = readFileSync(box, 'utf8');
    const bad = good.replace('"type": "number"', '"type": "intger"');
    const watch = startWatch(['--input', path.join(dir, 'valid.yaml'), '--output', path.join(dir, 'generated'), '--runtime', '../src/contract/index.js']);
    let at = await watch.waitFor(/codegen: watching for changes/, 0, 'watching');
    expect(watch.output()).toMatch(/codegen: 4 files, 4 changed/);

    // A problem in the referenced file: the same diagnostic, hint included, as `npm run codegen` prints.
    writeFileSync(box, bad);
    at = await watch.waitFor(/codegen: stopped, nothing written/, at, 'the diagnostic after breaking box.json');
    expect(watch.output()).toContain(
      `${box}:5:37: "type" property must be equal to one of the allowed values: "array", "boolean", "integer", "null", "number", "object", "string". Did you mean "integer"?`,
    );

    // The failed run still watches the file: fixing it regenerates.
    writeFileSync(box, good);
    at = await watch.waitFor(/codegen: 4 files, \d+ changed/, at, 'a regeneration after fixing box.json');

    // And the watch is re-armed after the successful run too.
    writeFileSync(box, bad);
    await watch.waitFor(/Did you mean "integer"\?[\s\S]*codegen: stopped, nothing written/, at, 'the diagnostic after breaking box.json again');
    watch.stop();
  }, 120_000);
});
