/**
 * What the dashboard costs the controller, and what it does at scale.
 *
 * - Tokens/s of `controller.infer` with 50 concurrent streams (simulated engine, TOKEN_DELAY_MS before each token,
 *   one worker on the run's nats-server), three ways, interleaved chunk by chunk: a controller nobody observes
 *   ("none"); the controller mlx-node runs, observed by the dashboard and the inference metrics but with no page
 *   open ("observed"); the same with a page open, i.e. a client reading /api/events ("page open"). Two figures:
 *   page open against observed (the target: at least 0.95), and observed against none (what observing costs).
 *   The page is a node:http client in this process that reads the event stream's bytes and counts its events.
 * - The dashboard with 100 workers (a WorkerRegistry fed a registration each and a heartbeat per worker per second)
 *   and 1,000 requests a minute of 50 tokens (observer calls at that pace): the time to build and serialize one
 *   update, its size, and the size of a whole snapshot. Measured on the view itself, no transport.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Registry } from 'prom-client';
import type { InferenceRequest, WorkerHeartbeat, WorkerRegistration } from '../../generated/index.js';
import { ClusterView } from '../../src/cluster/dashboard/cluster-view.js';
import { startDashboard, type Dashboard } from '../../src/cluster/dashboard/server.js';
import { Controller } from '../../src/cluster/controller.js';
import { simulatedEngine } from '../../src/cluster/engines/simulated.js';
import { InferenceMetrics } from '../../src/cluster/inference-metrics.js';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import { Worker } from '../../src/cluster/worker.js';
import type { ChannelTransport } from '../../src/contract/index.js';
import { closeAll, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { interleave, type Plan } from '../lib/interleave.js';
import { compare } from '../lib/ratios.js';
import { median, nowMs, percentile, waitUntil } from '../lib/stats.js';

const TOKEN_DELAY_MS = 10;
const MAX_TOKENS = 32;
const STREAMS = 50;
const HARDWARE = {
  chip: 'Apple M2 Max',
  performanceCores: 8,
  efficiencyCores: 4,
  gpuCores: 38,
  neuralEngineCores: 16,
  unifiedMemoryGB: 64,
  macOSVersion: '14.5',
};

/** A page of the dashboard: reads /api/events until closed, counting bytes and events. */
interface OpenPage {
  events: number;
  bytes: number;
  close(): void;
}

