/**
 * `npm run codegen -- --check` through the npm script's entry (codegen/output/npm-entry.mjs): after a finished run,
 * an unchanged check is answered from the run cache, without the parser; any changed byte sends it to the full run,
 * which decides: a comment-only edit is still up to date (and recorded again), an edited referenced schema is stale.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../codegen/output/run-cache.mjs';

const run = promisify(execFile);
const ENTRY = path.resolve('codegen/output/npm-entry.mjs');
const FAST = 'sources unchanged since the last run';
const project = mkdtempSync(path.join(tmpdir(), 'codegen-fast-check-'));
const ARGS = [
  '--runtime',
  '@mlx-serving/distributed/contract',
  '--config-schema',
  'schemas/cluster-config.schema.json',
  '--config-docs',
  'docs/configuration.md',
];

/** Runs the npm script's entry in the project, as `npm run codegen -- <args>` would. */
const codegen = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(process.execPath, [ENTRY, ...ARGS, ...args], { cwd: project }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    },
  );

/** A run is only recorded when its sources are older than the settling time. */
const settle = (): Promise<void> => sleep(SETTLE_MS + 200);
/** What the first (writing) run printed on stderr: its warnings. */
let firstWarnings = '';

beforeAll(async () => {
  cpSync('asyncapi.yaml', path.join(project, 'asyncapi.yaml'));
  cpSync('schemas', path.join(project, 'schemas'), { recursive: true });
  mkdirSync(path.join(project, 'node_modules'));
  await settle();
  const first = await codegen([]);
  expect(first.code, first.stderr).toBe(0);
  firstWarnings = first.stderr;
}, 60_000);
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('npm run codegen -- --check', () => {
  it('answers an unchanged check from the run cache, with the warnings of the recorded run', async () => {
    const fast = await codegen(['--check']);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toContain(FAST);
    expect(fast.stdout).toMatch(/7 files up to date/);
    // The runtime package is not installed in the project: the recorded run warned, and so does its answer.
    expect(firstWarnings).toContain('@mlx-serving/distributed');
    expect(fast.stderr).toBe(firstWarnings);
  }, 60_000);

  it('--strict fails an answer from the cache on the recorded warnings, as the full run would', async () => {
    const strict = await codegen(['--check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(FAST);
    expect(strict.stderr).toBe(
      `${firstWarnings}codegen --strict: ${String(firstWarnings.trim().split('\n').length)} warning(s) above; fix them (or set a contract rule's severity: docs/codegen.md#contract-rules)\n`,
    );
  }, 60_000);

  it('sends a comment-only edit to the full run, which finds the output up to date and records the new bytes', async () => {
    const spec = path.join(project, 'asyncapi.yaml');
    writeFileSync(spec, `# A comment changes no output.\n${readFileSync(spec, 'utf8')}`);
    await settle();
    const full = await codegen(['--check']);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).not.toContain(FAST);
    expect(full.stdout).toMatch(/7 files up to date/);
    expect((await codegen(['--check'])).stdout).toContain(FAST);
  }, 60_000);

  it('finds the output stale after an edit of a referenced schema file', async () => {
    const schema = path.join(project, 'schemas', 'hardware-profile.json');
    const value = JSON.parse(readFileSync(schema, 'utf8')) as { properties: Record<string, unknown> };
    value.properties.rackSlot = { type: 'string', description: 'Where the machine sits.' };
    writeFileSync(schema, JSON.stringify(value, null, 2));
    const stale = await codegen(['--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).not.toContain(FAST);
    expect(stale.stderr).toContain(path.join('generated', 'schemas.ts'));
  }, 60_000);

  it('finds the output stale under another flag, though the sources did not change', async () => {
    const other = await codegen(['--check', '--runtime', '../src/contract/index.js']);
    expect(other.code).toBe(1);
    expect(other.stdout).not.toContain(FAST);
  }, 60_000);
});
