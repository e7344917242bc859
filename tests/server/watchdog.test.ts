/**
 * The orphan guard on its own, with `sleep` standing in for nats-server. The end-to-end proof (a parent that is
 * killed) is in embedded-orphan.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardServer, terminateGuardedServers } from '../../src/server/watchdog.js';
import { isProcessAlive, waitForProcessGone } from '../helpers/processes.js';

let scratch: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'embedded-watchdog-'));
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

function standIn(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null>; configFile: string } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  const configFile = join(scratch, `nats-${child.pid ?? 0}.conf`);
  writeFileSync(configFile, 'secret', { mode: 0o600 });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => {
      resolve(signal);
    }),
  );
  return { child, exited, configFile };
}

describe('guardServer', () => {
  it('starts a watchdog that lives while guarded and is killed on release (the server is left alone)', async () => {
    const { child, configFile } = standIn();
    const guard = guardServer(child, configFile, scratch);
    expect(guard.watchdogPid).toBeGreaterThan(0);
    expect(isProcessAlive(guard.watchdogPid!)).toBe(true);
    guard.release();
    guard.release();
    expect(await waitForProcessGone(guard.watchdogPid!, 2000)).toBe(true);
    expect(isProcessAlive(child.pid!)).toBe(true);
    expect(existsSync(configFile)).toBe(true);
  });

  it('release() after the watchdog already died is harmless', async () => {
    const { child, configFile } = standIn();
    const guard = guardServer(child, configFile, scratch);
    process.kill(guard.watchdogPid!, 'SIGKILL');
    expect(await waitForProcessGone(guard.watchdogPid!, 2000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => {
      guard.release();
    }).not.toThrow();
    expect(isProcessAlive(child.pid!)).toBe(true);
  });

  it('the exit hook terminates every guarded server and deletes its config file', async () => {
    const a = standIn();
    const b = standIn();
    const guards = [guardServer(a.child, a.configFile, scratch), guardServer(b.child, b.configFile, scratch)];
    rmSync(b.configFile); // already gone: the hook must not trip over it
    terminateGuardedServers();
    expect(await a.exited).toBe('SIGTERM');
    expect(await b.exited).toBe('SIGTERM');
    expect(existsSync(a.configFile)).toBe(false);
    // A second run finds them dead and does not throw.
    expect(() => {
      terminateGuardedServers();
    }).not.toThrow();
    for (const guard of guards) guard.release();
  });
});
