/**
 * `npm start` (scripts/walkthrough.ts) as a user runs it: a full run against an external server prints the report
 * and exits 0; Ctrl-C during an embedded run shuts down cleanly and leaves no nats-server behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { isProcessAlive, waitForProcessGone } from '../helpers/processes.js';

let dir: string;
let server: TestNatsServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
  server = await startNatsServer();
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the walkthrough with `args`; `onOutput` sees stdout as it grows. Resolves with its exit and output. */
function runWalkthrough(args: string[], onOutput?: (stdout: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/walkthrough.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The pid of the nats-server the process `parent` started, from /proc. */
function natsServerChildOf(parent: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^Name:\s+nats-server$/m.test(status) && new RegExp(`^PPid:\\s+${parent}$`, 'm').test(status)) return Number(entry);
    } catch {
      // The process went away while we looked.
    }
  }
  return undefined;
}

/** A port that was free a moment ago (the walkthrough's config needs real port numbers >= 1024). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
}

describe('npm start walkthrough', () => {
  it('runs end to end against an external server: worker table, five streamed requests, p50/p99, clean exit', async () => {
    const config = join(dir, 'external.yaml');
    writeFileSync(config, `cluster:\n  mode: dual\n  nats:\n    mode: external\n    server_url: ${server.url}\n`);
    const run = await runWalkthrough(['--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/worker\s+address\s+chip/);
    expect(run.stdout).toContain('Apple M2 Ultra');
    expect(run.stdout.match(/^ {3}[0-9a-f]{8} done: "NATS carries every token/gm)).toHaveLength(5);
    expect(run.stdout).toMatch(/5 requests, 80 tokens streamed; latency p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(run.stdout).toContain('done: connection drained and closed');
  });

  it('Ctrl-C during an embedded run shuts down cleanly and leaves no nats-server behind', async () => {
    const [port, httpPort] = [await freePort(), await freePort()];
    const config = join(dir, 'embedded.yaml');
    writeFileSync(config, `cluster:\n  mode: dual\n  nats:\n    mode: embedded\n    embedded:\n      port: ${port}\n      http_port: ${httpPort}\n`);
    let serverPid: number | undefined;
    let interrupted = false;
    const run = await runWalkthrough(['--config', config], (stdout, child) => {
      if (!interrupted && stdout.includes('connected to')) {
        interrupted = true;
        serverPid = natsServerChildOf(child.pid ?? -1);
        child.kill('SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(serverPid).toBeGreaterThan(0);
    expect(run.stdout).toContain('Interrupted: shutting down cleanly');
    expect(run.code).toBe(130);
    expect(await waitForProcessGone(serverPid!, 5000)).toBe(true);
    expect(isProcessAlive(serverPid!)).toBe(false);
  });
});
