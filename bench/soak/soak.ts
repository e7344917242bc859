/**
 * The soak: a controller in this process and worker processes on a NATS cluster on loopback, first quiet, then
 * under chaos: a random worker SIGKILLed and started again under the same id every few seconds, and once the
 * controller's own NATS node killed and started again. Every request's text is checked against what the simulated
 * engine must produce; a request not finished by its deadline is hung (and cancelled). The report says what
 * happened to each request, whether every lost attempt names a worker that was really killed, the latency with and
 * without chaos, and the controller's RSS before and after.
 *
 * Used by `npm run bench -- --soak` (the long run) and by tests/cluster/soak.test.ts (a bounded one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NatsClient } from '../../src/client/client.js';
import type { Logger } from '../../src/base/logger.js';
import { Controller, type ControllerStream } from '../../src/cluster/controller.js';
import { simulatedText } from '../../src/cluster/engines/simulated.js';
import type { InferAttempt } from '../../src/cluster/inference-observer.js';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { percentile } from '../lib/stats.js';

/** What to run. */
export interface SoakOptions {
  /** Requests of the chaos phase. */
  requests: number;
  /** Requests of the quiet phase before it (the reference latency). */
  quietRequests: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** Worker processes. */
  workers: number;
  /** Tokens per request, and the time before each. */
  tokens: number;
  tokenDelayMs: number;
  /** NATS nodes (1, or a cluster). */
  natsNodes: number;
  /** A worker is killed every `killEveryMs[0]` to `killEveryMs[1]` ms during the chaos phase. */
  killEveryMs: readonly [number, number];
  /** Kill the controller's NATS node once, midway (needs natsNodes > 1). */
  killNatsNode: boolean;
  heartbeatIntervalMs: number;
  offlineTimeoutMs: number;
  /** A request not finished after this long is hung. */
  requestDeadlineMs: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** The controller's logger (default: silent). */
  logger?: Logger;
}

/** Latency percentiles of one phase, in ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What the soak saw. */
export interface SoakReport {
  options: Omit<SoakOptions, 'log' | 'logger'>;
  requests: number;
  completed: number;
  /** Failed requests by error class. */
  failures: Record<string, number>;
  /** The attempts of each failed request (worker outcome lists). */
  failedAttempts: string[][];
  hung: number;
  wrongText: number;
  /** Attempts that ended `moved` (the request went on elsewhere). */
  moves: number;
  /** Moves and losses by why. */
  movesByWhy: Record<string, number>;
  /** Attempts whose tokens were lost on the way (a gap), after which the request went on elsewhere. */
  gaps: number;
  /** Lost or moved attempts naming a worker that was not killed during the request. */
  healthyDropped: string[];
  workerKills: number;
  natsNodeKilled: boolean;
  quiet: LatencySummary;
  chaos: LatencySummary;
  rssStartMB: number;
  rssEndMB: number;
  durationMs: number;
}

/** `npm run bench -- --soak`: the long run. */
export const FULL_SOAK: SoakOptions = {
  requests: 400,
  quietRequests: 100,
  concurrency: 20,
  workers: 4,
  tokens: 20,
  tokenDelayMs: 50,
  natsNodes: 3,
  killEveryMs: [3000, 5000],
  killNatsNode: true,
  heartbeatIntervalMs: 500,
  offlineTimeoutMs: 2000,
  requestDeadlineMs: 60_000,
};

/** `--soak --quick` and the test suite: 100 requests on 2 worker processes and one NATS node. */
export const QUICK_SOAK: SoakOptions = {
  ...FULL_SOAK,
  requests: 100,
  quietRequests: 30,
  concurrency: 8,
  workers: 2,
  natsNodes: 1,
  killEveryMs: [2000, 3000],
  killNatsNode: false,
};