/** Opens the live feed like a browser does; resolves once the snapshot arrived. */
function openPage(dashboard: Dashboard): Promise<OpenPage> {
  return new Promise((resolve, reject) => {
    const page: OpenPage = { events: 0, bytes: 0, close: () => undefined };
    const req = httpRequest(new URL('/api/events', dashboard.url), (res) => {
      let resolved = false;
      res.on('data', (chunk: Buffer) => {
        page.bytes += chunk.length;
        for (let at = chunk.indexOf('\n\n'); at >= 0; at = chunk.indexOf('\n\n', at + 2)) page.events += 1;
        if (!resolved && page.events > 0) {
          resolved = true;
          resolve(page);
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    page.close = () => req.destroy();
    req.end();
  });
}

/** Tokens/s of one wave of STREAMS concurrent streams through `controller`. */
async function wave(controller: Controller): Promise<number> {
  const began = nowMs();
  const counts = await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      const request: InferenceRequest = { requestId: randomUUID(), modelId: 'bench-model', prompt: 'Hi', maxTokens: MAX_TOKENS };
      let tokens = 0;
      for await (const event of await controller.infer(request)) {
        if (event.type === 'token') tokens += 1;
        else if (event.type === 'error') throw new Error(`stream error: ${event.error}`);
      }
      return tokens;
    }),
  );
  const tokens = counts.reduce((a, b) => a + b, 0);
  if (tokens !== STREAMS * MAX_TOKENS) throw new Error(`a wave delivered ${tokens} of ${STREAMS * MAX_TOKENS} tokens`);
  return (tokens / (nowMs() - began)) * 1000;
}

async function throughputFigures(ctx: BenchContext): Promise<Figure[]> {
  const [controllerClient, workerClient] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  const registry = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 3000 });
  const worker = new Worker(workerClient, {
    engine: simulatedEngine({ tokenDelayMs: TOKEN_DELAY_MS }),
    hardware: HARDWARE,
    capabilities: { maxConcurrent: 200, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48 },
    ip: '127.0.0.1',
    heartbeatIntervalMs: 1000,
  });
  let dashboard: Dashboard | undefined;
  const metrics = new InferenceMetrics({ registry: new Registry(), workers: registry });
  try {
    await registry.start();
    await worker.start();
    if (!(await waitUntil(() => registry.get(worker.workerId)?.state === 'online', 5000))) throw new Error('the worker did not come online within 5 s');
    const unobserved = new Controller(controllerClient, registry, { strategy: 'round_robin' });
    const observed = new Controller(controllerClient, registry, { strategy: 'round_robin' });
    metrics.attach(observed);
    dashboard = await startDashboard({ controller: observed, registry, port: 0 });
    const open = dashboard;
    let updates = 0;
    let bytes = 0;
    const plan: Plan = ctx.quick ? { rounds: 1, chunks: 5, warmUp: true } : chunkedPlan(ctx.sizes);
    const began = nowMs();
    const sides = await interleave(plan, {
      raw3: () => wave(observed),
      typed: async () => {
        const page = await openPage(open);
        try {
          return await wave(observed);
        } finally {
          updates += page.events - 1;
          bytes += page.bytes;
          page.close();
        }
      },
      raw2: () => wave(unobserved),
    });
    const pageOpen = compare(sides.typed, sides.raw3);
    const observing = compare(sides.raw3, sides.raw2);
    const turns = sides.typed.length;
    ctx.log(
      `dashboard, ${STREAMS} streams: ${Math.round(pageOpen.typed ?? 0)} tokens/s page open / ${Math.round(pageOpen.raw ?? 0)} observed / ${Math.round(observing.raw ?? 0)} none; ` +
        `${updates} updates (${Math.round(bytes / 1024)} KB) reached the page; ${((nowMs() - began) / 1000).toFixed(1)} s`,
    );
    const common = `${STREAMS} concurrent streams of ${MAX_TOKENS} tokens, simulated engine ${TOKEN_DELAY_MS} ms a token (ceiling ${Math.round((STREAMS * 1000) / TOKEN_DELAY_MS)} tokens/s), a wave per chunk`;
    return [
      {
        metric: `controller tokens/s, dashboard page open, ${STREAMS} streams`,
        unit: 'tok/s',
        typed: pageOpen.typed,
        raw: pageOpen.raw,
        ratio: pageOpen.ratio,
        spread: pageOpen.spread,
        rounds: plan.rounds,
        chunks: plan.chunks,
        targets: [{ kind: 'ratioAtLeast', value: 0.95, source: 'issue' }],
        note: `typed = a page reading /api/events (${updates} updates, ${Math.round(bytes / Math.max(1, turns) / 1024)} KB per wave), raw = the same observed controller with no page; ${common}`,
      },
      {
        metric: `controller tokens/s, observed by dashboard and metrics, ${STREAMS} streams`,
        unit: 'tok/s',
        typed: observing.typed,
        raw: observing.raw,
        ratio: observing.ratio,
        spread: observing.spread,
        rounds: plan.rounds,
        chunks: plan.chunks,
        targets: [],
        note: `typed = controller observed by the dashboard and InferenceMetrics (as mlx-node runs it), no page; raw = a controller with no observer; ${common}`,
      },
    ];
  } finally {
    await dashboard?.close();
    metrics.close();
    await worker.stop();
    await registry.stop();
    await closeAll([], [controllerClient, workerClient]);
  }
}

const WORKERS = 100;
const REQUESTS_PER_MIN = 1000;
const TOKENS_EACH = 50;

const workerIdOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function registration(n: number): WorkerRegistration {
  return {
    workerId: workerIdOf(n),
    hostname: `mac-${n}`,
    ip: '10.0.0.1',
    port: 9000 + n,
    hardware: HARDWARE,
    capabilities: { maxConcurrent: 4, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48, models: ['bench-model'] },
    status: 'online',
    timestamp: Date.now(),
  };
}

function heartbeat(n: number, activeRequests: number): WorkerHeartbeat {
  return {
    workerId: workerIdOf(n),
    status: 'online',
    metrics: {
      cpuUsagePercent: 20,
      memoryUsedGB: 30,
      gpuUtilizationPercent: 50,
      activeRequests,
      totalRequestsHandled: 0,
      avgLatencyMs: 0,
      modelsLoaded: ['bench-model'],
    },
    timestamp: Date.now(),
  };
}

