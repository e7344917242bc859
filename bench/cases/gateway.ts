/**
 * The controller's HTTP API (the OpenAI-compatible gateway) against `controller.infer` in the same process, on the
 * same cluster: one controller and one worker with the simulated engine (TOKEN_DELAY_MS before each token) on the
 * run's nats-server, and the gateway from `startGateway` on 127.0.0.1, port 0.
 *
 * - Time to first token and tokens/s with 1 and with 50 concurrent streams. The "raw" column is controller.infer
 *   read in-process, the "typed" column the same request streamed over HTTP (bench/lib/http-stream.ts: node:http with
 *   a keep-alive agent, events counted by their framing, nothing parsed). The two take turns chunk by chunk like
 *   every side-by-side figure; a chunk's TTFT is the p50 of its streams, its tokens/s all tokens over its wall time.
 *   The added latency is the median of the per-chunk differences of those p50s.
 * - RSS with 1,000 idle streams (200 in --quick): a controller node alone in a child process
 *   (bench/children/gateway-node.ts) holds them while the worker here yields one token and then waits for the
 *   cancel; per-stream KB is the RSS growth (after full GCs) over the count. The same count held through
 *   controller.infer in a second fresh child is the baseline. Then every HTTP request is aborted (every in-process
 *   stream cancelled), and the run waits, at most 10 s (2 s in --quick), for the streams to be released: the
 *   worker's jobs ended, the gateway idle, and the controller's per-request NATS subscriptions gone (counted on its
 *   connection by the server's /connz). The warm-up's finished requests are counted the same way: a request that
 *   ended should leave no subscription behind.
 */
import { randomUUID } from 'node:crypto';
import type { Agent, ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InferenceRequest } from '../../generated/index.js';
import { silentLogger } from '../../src/base/logger.js';
import { Controller } from '../../src/cluster/controller.js';
import { simulatedEngine } from '../../src/cluster/engines/simulated.js';
import { startGateway, type Gateway } from '../../src/cluster/gateway/gateway.js';
import { fromChatBody, type ChatBody } from '../../src/cluster/gateway/openai-api.js';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import { Worker, type InferenceEngine } from '../../src/cluster/worker.js';
import { closeAll, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { chatBody, openStream, streamAgent, streamOnce, type StreamTiming } from '../lib/http-stream.js';
import { interleave, type Plan } from '../lib/interleave.js';
import { startIpcChild, type IpcChild } from '../lib/ipc-child.js';
import { compare } from '../lib/ratios.js';
import { median, nowMs, waitUntil } from '../lib/stats.js';

/** The simulated engine's pause before each token: a fast model on one machine (100 tokens/s per stream). */
const TOKEN_DELAY_MS = 10;
/** Tokens per stream. */
const MAX_TOKENS = 32;
const MODEL = 'bench-model';
const HARDWARE = {
  chip: 'Apple M2 Max',
  performanceCores: 8,
  efficiencyCores: 4,
  gpuCores: 38,
  neuralEngineCores: 16,
  unifiedMemoryGB: 64,
  macOSVersion: '14.5',
};
/** Whole one-token requests of the RSS warm-up, on each side. */
const WHOLE = 50;
/** Longest a stream of the latency figures may take before the run gives up on it. */
const STREAM_TIMEOUT_MS = 15_000;

/** Rejects with `what` when `promise` does not settle within `ms`. */
async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `done()` or `timeoutMs`, checking every `everyMs` (no busy loop: a child process needs the cores). */
async function pollUntil(done: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/** What one chunk of streams gave. */
interface Chunk {
  /** p50 time to first token of the chunk's streams, ms. */
  ttftMs: number;
  /** Tokens of all the chunk's streams over its wall time. */
  tokensPerS: number;
}

/** Runs `perChunk` streams, `concurrency` at a time (1: one after the other), and checks each got every token. */
async function chunkOf(concurrency: number, perChunk: number, once: () => Promise<StreamTiming>): Promise<Chunk> {
  const began = nowMs();
  const timings: StreamTiming[] = [];
  for (let done = 0; done < perChunk; done += concurrency) {
    timings.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, perChunk - done) }, once))));
  }
  const wallMs = nowMs() - began;
  const short = timings.find((t) => t.tokens !== MAX_TOKENS || !Number.isFinite(t.ttftMs));
  if (short !== undefined) throw new Error(`a stream delivered ${short.tokens} of ${MAX_TOKENS} tokens`);
  const tokens = timings.reduce((sum, t) => sum + t.tokens, 0);
  return { ttftMs: median(timings.map((t) => t.ttftMs)), tokensPerS: (tokens / wallMs) * 1000 };
}

