/**
 * The docs command (codegen/docs/command.ts) in process, as `mlx-codegen docs` and `npm run docs` run it: --help,
 * a wrong option (2), --check on a stale and an up-to-date reference, a build that says what it built and the notes
 * about releases, and --serve until it is told to stop.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDocsCommand } from '../../codegen/docs/command.js';
import { version, write } from '../codegen/evolution/fixture.js';

let dir: string;
let contract: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docs-command-'));
  contract = write(version('1.0.0'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function captured(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out.push(args.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    err.push(args.join(' '));
  });
  return { out, err };
}

describe('runDocsCommand', () => {
  it('--help prints the usage with the command as typed (0); a wrong option prints it on stderr (2)', async () => {
    const io = captured();
    expect(await runDocsCommand(['--help'], { command: 'npm run docs' })).toBe(0);
    expect(io.out[0]).toMatch(/^Usage: npm run docs -- \[--check\]/);
    expect(await runDocsCommand(['--serve', '--check'], { command: 'mlx-codegen docs' })).toBe(2);
    expect(io.err[0]).toMatch(/cannot be combined[\s\S]*Usage: mlx-codegen docs/);
  });

  it('builds the site, says how many versions and changelogs, and passes --check afterwards; a stale reference fails --check', async () => {
    const out = path.join(dir, 'build');
    const markdown = path.join(out, 'asyncapi.md');
    const io = captured();
    expect(await runDocsCommand(['--input', contract, '--out', out], { command: 'mlx-codegen docs' })).toBe(0);
    expect(io.out.at(-1)).toBe(`docs: 1 version(s) (1.0.0 (working tree)), 0 changelog(s) in ${out}`);
    // Outside a git repository there are no tags: a note says so.
    expect(io.err).toEqual([expect.stringMatching(/^docs: note: no released versions: cannot list the git tags contract-v\*/)]);
    expect(await readFile(markdown, 'utf8')).toContain(
      '> Generated from the AsyncAPI contract by `mlx-codegen docs`; do not edit by hand. `mlx-codegen docs --check` fails',
    );
    expect(await runDocsCommand(['--check', '--input', contract, '--markdown', markdown], { command: 'mlx-codegen docs' })).toBe(0);
    await writeFile(markdown, 'old\n');
    expect(await runDocsCommand(['--check', '--input', contract, '--markdown', markdown], { command: 'mlx-codegen docs' })).toBe(1);
    expect(io.err.at(-1)).toMatch(/asyncapi\.md is out of date with .*asyncapi\.yaml: run `mlx-codegen docs` and commit it\.$/);
  });

  it('an invalid contract stops it with each problem located (1)', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'asyncapi: 3.0.0\ninfo:\n  title: Broken\n  version: [1.0.0\n');
    const io = captured();
    expect(await runDocsCommand(['--input', bad, '--out', path.join(dir, 'bad')], { command: 'mlx-codegen docs' })).toBe(1);
    expect(io.err[0]).toMatch(
      /^mlx-codegen docs: The AsyncAPI document .*bad\.yaml is not valid \(1 error\(s\)\); fix these and run again:\n {2}.*bad\.yaml:\d+:\d+: /,
    );
  });

  it('--serve serves the site until told to stop', async () => {
    const io = captured();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const serving = runDocsCommand(['--serve', '--port', '0', '--input', contract, '--out', path.join(dir, 'served')], {
      command: 'mlx-codegen docs',
      stopSignal: () => stopped,
    });
    await vi.waitFor(
      () => {
        expect(io.out.some((l) => l.startsWith('Serving the AsyncAPI docs at '))).toBe(true);
      },
      { timeout: 30_000 },
    );
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(io.out.find((l) => l.startsWith('Serving')) ?? '')?.[1] ?? '';
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="mlx-version-select"');
    stop();
    expect(await serving).toBe(0);
    expect(io.out.at(-1)).toBe('Stopped the docs server.');
  }, 60_000);
});