/** The dashboard's own work with 100 workers and 1,000 requests a minute, simulated on a real view for `seconds`. */
async function scaleFigures(ctx: BenchContext): Promise<Figure[]> {
  const seconds = ctx.quick ? 5 : 20;
  // Fed directly: start() is never called, so the registry never touches its transport.
  const registry = new WorkerRegistry({} as ChannelTransport, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 3000 });
  for (let n = 1; n <= WORKERS; n++) registry.onRegistration(registration(n));
  const view = new ClusterView({ workers: registry, offlineTimeoutMs: 3000 });
  const observer = view.observer;
  const buildMs: number[] = [];
  const sizes: number[] = [];
  const stepMs = 50;
  const perStep = (REQUESTS_PER_MIN / 60_000) * stepMs;
  let owed = 0;
  let next = 0;
  const live: { id: string; worker: string; sent: number }[] = [];
  const end = nowMs() + seconds * 1000;
  let lastFlush = nowMs();
  let step = 0;
  try {
    while (nowMs() < end) {
      step += 1;
      // Each worker heartbeats once a second: a twentieth of them per 50 ms step.
      for (let n = 1 + (step % 20); n <= WORKERS; n += 20) registry.onHeartbeat(heartbeat(n, n % 4));
      owed += perStep;
      while (owed >= 1) {
        owed -= 1;
        const id = randomUUID();
        const worker = workerIdOf((next++ % WORKERS) + 1);
        observer.requestStarted?.({ requestId: id, modelId: 'bench-model', startedAt: Date.now() });
        observer.attemptStarted?.(id, { workerId: worker, reason: 'least_loaded: 1/4 slots', outcome: 'sent', fromToken: 0 });
        observer.attemptUpdated?.(id, { workerId: worker, reason: 'least_loaded: 1/4 slots', outcome: 'streaming', fromToken: 0 });
        live.push({ id, worker, sent: 0 });
      }
      // Every request gets a token per step (20 tokens/s each) until it has TOKENS_EACH.
      for (const request of live) observer.tokenDelivered?.(request.id, request.worker, request.sent++, performance.now());
      for (const request of live.filter((r) => r.sent >= TOKENS_EACH)) observer.requestEnded?.(request.id, { kind: 'completed', totalTokens: TOKENS_EACH });
      live.splice(0, live.length, ...live.filter((r) => r.sent < TOKENS_EACH));
      if (nowMs() - lastFlush >= 500) {
        lastFlush = nowMs();
        const began = nowMs();
        const update = view.takeUpdate();
        const text = update === undefined ? '' : JSON.stringify(update);
        buildMs.push(nowMs() - began);
        sizes.push(Buffer.byteLength(text));
      }
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
    const snapshotBytes = Buffer.byteLength(JSON.stringify(view.snapshot()));
    const sorted = buildMs.slice().sort((a, b) => a - b);
    ctx.log(
      `dashboard at ${WORKERS} workers and ${REQUESTS_PER_MIN} requests/min: update ${median(buildMs).toFixed(2)} ms p50, ${percentile(sorted, 99).toFixed(2)} ms p99, ${Math.round(median(sizes) / 1024)} KB; snapshot ${Math.round(snapshotBytes / 1024)} KB`,
    );
    const note = `${WORKERS} workers heartbeating once a second, ${REQUESTS_PER_MIN} requests a minute of ${TOKENS_EACH} tokens (about ${Math.round(live.length)} in flight), for ${seconds} s; one update per 500 ms`;
    return [
      { metric: `dashboard update build + JSON p50, ${WORKERS} workers`, unit: 'ms', typed: median(buildMs), raw: null, rounds: 1, targets: [], note },
      {
        metric: `dashboard update build + JSON p99, ${WORKERS} workers`,
        unit: 'ms',
        typed: percentile(sorted, 99),
        raw: null,
        rounds: 1,
        targets: [],
        note: `${buildMs.length} updates`,
      },
      {
        metric: `dashboard update size p50, ${WORKERS} workers`,
        unit: 'KB',
        typed: median(sizes) / 1024,
        raw: null,
        rounds: 1,
        targets: [],
        note: 'one update, sent once to every open page',
      },
      {
        metric: `dashboard snapshot size, ${WORKERS} workers`,
        unit: 'KB',
        typed: snapshotBytes / 1024,
        raw: null,
        rounds: 1,
        targets: [],
        note: 'what a page gets when it connects, and /api/cluster',
      },
    ];
  } finally {
    view.close();
  }
}

/** The dashboard group. */
export async function dashboardFigures(ctx: BenchContext): Promise<Figure[]> {
  return [...(await throughputFigures(ctx)), ...(await scaleFigures(ctx))];
}
