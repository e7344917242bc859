/**
 * `npm start` (scripts/walkthrough.ts) as a user runs it: a full run against an external server prints the report
 * and the dashboard's URL and exits 0; a controller-only node runs every simulated Mac itself; the final worker table
 * counts the requests handled; server warnings are readable lines, said once and only where they apply; Ctrl-C
 * during an embedded run shuts down cleanly and leaves no nats-server behind; `--serve` keeps the cluster running
 * with a trickle of requests that its dashboard shows, until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverVersionWarnings } from '../../src/base/server-version.js';
import type { DashboardSnapshot } from '../../src/cluster/dashboard/views.js';
import { SIMULATED_TOKENS } from '../../src/cluster/engines/simulated.js';
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
function runWalkthrough(
  args: string[],
  onOutput?: (stdout: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
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
      probe.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

/** The rows of the last worker table printed: chip and the `handled` count of each worker. */
function finalWorkers(stdout: string): { chip: string; handled: number }[] {
  const table = stdout.slice(stdout.lastIndexOf('worker    address')).split('\n\n')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .map((row) => ({ chip: /Apple M\d \w+/.exec(row)?.[0] ?? '', handled: Number(row.trim().split(/\s+/).at(-1)) }));
}

const ADVISORY = 'no-auth-user-route-bypass';

describe('npm start walkthrough', () => {
  it('runs end to end against an external server: worker table, five streamed requests, p50/p99, clean exit', async () => {
    const config = join(dir, 'external.yaml');
    writeFileSync(config, `cluster:\n  mode: dual\n  nats:\n    mode: external\n    server_url: ${server.url}\n`);
    const run = await runWalkthrough(['--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ {3}dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(workers, requests and charts, live; npm start -- --serve keeps the cluster running to watch it\)$/m,
    );
    expect(run.stdout).toMatch(/worker\s+address\s+chip/);
    expect(run.stdout).toContain('Apple M2 Ultra');
    expect(run.stdout.match(/^ {3}[0-9a-f]{8} done: "NATS carries every token/gm)).toHaveLength(5);
    // Each request asks for 12 tokens of the simulated answer.
    const tokens = 5 * Math.min(12, SIMULATED_TOKENS.length);
    expect(run.stdout).toMatch(new RegExp(`5 requests, ${tokens} tokens streamed; latency p50 [\\d.]+ ms, p99 [\\d.]+ ms`));
    // The same cluster over HTTP: one streamed chat completion of 8 tokens, then the chunk that says why it ended.
    expect(run.stdout).toMatch(/OpenAI-compatible HTTP API \(http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(run.stdout).toMatch(/^ {3}200 9 events, x-mlx-worker [0-9a-f]{8}: "NATS carries every token from the worker to"$/m);
    // The table at the end counts the five requests (not the heartbeats sent before them).
    expect(finalWorkers(run.stdout).reduce((sum, w) => sum + w.handled, 0)).toBe(5);
    // Library warnings are lines of the report, not JSON; the server's config is not visible: a hint, once.
    expect(run.stdout).not.toContain('{"level"');
    const hints = run.stdout.split('\n').filter((line) => line.includes(ADVISORY));
    const affected = serverVersionWarnings(server.server.getVersion()).some((w) => w.includes(ADVISORY));
    expect(hints).toHaveLength(affected ? 1 : 0);
    for (const hint of hints) expect(hint).toMatch(/^ {3}! warning: nats-server .* matters only if the server's config sets no_auth_user/);
    expect(run.stdout).toMatch(/done: workers drained, connections closed\.\n$/);
  });

  it('a controller-only node: the walkthrough runs all three simulated Macs itself, and says the embedded server stopped', async () => {
    const [port, httpPort] = [await freePort(), await freePort()];
    const config = join(dir, 'controller.yaml');
    writeFileSync(config, `cluster:\n  mode: controller\n  nats:\n    mode: embedded\n    embedded:\n      port: ${port}\n      http_port: ${httpPort}\n`);
    const run = await runWalkthrough(['--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Three simulated Macs join');
    const workers = finalWorkers(run.stdout);
    expect(workers.map((w) => w.chip).sort()).toEqual(['Apple M1 Pro', 'Apple M2 Ultra', 'Apple M3 Max']);
    expect(workers.reduce((sum, w) => sum + w.handled, 0)).toBe(5);
    expect(run.stdout.match(/^ {3}[0-9a-f]{8} done: "NATS carries every token/gm)).toHaveLength(5);
    // This package's embedded server never sets no_auth_user: the advisory does not apply, so it is not said.
    expect(run.stdout).not.toContain(ADVISORY);
    expect(run.stdout).toMatch(/done: workers drained, connections closed, embedded server stopped\.\n$/);
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

  it('--serve keeps the cluster running with a trickle of requests that the dashboard shows, until Ctrl-C', async () => {
    const config = join(dir, 'serve.yaml');
    writeFileSync(config, `cluster:\n  mode: dual\n  nats:\n    mode: external\n    server_url: ${server.url}\n`);
    const seen: { workers: number; online: number; requests: number }[] = [];
    let serving = false;
    const run = await runWalkthrough(['--config', config, '--serve'], (stdout, child) => {
      if (serving || !stdout.includes('7. Serving until Ctrl-C')) return;
      serving = true;
      const url = /^ {3}dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(stdout)?.[1] ?? '';
      void (async () => {
        // The trickle goes on: the dashboard's JSON counts more requests a little later.
        for (let i = 0; i < 2; i++) {
          const snapshot = (await (await fetch(`${url}api/cluster`)).json()) as DashboardSnapshot;
          seen.push({
            workers: snapshot.workers.length,
            online: snapshot.totals.workers.online + snapshot.totals.workers.busy,
            requests: snapshot.totals.requests,
          });
          await new Promise((resolve) => setTimeout(resolve, 2500));
        }
        child.kill('SIGINT');
      })();
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ workers: 3, online: 3 });
    // Six requests before serving (five, and one over HTTP), then more while it serves.
    expect(seen[0]!.requests).toBeGreaterThanOrEqual(6);
    expect(seen[1]!.requests).toBeGreaterThan(seen[0]!.requests);
    expect(run.stdout).toMatch(/^ {3}\(HTTP API http:\/\/127\.0\.0\.1:\d+\/v1, metrics http:\/\/127\.0\.0\.1:\d+\/metrics\)$/m);
    expect(run.stdout).toMatch(/^ {3}\d+ requests sent while serving\.$/m);
    expect(run.stdout).not.toContain('Interrupted');
    expect(run.stdout).toMatch(/8\. Draining and shutting down\.\.\.\n {3}done: workers drained, connections closed\.\n$/);
  });
});