const CHILD = fileURLToPath(new URL('../children/soak-worker.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number): number => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** One request's result. */
interface Outcome {
  startedAt: number;
  endedAt: number;
  result: 'completed' | 'failed' | 'hung' | 'wrong';
  errorClass?: string;
  attempts: readonly InferAttempt[];
}

/** Runs the soak; always stops every process it started. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const began = performance.now();
  const nats = await startNats(options.natsNodes);
  const workers = new WorkerProcesses(nats.urls(), options);
  const client = new NatsClient();
  let registry: WorkerRegistry | undefined;
  try {
    await client.connect({ mode: 'external', servers: nats.urls(), name: 'soak-controller', maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    registry = new WorkerRegistry(client, { heartbeatIntervalMs: options.heartbeatIntervalMs, offlineTimeoutMs: options.offlineTimeoutMs });
    await registry.start();
    const controller = new Controller(client, registry, { strategy: 'least_loaded', logger: options.logger });
    await workers.startAll();
    const online = registry;
    await waitUntil(() => online.workers().filter((w) => w.state !== 'offline').length === options.workers, 15_000, 'every worker online');
    log(`${options.workers} workers online on ${options.natsNodes} NATS node(s); quiet phase: ${options.quietRequests} requests`);

    const quiet = await runRequests(controller, options.quietRequests, options);
    gc();
    const rssStart = process.memoryUsage().rss;
    log(
      `chaos phase: ${options.requests} requests, a worker killed every ${options.killEveryMs.join('-')} ms${options.killNatsNode ? ', the controller NATS node once' : ''}`,
    );
    let natsNodeKilled = false;
    const chaos = new Chaos(workers, log);
    const running = runRequests(controller, options.requests, options, (done) => {
      if (!options.killNatsNode || natsNodeKilled || done < options.requests / 2) return;
      natsNodeKilled = true;
      void nats.restartNodeOf('soak-controller', log);
    });
    const chaosLoop = chaos.run(options.killEveryMs);
    const loud = await running;
    await chaos.stop(chaosLoop);
    gc();
    const rssEnd = process.memoryUsage().rss;

    const failures: Record<string, number> = {};
    const failedAttempts: string[][] = [];
    const movesByWhy: Record<string, number> = {};
    const healthyDropped: string[] = [];
    let moves = 0;
    let gaps = 0;
    for (const outcome of loud) {
      if (outcome.result === 'failed') {
        const name = outcome.errorClass ?? 'Error';
        failures[name] = (failures[name] ?? 0) + 1;
        failedAttempts.push(outcome.attempts.map((a) => `${a.workerId.slice(-2)} ${a.outcome}${a.detail === undefined ? '' : ` (${a.detail})`}`));
      }
      for (const attempt of outcome.attempts) {
        if (attempt.outcome === 'gap') gaps += 1;
        if (attempt.outcome !== 'moved' && attempt.outcome !== 'lost') continue;
        if (attempt.outcome === 'moved') moves += 1;
        const why = (attempt.detail ?? '?').replace(/\d+ ms/, 'N ms');
        movesByWhy[why] = (movesByWhy[why] ?? 0) + 1;
        if (!chaos.killedDuring(attempt.workerId, outcome.startedAt, outcome.endedAt)) healthyDropped.push(`${attempt.workerId}: ${attempt.detail ?? '?'}`);
      }
    }
    const shown: Partial<SoakOptions> = { ...options };
    delete shown.log;
    delete shown.logger;
    return {
      options: shown as SoakReport['options'],
      requests: loud.length,
      completed: loud.filter((o) => o.result === 'completed').length,
      failures,
      failedAttempts,
      hung: loud.filter((o) => o.result === 'hung').length,
      wrongText: loud.filter((o) => o.result === 'wrong').length,
      moves,
      movesByWhy,
      gaps,
      healthyDropped,
      workerKills: chaos.kills.length,
      natsNodeKilled,
      quiet: summarize(quiet),
      chaos: summarize(loud),
      rssStartMB: mb(rssStart),
      rssEndMB: mb(rssEnd),
      durationMs: Math.round(performance.now() - began),
    };
  } finally {
    await registry?.stop().catch(() => undefined);
    await client.disconnect().catch(() => undefined);
    workers.killAll();
    await nats.stop();
  }
}

/** The report as text. */
export function renderSoakReport(report: SoakReport): string {
  const o = report.options;
  const pct = (n: number): string => `${((n / Math.max(1, report.requests)) * 100).toFixed(1)}%`;
  const lat = (l: LatencySummary): string => `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (${l.count} requests)`;
  const budget = report.quiet.p99 + o.offlineTimeoutMs + o.heartbeatIntervalMs;
  return [
    `soak: ${o.workers} worker processes, ${o.natsNodes} NATS node(s), ${report.requests} requests of ${o.tokens} tokens (${o.tokenDelayMs} ms apart), at most ${o.concurrency} in flight`,
    `  chaos: ${report.workerKills} worker kills (restarted under the same id), NATS node of the controller killed: ${report.natsNodeKilled ? 'yes' : 'no'}`,
    `  completed ${report.completed} (${pct(report.completed)}), hung ${report.hung}, wrong text ${report.wrongText}`,
    `  failed by class: ${JSON.stringify(report.failures)}${report.failedAttempts.length > 0 ? `; attempts: ${JSON.stringify(report.failedAttempts)}` : ''}`,
    `  moves ${report.moves}; moves and losses by why: ${JSON.stringify(report.movesByWhy)}; streams resumed after tokens were lost on the way: ${report.gaps}`,
    `  lost attempts naming a worker that was not killed: ${report.healthyDropped.length}${report.healthyDropped.length > 0 ? ` ${JSON.stringify(report.healthyDropped)}` : ''}`,
    `  latency quiet: ${lat(report.quiet)}`,
    `  latency chaos: ${lat(report.chaos)}; budget (quiet p99 + offline_timeout ${o.offlineTimeoutMs} ms + heartbeat ${o.heartbeatIntervalMs} ms): ${budget.toFixed(0)} ms, ${report.chaos.p99 <= budget ? 'met' : 'NOT MET'}`,
    `  controller RSS: ${report.rssStartMB} MB at the start of the chaos phase, ${report.rssEndMB} MB at the end (${(report.rssEndMB - report.rssStartMB).toFixed(1)} MB)`,
    `  ran ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/** Sends `count` requests, `concurrency` at a time; `progress` hears the number finished after each one. */
async function runRequests(controller: Controller, count: number, options: SoakOptions, progress?: (done: number) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const expected = simulatedText(options.tokens);
  const one = async (i: number): Promise<Outcome> => {
    const startedAt = performance.now();
    // Set from callbacks, read after awaits: one object, so that neither the compiler nor a reader assumes them fixed.
    const state: { stream: ControllerStream | undefined; hung: boolean } = { stream: undefined, hung: false };
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          state.hung = true;
          reject(new Error('deadline'));
        }, options.requestDeadlineMs);
      });
      const work = (async () => {
        const stream = await controller.infer({ requestId: randomUUID(), modelId: 'soak', prompt: `soak ${i}`, maxTokens: options.tokens });
        state.stream = stream;
        let text = '';
        for await (const event of stream) {
          if (event.type === 'token') text += event.token;
          else if (event.type === 'error') throw new Error(`worker error ${event.code}`);
        }
        return text;
      })();
      const text = await Promise.race([work, deadline]);
      return { startedAt, endedAt: performance.now(), result: text === expected ? 'completed' : 'wrong', attempts: state.stream?.attempts ?? [] };
    } catch (error) {
      if (state.hung) await state.stream?.cancel().catch(() => undefined);
      const errorClass = error instanceof Error ? error.constructor.name : 'Error';
      options.log?.(`request ${i} ${state.hung ? 'hung' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`);
      return { startedAt, endedAt: performance.now(), result: state.hung ? 'hung' : 'failed', errorClass, attempts: state.stream?.attempts ?? [] };
    } finally {
      clearTimeout(timer);
    }
  };
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      outcomes.push(await one(i));
      progress?.(outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, options.concurrency) }, lane));
  return outcomes;
}

function summarize(outcomes: readonly Outcome[]): LatencySummary {
  const sorted = outcomes.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
}

/** The worker processes, by id, each started again under its id when killed. */
class WorkerProcesses {
  readonly ids: string[];
  private readonly children = new Map<string, ChildProcess>();

  constructor(
    private readonly urls: readonly string[],
    private readonly options: SoakOptions,
  ) {
    this.ids = Array.from({ length: options.workers }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
  }

  async startAll(): Promise<void> {
    await Promise.all(this.ids.map((id) => this.start(id)));
  }

  /** SIGKILLs the worker's process and starts it again; resolves once the new one registered. */
  async restart(id: string): Promise<void> {
    this.children.get(id)?.kill('SIGKILL');
    await this.start(id);
  }

  killAll(): void {
    for (const child of this.children.values()) child.kill('SIGKILL');
  }

  private async start(id: string): Promise<void> {
    const { heartbeatIntervalMs, tokenDelayMs, concurrency, workers } = this.options;
    // Room for every request on the workers left when one is down.
    const maxConcurrent = Math.max(4, Math.ceil(concurrency / Math.max(1, workers - 1)));
    // Each worker prefers another node than the controller, so tokens cross the cluster's routes.
    const at = this.ids.indexOf(id) + 1;
    const urls = [...this.urls.slice(at % this.urls.length), ...this.urls.slice(0, at % this.urls.length)];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, urls.join(','), id, String(heartbeatIntervalMs), String(tokenDelayMs), String(maxConcurrent)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.children.set(id, child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('exit', (code, signal) => {
        reject(new Error(`soak worker ${id} exited (${String(code ?? signal)}) before it was ready: ${err.slice(-500)}`));
      });
    });
  }
}

/** Kills and restarts random workers until stopped, remembering when each was killed. */
class Chaos {
  readonly kills: { workerId: string; at: number }[] = [];
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly workers: WorkerProcesses,
    private readonly log: (line: string) => void,
  ) {}

  async run([min, max]: readonly [number, number]): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, min + Math.random() * (max - min));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.isStopped()) return;
      const id = this.workers.ids[Math.floor(Math.random() * this.workers.ids.length)] ?? '';
      this.kills.push({ workerId: id, at: performance.now() });
      this.log(`kill -9 worker ${id.slice(-2)} and start it again under the same id`);
      await this.workers.restart(id);
    }
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  async stop(loop: Promise<void>): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await loop;
  }

  /** Whether `workerId` was killed between `from` and `to` (performance.now() times). */
  killedDuring(workerId: string, from: number, to: number): boolean {
    return this.kills.some((k) => k.workerId === workerId && k.at >= from && k.at <= to);
  }
}

/** A NATS cluster on loopback whose nodes can be killed and started again. */
interface SoakNats {
  urls(): string[];
  /** Kills the node the named connection is on (SIGKILL), and starts it again on the same port a second later. */
  restartNodeOf(connectionName: string, log: (line: string) => void): Promise<void>;
  stop(): Promise<void>;
}

async function startNats(nodes: number): Promise<SoakNats> {
  const name = `soak-${randomBytes(3).toString('hex')}`;
  const servers: EmbeddedNatsServer[] = [];
  const clustered = nodes > 1;
  const first = new EmbeddedNatsServer();
  servers.push(first);
  await first.start({ port: 0, httpPort: 0, serverName: `${name}-n1`, ...(clustered ? { cluster: { name, port: 0 } } : {}) });
  const route = (server: EmbeddedNatsServer): string => `nats-route://127.0.0.1:${server.getClusterPort() ?? 0}`;
  for (let i = 2; i <= nodes; i++) {
    const server = new EmbeddedNatsServer();
    servers.push(server);
    await server.start({ port: 0, httpPort: 0, serverName: `${name}-n${i}`, cluster: { name, port: 0, routes: [route(first)] } });
  }
  if (clustered) await waitUntil(async () => (await Promise.all(servers.map((s) => routesOf(s)))).every((n) => n === nodes - 1), 10_000, 'the NATS mesh');
  const urls = servers.map((s) => s.getUrl());
  return {
    urls: () => urls,
    async restartNodeOf(connectionName, log) {
      const at = (await Promise.all(servers.map((s) => hasConnection(s, connectionName)))).indexOf(true);
      const victim = servers[at];
      const survivor = servers.find((s) => s !== victim);
      if (victim === undefined || survivor === undefined) return;
      const port = Number(new URL(urls[at] ?? '').port);
      log(`kill -9 NATS node ${at + 1} (the controller's)`);
      process.kill(victim.getPid() ?? 0, 'SIGKILL');
      await sleep(1000);
      const again = new EmbeddedNatsServer();
      servers[at] = again;
      await again.start({ port, httpPort: 0, serverName: `${name}-n${at + 1}b`, cluster: { name, port: 0, routes: [route(survivor)] } });
      log(`NATS node ${at + 1} started again on port ${port}`);
    },
    async stop() {
      await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    },
  };
}

async function monitorJson(server: EmbeddedNatsServer, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${server.getHttpPort() ?? 0}${path}`);
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function routesOf(server: EmbeddedNatsServer): Promise<number> {
  return Number((await monitorJson(server, '/routez'))?.num_routes ?? -1);
}

async function hasConnection(server: EmbeddedNatsServer, name: string): Promise<boolean> {
  const connz = await monitorJson(server, '/connz?limit=1024');
  const connections = (connz?.connections ?? []) as { name?: string }[];
  return connections.some((c) => c.name === name);
}

async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`soak: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
