/**
 * The cluster layer at scale: 1,000 simulated workers heartbeat once a second into one controller's registry
 * while the router picks; and a whole request through `controller.infer` against a direct `streamInference` to
 * the same worker. The "raw" column of the second figure is the direct call, so the ratio is the routing cost; the
 * two take turns in blocks of requests (a block's p50 is one sample), like every side-by-side figure.
 */
import { randomUUID } from 'node:crypto';
import { channels } from '../../generated/channels.js';
import type { InferenceRequest, WorkerHeartbeat, WorkerRegistration } from '../../generated/index.js';
import { Controller } from '../../src/cluster/controller.js';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import { streamInference } from '../../src/cluster/streaming.js';
import { Worker } from '../../src/cluster/worker.js';
import { closeAll, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { compare } from '../lib/ratios.js';
import { median, nowMs, percentile, waitUntil, yieldToLoop } from '../lib/stats.js';

const WORKERS = 1000;
const HARDWARE = {
  chip: 'Apple M2 Max',
  performanceCores: 8,
  efficiencyCores: 4,
  gpuCores: 38,
  neuralEngineCores: 16,
  unifiedMemoryGB: 64,
  macOSVersion: '14.5',
};

function registration(workerId: string, i: number): WorkerRegistration {
  return {
    workerId,
    hostname: `mac-${i}`,
    ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 8082,
    hardware: HARDWARE,
    capabilities: { maxConcurrent: 4, supportedModelTiers: ['tiny', 'small', 'medium'], availableMemoryGB: 48 },
    status: 'online',
    timestamp: Date.now(),
  };
}

function heartbeat(workerId: string, active: number): WorkerHeartbeat {
  return {
    workerId,
    status: 'online',
    metrics: {
      cpuUsagePercent: 20,
      memoryUsedGB: 30,
      gpuUtilizationPercent: 50,
      activeRequests: active,
      totalRequestsHandled: 100,
      avgLatencyMs: 500,
      modelsLoaded: [],
    },
    timestamp: Date.now(),
  };
}

/** Registry throughput and router pick latency with 1,000 workers heartbeating once a second. */
async function scaleFigures(ctx: BenchContext): Promise<Figure[]> {
  const [controllerClient, fleet] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  const registry = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 3000 });
  try {
    let handled = 0;
    registry.on('updated', () => (handled += 1));
    await registry.start();
    const ids = Array.from({ length: WORKERS }, () => randomUUID());
    await Promise.all(ids.map((id, i) => channels.workerRegister.publish(fleet, { workerId: id }, registration(id, i))));
    await waitUntil(() => registry.workers().length === WORKERS, 10_000);
    const controller = new Controller(controllerClient, registry, { strategy: 'least_loaded' });
    const seconds = ctx.quick ? 3 : 10;
    // Each second every worker heartbeats once, spread over ten slices of 100 workers.
    let sent = 0;
    const heartbeats = setInterval(() => {
      const slice = sent % WORKERS;
      for (let i = slice; i < slice + WORKERS / 10; i++)
        void channels.workerHeartbeat.publish(fleet, { workerId: ids[i] as string }, heartbeat(ids[i] as string, i % 4));
      sent += WORKERS / 10;
    }, 100);
    const picks: number[] = [];
    const request: InferenceRequest = { requestId: randomUUID(), modelId: 'llama-3.1-8b', prompt: 'p' };
    const end = nowMs() + seconds * 1000;
    handled = 0;
    while (nowMs() < end) {
      for (let i = 0; i < 200; i++) {
        const t0 = nowMs();
        controller.pick(request);
        picks.push((nowMs() - t0) * 1000);
      }
      await yieldToLoop();
    }
    clearInterval(heartbeats);
    await fleet.flush();
    await waitUntil(() => handled >= sent, 3000);
    picks.sort((a, b) => a - b);
    const online = registry.workers().filter((w) => w.state !== 'offline').length;
    ctx.log(
      `registry: ${handled} of ${sent} heartbeats handled, ${online} of ${WORKERS} online; ${picks.length} picks, p50 ${percentile(picks, 50).toFixed(1)} us`,
    );
    return [
      {
        metric: 'heartbeats handled, 1,000 workers at 1/s',
        unit: '%',
        typed: sent === 0 ? null : Math.round((Math.min(handled, sent) / sent) * 1000) / 10,
        raw: null,
        rounds: 1,
        targets: [{ kind: 'typedAbove', value: 99.9, source: 'issue' }],
        note: `${sent} heartbeats in ${seconds} s; ${online} of ${WORKERS} workers online at the end`,
      },
      {
        metric: 'router pick over 1,000 workers, p99 (least_loaded)',
        unit: 'us',
        typed: Math.round(percentile(picks, 99) * 10) / 10,
        raw: null,
        rounds: 1,
        targets: [{ kind: 'typedBelow', value: 50, source: 'issue' }],
        note: `${picks.length} picks while the registry took the heartbeats; p50 ${percentile(picks, 50).toFixed(1)} us`,
      },
    ];
  } finally {
    await registry.stop();
    await closeAll([], [controllerClient, fleet]);
  }
}

/** A whole request (ack and 16 tokens) through controller.infer, against streamInference to the same worker. */
async function inferFigures(ctx: BenchContext): Promise<Figure> {
  const [controllerClient, workerClient] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  const registry = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 3000 });
  const worker = new Worker(workerClient, {
    engine: {
      *generate() {
        for (let i = 0; i < 16; i++) yield `token${i} `;
      },
    },
    hardware: HARDWARE,
    capabilities: { maxConcurrent: 8, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48 },
    ip: '127.0.0.1',
    heartbeatIntervalMs: 1000,
  });
  try {
    await registry.start();
    await worker.start();
    await waitUntil(() => registry.get(worker.workerId)?.state === 'online', 5000);
    const controller = new Controller(controllerClient, registry, { strategy: 'round_robin' });
    const n = perChunk(ctx.quick ? 150 : 1000, ctx.sizes.chunks);
    const drain = async (events: AsyncIterable<unknown>): Promise<void> => {
      const iterator = events[Symbol.asyncIterator]();
      while ((await iterator.next()).done !== true) {
        // every event is read, none kept
      }
    };
    const latencies = async (once: () => Promise<void>): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = nowMs();
        await once();
        times.push((nowMs() - t0) * 1000);
      }
      return median(times);
    };
    const request = (): InferenceRequest => ({ requestId: randomUUID(), modelId: 'm', prompt: 'p' });
    const sides = await interleave(chunkedPlan(ctx.sizes), {
      raw3: () => latencies(async () => drain(await streamInference(controllerClient, worker.workerId, request()))),
      typed: () => latencies(async () => drain(await controller.infer(request()))),
    });
    return {
      metric: 'controller.infer p50 vs direct streamInference',
      unit: 'us',
      ...compare(sides.typed, sides.raw3),
      rounds: ctx.sizes.rounds,
      chunks: ctx.sizes.chunks,
      targets: [{ kind: 'ratioAtMost', value: 1.1, source: 'issue' }],
      note: `blocks of ${n} requests, 16 tokens each, p50 per block; the raw column is streamInference to the same worker`,
    };
  } finally {
    await worker.stop();
    await registry.stop();
    await closeAll([], [controllerClient, workerClient]);
  }
}

/** The cluster figures. */
export async function clusterFigures(ctx: BenchContext): Promise<Figure[]> {
  return [...(await scaleFigures(ctx)), await inferFigures(ctx)];
}