/** TTFT and tokens/s at 1 and 50 concurrent streams, HTTP against in-process. */
async function streamFigures(ctx: BenchContext): Promise<Figure[]> {
  const [controllerClient, workerClient] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  const registry = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 3000 });
  const worker = new Worker(workerClient, {
    engine: simulatedEngine({ tokenDelayMs: TOKEN_DELAY_MS }),
    hardware: HARDWARE,
    // Room above the 50 in flight: the controller's view of the load lags the worker's by up to a tenth of the
    // heartbeat interval, so a wave right after another can look like 50 plus the ones just ended.
    capabilities: { maxConcurrent: 200, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48 },
    ip: '127.0.0.1',
    heartbeatIntervalMs: 1000,
  });
  const agent = streamAgent(64);
  let gateway: Gateway | undefined;
  try {
    await registry.start();
    await worker.start();
    if (!(await waitUntil(() => registry.get(worker.workerId)?.state === 'online', 5000))) throw new Error('the worker did not come online within 5 s');
    const controller = new Controller(controllerClient, registry, { strategy: 'round_robin' });
    gateway = await startGateway(controller, {
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      retryAfterS: 1,
      metrics: { contentType: 'text/plain; version=0.0.4', metrics: () => Promise.resolve('') },
      natsConnected: () => controllerClient.isConnected(),
      logger: silentLogger(),
    });
    const url = gateway.url;
    const body = chatBody(MODEL, MAX_TOKENS);
    const parsedBody = JSON.parse(body) as ChatBody;

    const overHttp = (): Promise<StreamTiming> => streamOnce(agent, url, body, STREAM_TIMEOUT_MS);
    const inProcess = (): Promise<StreamTiming> => {
      // The request the gateway would build from the same body, made before the clock starts: a caller in the
      // process has its request in hand.
      const request: InferenceRequest = fromChatBody(parsedBody, randomUUID());
      const run = async (): Promise<StreamTiming> => {
        const began = nowMs();
        let ttft = Number.NaN;
        let tokens = 0;
        for await (const event of await controller.infer(request)) {
          if (event.type === 'token') {
            tokens += 1;
            if (tokens === 1) ttft = nowMs() - began;
          } else if (event.type === 'error') {
            throw new Error(`in-process stream error: ${event.error}`);
          }
        }
        return { ttftMs: ttft, endMs: nowMs() - began, tokens };
      };
      return bounded(run(), STREAM_TIMEOUT_MS, 'an in-process stream');
    };

    // --quick: one timed round of 5 chunks after a warm-up of 5, so the two figures take about 15 s.
    const plan: Plan = ctx.quick ? { rounds: 1, chunks: 5, warmUp: true } : chunkedPlan(ctx.sizes);
    const figures: Figure[] = [];
    for (const concurrency of [1, 50]) {
      // One stream per chunk alone, one wave of 50 together.
      const perChunk = concurrency === 1 ? 1 : 50;
      const began = nowMs();
      const sides = await interleave(plan, {
        raw3: () => chunkOf(concurrency, perChunk, inProcess),
        typed: () => chunkOf(concurrency, perChunk, overHttp),
      });
      const ttft = compare(
        sides.typed.map((c) => c.ttftMs),
        sides.raw3.map((c) => c.ttftMs),
      );
      const rate = compare(
        sides.typed.map((c) => c.tokensPerS),
        sides.raw3.map((c) => c.tokensPerS),
      );
      const added = sides.typed.map((c, i) => c.ttftMs - (sides.raw3[i]?.ttftMs ?? Number.NaN)).filter((d) => Number.isFinite(d));
      const addedP50 = added.length === 0 ? null : median(added);
      const label = concurrency === 1 ? '1 stream' : `${concurrency} concurrent streams`;
      const common = `simulated engine, ${TOKEN_DELAY_MS} ms before each token, ${MAX_TOKENS} tokens a stream; raw = controller.infer read in-process, typed = POST /v1/chat/completions streamed (node:http, SSE framing only)`;
      ctx.log(
        `gateway, ${label}: TTFT p50 ${(ttft.raw ?? 0).toFixed(2)} ms in-process / ${(ttft.typed ?? 0).toFixed(2)} ms HTTP (+${(addedP50 ?? 0).toFixed(2)} ms); ` +
          `${Math.round(rate.raw ?? 0)} / ${Math.round(rate.typed ?? 0)} tokens/s; ${((nowMs() - began) / 1000).toFixed(1)} s`,
      );
      figures.push(
        {
          metric: `HTTP gateway TTFT p50, ${label}`,
          unit: 'ms',
          ...ttft,
          rounds: plan.rounds,
          chunks: plan.chunks,
          targets: [{ kind: 'ratioAtMost', value: 1.1, source: 'issue' }],
          note: `${concurrency === 1 ? 'one stream per chunk' : `a wave of ${concurrency} streams per chunk, p50 of the wave`}; ${common}`,
        },
        {
          metric: `HTTP gateway added TTFT p50, ${label}`,
          unit: 'ms',
          typed: addedP50,
          raw: null,
          rounds: plan.rounds,
          chunks: plan.chunks,
          targets: [],
          note: `HTTP p50 minus in-process p50 of the same turn, median over the turns; per turn ${added.length === 0 ? '-' : `${Math.min(...added).toFixed(2)} to ${Math.max(...added).toFixed(2)}`} ms`,
        },
        {
          metric: `HTTP gateway tokens/s, ${label}`,
          unit: 'tok/s',
          ...rate,
          rounds: plan.rounds,
          chunks: plan.chunks,
          targets: [{ kind: 'ratioAtLeast', value: 0.9, source: 'issue' }],
          note: `all tokens of the chunk over its wall time (the engine's ceiling is ${Math.round((concurrency * 1000) / TOKEN_DELAY_MS)} tokens/s)`,
        },
      );
    }
    return figures;
  } finally {
    agent.destroy();
    await gateway?.drain(1000);
    await worker.stop();
    await registry.stop();
    await closeAll([], [controllerClient, workerClient]);
  }
}

