/**
 * The spans of requests that do not simply complete, in one process with the real OpenTelemetry SDK on a real
 * nats-server: no worker at all, a refusal and the retry it leads to, a reader that leaves mid-stream, an engine that
 * fails; and a request sent with tracing off while another is traced.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  channels,
  Controller,
  NatsClient,
  NoWorkerAvailableError,
  Worker,
  WorkerRegistry,
  type InferenceEngine,
  type InferenceRequest,
  type Subscription,
} from '../../src/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { hardware, workerSetup } from '../helpers/cluster.js';
import { waitFor } from '../helpers/client.js';
import { installSdk, record, type SpanRecord, type TestSdk } from './sdk.js';

let server: TestNatsServer;
let sdk: TestSdk;
let client: NatsClient;
let registry: WorkerRegistry;
let controller: Controller;
const cleanups: (() => Promise<void>)[] = [];

const request = (maxTokens = 4): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3.1-8b', prompt: 'p', maxTokens });
const spans = (): SpanRecord[] => sdk.spans().map(record);
const rootOf = (req: InferenceRequest): SpanRecord | undefined =>
  spans().find((s) => s.name === 'text_completion llama-3.1-8b' && s.attributes['mlx.request.id'] === req.requestId);

async function worker(engine?: InferenceEngine, workerId: string = randomUUID()): Promise<Worker> {
  const started = new Worker(client, { ...workerSetup({ delayMs: 5 }), ...(engine === undefined ? {} : { engine }), workerId, heartbeatIntervalMs: 100 });
  await started.start();
  cleanups.push(() => started.stop());
  await waitFor(() => registry.get(started.workerId)?.state === 'online', 'the worker online');
  return started;
}

/** A worker that registers and heartbeats like one, and refuses every request. */
async function refusingWorker(workerId: string): Promise<void> {
  const registration = {
    workerId,
    hostname: 'refuser',
    ip: '127.0.0.1',
    port: 8082,
    hardware: hardware(),
    capabilities: { maxConcurrent: 4, supportedModelTiers: ['tiny', 'small', 'medium'] as ('tiny' | 'small' | 'medium')[], availableMemoryGB: 24 },
    status: 'online' as const,
    timestamp: Date.now(),
  };
  const sub: Subscription = await channels.workerInference.reply(client, { workerId }, (req) => ({
    requestId: req.requestId,
    workerId,
    status: 'refused',
    reason: 'model_not_loaded',
  }));
  await channels.workerRegister.publish(client, { workerId }, registration);
  const beat = setInterval(() => {
    void channels.workerHeartbeat.publish(
      client,
      { workerId },
      {
        workerId,
        status: 'online',
        metrics: {
          cpuUsagePercent: 1,
          memoryUsedGB: 1,
          gpuUtilizationPercent: 0,
          modelsLoaded: [],
          activeRequests: 0,
          totalRequestsHandled: 0,
          avgLatencyMs: 0,
        },
        timestamp: Date.now(),
      },
    );
  }, 100);
  cleanups.push(async () => {
    clearInterval(beat);
    await sub.unsubscribe();
  });
  await waitFor(() => registry.get(workerId)?.state === 'online', 'the refusing worker online');
}

beforeAll(async () => {
  sdk = installSdk();
  server = await startNatsServer();
  client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: server.url });
  registry = new WorkerRegistry(client, { heartbeatIntervalMs: 100, offlineTimeoutMs: 1000 });
  await registry.start();
  controller = new Controller(client, registry, { strategy: 'least_loaded', idleTimeoutMs: 3000 });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await waitFor(() => registry.workers().every((w) => w.state === 'offline'), 'every worker gone');
  sdk.exporter.reset();
});

afterAll(async () => {
  await registry.stop();
  await client.disconnect();
  await server.stop();
  await sdk.uninstall();
});

describe('spans of requests that do not simply complete', () => {
  it('no worker online: the routing span and the request span fail with the reason', async () => {
    const req = request();
    await expect(controller.infer(req)).rejects.toBeInstanceOf(NoWorkerAvailableError);
    const root = rootOf(req);
    expect(root?.status.code).toBe(2);
    expect(root?.attributes).toMatchObject({ 'mlx.request.outcome': 'failed', 'error.type': 'NoWorkerAvailableError', 'mlx.attempts': 0 });
    const route = spans().find((s) => s.name === 'route');
    expect(route).toMatchObject({ parentSpanId: root?.spanId, status: { code: 2 } });
    expect(route?.attributes).toMatchObject({ 'mlx.route.reason': 'none_online', 'error.type': 'NO_WORKER_AVAILABLE' });
  });

  it('a refusal ends its attempt failed with the reason; the retry is linked to it and serves the request', async () => {
    const [low, high] = [randomUUID(), randomUUID()].sort() as [string, string];
    await refusingWorker(low);
    await worker(undefined, high);
    const req = request();
    const stream = await controller.infer(req);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('done');
    expect(stream.attempts.map((a) => a.outcome)).toEqual(['refused', 'completed']);
    await waitFor(() => rootOf(req) !== undefined, 'the request span');
    const attempts = spans().filter((s) => s.name === 'attempt');
    expect(attempts.map((a) => [a.attributes['mlx.worker.id'], a.attributes['mlx.attempt.outcome'], a.attributes['error.type']])).toEqual([
      [low, 'refused', 'refused'],
      [high, 'completed', undefined],
    ]);
    expect(attempts[0]?.status).toEqual({ code: 2, message: 'model_not_loaded' });
    expect(attempts[1]?.links.map((l) => l.spanId)).toEqual([attempts[0]?.spanId]);
  });

  it("a reader that leaves mid-stream: the attempt and the request end cancelled, and so does the worker's generation", async () => {
    const slow = await worker({
      async *generate(_request, signal) {
        for (let i = 0; i < 1000 && !signal.aborted; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          yield `t${i} `;
        }
      },
    });
    const req = request(1000);
    const stream = await controller.infer(req);
    for await (const event of stream) if (event.type === 'token') break;
    await waitFor(() => spans().some((s) => s.name === 'generate llama-3.1-8b'), 'the generation span');
    expect(rootOf(req)?.attributes['mlx.request.outcome']).toBe('cancelled');
    expect(spans().find((s) => s.name === 'attempt')?.attributes['mlx.attempt.outcome']).toBe('cancelled');
    const generation = spans().find((s) => s.name === 'generate llama-3.1-8b');
    expect(generation?.attributes).toMatchObject({ 'mlx.worker.id': slow.workerId, 'mlx.generation.outcome': 'cancelled' });
    expect(generation?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('an engine that fails: the generation span records the error, and the request span fails', async () => {
    await worker({
      // eslint-disable-next-line require-yield
      *generate() {
        throw new Error('GPU out of memory');
      },
    });
    const req = request();
    const stream = await controller.infer(req);
    const events: string[] = [];
    for await (const event of stream) events.push(event.type);
    expect(events).toEqual(['error']);
    await waitFor(() => rootOf(req) !== undefined && spans().some((s) => s.name === 'generate llama-3.1-8b'), 'both spans');
    const generation = spans().find((s) => s.name === 'generate llama-3.1-8b');
    expect(generation?.status).toEqual({ code: 2, message: 'GPU out of memory' });
    expect(generation?.attributes['mlx.generation.outcome']).toBe('error');
    expect(rootOf(req)?.attributes).toMatchObject({ 'mlx.request.outcome': 'failed', 'error.type': 'GENERATION_FAILED' });
  });
});
