/**
 * Issue 7, shutdown under load: disconnect() with 10k messages in flight delivers every message published before
 * the call (counted at a second client), and a process that does this exits by itself.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const COUNT = 10_000;
const EXIT_LIMIT_MS = 15_000;

/** Runs the child script; resolves with its exit code, signal and stdout, or kills it and rejects after the limit. */
function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/shutdown-child.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit by itself within ${EXIT_LIMIT_MS} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, EXIT_LIMIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('shutdown under load', () => {
  it(`a process that calls disconnect() with ${COUNT} publishes in flight delivers all of them and exits by itself with code 0`, async () => {
    const server = await cleanup.server();
    const receiver = await cleanup.client(server.url);
    const seen = new Set<number>();
    await receiver.subscribe('shutdown.load', (m: { i: number }) => {
      seen.add(m.i);
    });

    const result = await runChild([server.url, 'shutdown.load', String(COUNT)]);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(JSON.parse(result.stdout)).toEqual({ published: COUNT, state: 'closed' });
    await waitFor(() => seen.size === COUNT, `${COUNT} distinct messages at the receiver`, 10_000);
    expect(seen.size).toBe(COUNT);
  });
});