/**
 * An engine that yields one token, then nothing until the request is cancelled (or `holdMs` passes, a bound should
 * the cancel never come). A request for one token ends after it.
 */
function idleEngine(holdMs: number): InferenceEngine {
  return {
    async *generate(request, signal) {
      yield 'Hello';
      if ((request.maxTokens ?? 2) <= 1) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    },
  };
}

/** The child's memory, after two full GCs. */
interface Memory {
  rssMB: number;
  heapUsedMB: number;
  externalMB: number;
  active: number;
}

/** What holding `n` idle streams cost one side's controller process, and whether cancelling released them. */
interface Held {
  before: Memory;
  holding: Memory;
  after: Memory;
  openMs: number;
  releaseMs: number;
  /** Streams still held somewhere after the cancel: worker jobs, gateway requests or extra subscriptions. */
  stillHeld: number;
  subs: { before: number; holding: number; after: number };
  workerJobs: number;
  gatewayActive: number;
  /** NATS subscriptions still open after WHOLE finished one-token requests over HTTP (0 on the in-process side). */
  leftByWhole: number;
  /** The same after WHOLE finished requests through controller.infer. */
  leftByWholeInProcess: number;
}

/** Subscriptions of the connection named `name`, from the server's monitoring endpoint. */
async function subscriptionsOf(httpPort: number, name: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/connz?limit=4096`, { signal: AbortSignal.timeout(5000) });
  const connz = (await response.json()) as { connections?: { name?: string; subscriptions?: number }[] };
  const connection = connz.connections?.find((c) => c.name === name);
  if (connection === undefined) throw new Error(`connection ${name} is not in /connz`);
  return connection.subscriptions ?? 0;
}

/** Opens `n` idle streams over HTTP to `url`, at most `width` starting at once; resolves with them once each had its first token. */
async function openIdleOverHttp(agent: Agent, url: string, n: number, width: number, timeoutMs: number): Promise<ClientRequest[]> {
  const requests: ClientRequest[] = [];
  const body = chatBody(MODEL, 100_000);
  const deadline = nowMs() + timeoutMs;
  try {
    for (let start = 0; start < n; start += width) {
      const wave = Array.from(
        { length: Math.min(width, n - start) },
        () =>
          new Promise<void>((resolve, reject) => {
            requests.push(
              openStream(agent, url, body, {
                onFirstToken: () => {
                  resolve();
                },
                onEnd: () => {
                  reject(new Error('an idle stream ended'));
                },
                onError: reject,
              }),
            );
          }),
      );
      await bounded(Promise.all(wave), Math.max(1, deadline - nowMs()), `opening ${n} idle streams`);
    }
  } catch (error) {
    for (const request of requests) request.destroy();
    throw error;
  }
  return requests;
}

/** A worker whose engine holds every stream after its first token (see {@link idleEngine}). */
async function idleWorker(url: string, n: number): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const client = await typedClient(url);
  const worker = new Worker(client, {
    engine: idleEngine(120_000),
    hardware: HARDWARE,
    capabilities: { maxConcurrent: n + 100, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48 },
    ip: '127.0.0.1',
    heartbeatIntervalMs: 1000,
    // Streams the cancel did not reach are aborted at stop, after this.
    drainTimeoutMs: 1000,
  });
  await worker.start();
  return {
    worker,
    stop: async () => {
      await worker.stop();
      await closeAll([], [client]);
    },
  };
}

/**
 * One side's RSS run: a fresh worker here and a fresh controller child; warm up, measure, hold `n`, measure, cancel
 * (or abort), wait at most `releaseMs` for everything to let go, measure. The worker's stop then ends whatever the
 * cancel did not reach, so the child stops clean either way.
 */
async function holdIdle(ctx: BenchContext, side: 'http' | 'inProcess', n: number, releaseWaitMs: number): Promise<Held> {
  const name = `bench-gateway-node-${side}-${randomUUID().slice(0, 8)}`;
  const { worker, stop } = await idleWorker(ctx.url, n);
  let child: IpcChild | undefined;
  // Room for every stream on its own connection (HTTP/1.1 carries one stream at a time).
  const agent = streamAgent(n + 16);
  try {
    child = await startIpcChild('gateway-node.ts', [ctx.url, name], 30_000, ['--expose-gc']);
    const node = child;
    const url = String(node.ready.url);
    const measure = (): Promise<Memory> => node.call<Memory>('measure', {}, 10_000);
    const timeoutMs = ctx.quick ? 20_000 : 60_000;
    // Warm-up: whole one-token requests, so first-use allocations (JIT, pools, buffers) are not counted. The
    // subscriptions they leave behind are counted: a finished request should leave none.
    await node.call('complete', { n: 1 }, timeoutMs); // the connection's shared request inbox is made here
    const leftover = async (): Promise<number> => {
      if (!(await pollUntil(() => worker.running === 0, 10_000))) throw new Error('warm-up requests still running after 10 s');
      await sleep(200);
      return subscriptionsOf(ctx.httpPort, name);
    };
    const subsStart = await leftover();
    await node.call('complete', { n: WHOLE }, timeoutMs);
    const subsInProcess = await leftover();
    if (side === 'http') for (let i = 0; i < WHOLE; i++) await streamOnce(agent, url, chatBody(MODEL, 1), 5000);
    const subsBefore = await leftover();
    const before = await measure();

    const t0 = nowMs();
    let requests: ClientRequest[] = [];
    if (side === 'http') requests = await openIdleOverHttp(agent, url, n, 100, timeoutMs);
    else await node.call('open', { n }, timeoutMs);
    const openMs = nowMs() - t0;
    if (worker.running !== n) throw new Error(`the worker runs ${worker.running} jobs, not ${n}`);
    const holding = await measure();
    const subsHolding = await subscriptionsOf(ctx.httpPort, name);

    const t1 = nowMs();
    if (side === 'http') for (const request of requests) request.destroy();
    else void node.call('cancel', {}, timeoutMs).catch(() => undefined); // resolves once every cancel has gone through
    let subsAfter = subsHolding;
    let active = n;
    const released = (): boolean => worker.running === 0 && active === 0 && subsAfter <= subsBefore;
    while (!released() && nowMs() - t1 < releaseWaitMs) {
      await sleep(100);
      [subsAfter, active] = await Promise.all([
        subscriptionsOf(ctx.httpPort, name),
        side === 'http' ? node.call<{ active: number }>('status', {}, 5000).then((m) => m.active) : Promise.resolve(0),
      ]);
    }
    const releaseMs = nowMs() - t1;
    const after = await measure();
    subsAfter = await subscriptionsOf(ctx.httpPort, name);
    const stillHeld = Math.max(worker.running, after.active, subsAfter - subsBefore);
    return {
      before,
      holding,
      after,
      openMs,
      releaseMs,
      stillHeld,
      subs: { before: subsBefore, holding: subsHolding, after: subsAfter },
      workerJobs: worker.running,
      gatewayActive: after.active,
      leftByWhole: subsBefore - subsInProcess,
      leftByWholeInProcess: subsInProcess - subsStart,
    };
  } finally {
    agent.destroy();
    await stop();
    await child?.stop(10_000);
  }
}

/** RSS per idle stream and release after abort, HTTP against in-process, each in its own controller child. */
async function idleFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 200 : 1000;
  const releaseWaitMs = ctx.quick ? 2000 : 10_000;
  const began = nowMs();
  const http = await holdIdle(ctx, 'http', n, releaseWaitMs);
  const inProcess = await holdIdle(ctx, 'inProcess', n, releaseWaitMs);
  const perStreamKB = (held: Held): number => ((held.holding.rssMB - held.before.rssMB) * 1024) / n;
  const heapKB = (held: Held): number => ((held.holding.heapUsedMB - held.before.heapUsedMB) * 1024) / n;
  const describe = (held: Held): string =>
    `RSS ${held.before.rssMB.toFixed(0)} -> ${held.holding.rssMB.toFixed(0)} -> ${held.after.rssMB.toFixed(0)} MB, heap ${held.before.heapUsedMB.toFixed(1)} -> ${held.holding.heapUsedMB.toFixed(1)} -> ${held.after.heapUsedMB.toFixed(1)} MB ` +
    `(${heapKB(held).toFixed(1)} KB a stream), NATS subscriptions ${held.subs.before} -> ${held.subs.holding} -> ${held.subs.after}, opened in ${(held.openMs / 1000).toFixed(1)} s; ` +
    (held.stillHeld === 0
      ? `released in ${held.releaseMs.toFixed(0)} ms`
      : `${held.releaseMs.toFixed(0)} ms after the cancel still ${held.workerJobs} worker job(s), ${held.gatewayActive} gateway request(s), ${held.subs.after - held.subs.before} extra subscription(s)`);
  ctx.log(
    `gateway, ${n} idle streams: HTTP ${perStreamKB(http).toFixed(1)} KB a stream, in-process ${perStreamKB(inProcess).toFixed(1)} KB; ${((nowMs() - began) / 1000).toFixed(1)} s`,
  );
  ctx.log(`  HTTP: ${describe(http)}`);
  ctx.log(`  in-process: ${describe(inProcess)}`);
  const count = n.toLocaleString('en-US');
  const released = (held: Held): number => Math.round(((n - held.stillHeld) / n) * 1000) / 10;
  return [
    {
      metric: `HTTP gateway RSS per idle stream, ${count} open`,
      unit: 'KB',
      typed: perStreamKB(http),
      raw: perStreamKB(inProcess),
      rounds: 1,
      targets: [],
      note:
        `${ctx.quick ? `--quick: ${count} streams instead of 1,000; ` : ''}RSS growth of a controller node alone in its process (after full GCs) over the streams it holds, ` +
        `the worker yielding nothing after the first token; raw = the same count held through controller.infer. HTTP: ${describe(http)}. In-process: ${describe(inProcess)}`,
    },
    {
      metric: `NATS subscriptions left by ${WHOLE} finished streams`,
      unit: 'subs',
      typed: http.leftByWhole,
      raw: http.leftByWholeInProcess,
      rounds: 1,
      targets: [{ kind: 'typedBelow', value: 1, source: 'floor' }],
      note: `subscriptions of the controller's connection (the server's /connz) after ${WHOLE} streamed one-token requests ended with [DONE], against ${WHOLE} read to their end through controller.infer; each should close its response subscription`,
    },
    {
      metric: `HTTP gateway idle streams released after abort, ${count}`,
      unit: '%',
      typed: released(http),
      raw: released(inProcess),
      rounds: 1,
      targets: [{ kind: 'typedAbove', value: 99.9, source: 'floor' }],
      note: `every HTTP request aborted by the client (raw: every stream cancelled), then up to ${releaseWaitMs / 1000} s; released = the worker job ended, the gateway request gone and the per-request NATS subscription gone`,
    },
  ];
}

/** The gateway figures. */
export async function gatewayFigures(ctx: BenchContext): Promise<Figure[]> {
  return [...(await streamFigures(ctx)), ...(await idleFigures(ctx))];
}
