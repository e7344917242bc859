/**
 * The cluster layer on a real nats-server: workers register and heartbeat, a controller routes by each strategy,
 * sticky sessions hold, a killed worker goes offline and its requests move on (or fail with WorkerLostError),
 * and a restarted controller knows its workers again within one heartbeat interval.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Controller,
  NatsClient,
  Worker,
  WorkerLostError,
  WorkerRegistry,
  type ControllerStream,
  type InferenceRequest,
  type StrategyName,
  type WorkerInfo,
} from '../../src/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/client.js';
import { deterministicTokens, startWorkerProcess, workerSetup } from '../helpers/cluster.js';

const HEARTBEAT_MS = 200;
const OFFLINE_MS = 600;

let server: TestNatsServer;
const clients: NatsClient[] = [];
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await server.stop();
});

async function connected(): Promise<NatsClient> {
  const client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: server.url });
  clients.push(client);
  return client;
}

async function startWorker(over: Parameters<typeof workerSetup>[0] & { workerId?: string } = {}): Promise<Worker> {
  const worker = new Worker(await connected(), {
    ...workerSetup(over),
    heartbeatIntervalMs: HEARTBEAT_MS,
    ...(over.workerId === undefined ? {} : { workerId: over.workerId }),
  });
  await worker.start();
  stops.push(() => worker.stop());
  return worker;
}

async function startController(strategy: StrategyName, over: { sticky?: boolean; migrate?: boolean; idleTimeoutMs?: number } = {}): Promise<Controller> {
  const client = await connected();
  const registry = new WorkerRegistry(client, { heartbeatIntervalMs: HEARTBEAT_MS, offlineTimeoutMs: OFFLINE_MS });
  await registry.start();
  stops.push(() => registry.stop());
  return new Controller(client, registry, {
    strategy,
    stickySessions: over.sticky ?? false,
    migrate: over.migrate ?? true,
    idleTimeoutMs: over.idleTimeoutMs ?? 2000,
    ackTimeoutMs: 2000,
  });
}

const request = (prompt: string, over: Partial<InferenceRequest> = {}): InferenceRequest => ({
  requestId: randomUUID(),
  modelId: 'llama-3.1-8b',
  prompt,
  maxTokens: 4,
  ...over,
});

async function textOf(stream: ControllerStream): Promise<string> {
  let text = '';
  for await (const event of stream) if (event.type === 'token') text += event.token;
  return text;
}

const online = (controller: Controller, n: number): Promise<void> =>
  waitFor(() => controller.registry.workers().filter((w) => w.state !== 'offline').length === n, `${n} workers online`, 5000);

describe('distribution over 3 workers', () => {
  it('round_robin sends 300 requests 100/100/100; every text is whole', async () => {
    const workers = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const controller = await startController('round_robin');
    await online(controller, 3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const req = request(`p${i}`);
      const stream = await controller.infer(req);
      expect(await textOf(stream)).toBe(deterministicTokens(req).join(''));
      const served = stream.attempts.at(-1)!.workerId;
      counts.set(served, (counts.get(served) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(workers.map((w) => w.workerId).sort());
    expect([...counts.values()]).toEqual([100, 100, 100]);
  });

  it('least_loaded spreads concurrent requests so no worker runs far more than its share', async () => {
    const workers = await Promise.all([
      startWorker({ maxConcurrent: 8, delayMs: 5 }),
      startWorker({ maxConcurrent: 8, delayMs: 5 }),
      startWorker({ maxConcurrent: 8, delayMs: 5 }),
    ]);
    const controller = await startController('least_loaded');
    await online(controller, 3);
    const counts = new Map<string, number>();
    let peak = 0;
    const run = async (i: number): Promise<void> => {
      const stream = await controller.infer(request(`p${i}`));
      // Jobs really running on each worker, sampled at dispatch: the controller's own count keeps the load fresh
      // between heartbeats, so 6 requests over 3 workers never pile up on one.
      peak = Math.max(peak, ...workers.map((w) => w.running));
      await textOf(stream);
      const served = stream.attempts.at(-1)!.workerId;
      counts.set(served, (counts.get(served) ?? 0) + 1);
    };
    // 300 requests, 6 at a time over 3 workers.
    for (let batch = 0; batch < 50; batch++) await Promise.all(Array.from({ length: 6 }, (_, k) => run(batch * 6 + k)));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(300);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(60);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it('hardware_aware: a 70B model goes only to the worker whose tiers and memory fit; small models prefer free slots', async () => {
    const ultra = await startWorker({ chip: 'Apple M2 Ultra', memoryGB: 192, maxConcurrent: 8, tiers: ['tiny', 'small', 'medium', 'large', 'xlarge'] });
    await startWorker({ chip: 'Apple M2', memoryGB: 16, maxConcurrent: 2, tiers: ['tiny', 'small'] });
    await startWorker({ chip: 'Apple M1', memoryGB: 16, maxConcurrent: 2, tiers: ['tiny', 'small'] });
    const controller = await startController('hardware_aware');
    await online(controller, 3);
    for (let i = 0; i < 150; i++) {
      const stream = await controller.infer(request(`big${i}`, { modelId: 'mlx-community/Llama-3.3-70B-Instruct-4bit' }));
      await textOf(stream);
      expect(stream.attempts.at(-1)!.workerId).toBe(ultra.workerId);
    }
    // One at a time, every worker has all its slots free: the one with the most free slots wins.
    for (let i = 0; i < 150; i++) {
      const stream = await controller.infer(request(`small${i}`));
      await textOf(stream);
      expect(stream.attempts.at(-1)!.workerId).toBe(ultra.workerId);
    }
    const choice = controller.pick(request('x', { modelId: 'qwen-110b' }));
    expect(choice).toMatchObject({ workerId: ultra.workerId });
  });

  it('sticky sessions: each session stays on one worker', async () => {
    await Promise.all([startWorker(), startWorker(), startWorker()]);
    const controller = await startController('round_robin', { sticky: true });
    await online(controller, 3);
    const sessions = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const placed = new Map<string, Set<string>>();
    for (let i = 0; i < 60; i++) {
      const sessionId = sessions[i % sessions.length]!;
      const stream = await controller.infer(request(`s${i}`, { sessionId }));
      await textOf(stream);
      const set = placed.get(sessionId) ?? new Set();
      set.add(stream.attempts.at(-1)!.workerId);
      placed.set(sessionId, set);
    }
    for (const set of placed.values()) expect(set.size).toBe(1);
    expect(new Set([...placed.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
  });
});

describe('a killed worker', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('goes offline in time; its streams move to another worker and deliver the same text; new requests go elsewhere', async () => {
    const survivor = await startWorker({ delayMs: 5 });
    const doomedId = randomUUID();
    child = await startWorkerProcess(server.url, doomedId, HEARTBEAT_MS, 40);
    const controller = await startController('round_robin', { idleTimeoutMs: 3000 });
    await online(controller, 2);
    const offline: WorkerInfo[] = [];
    controller.registry.on('offline', (w) => offline.push(w));

    // Requests that land on the doomed worker, with enough tokens to be mid-stream at the kill.
    const inFlight: { req: InferenceRequest; stream: ControllerStream }[] = [];
    while (inFlight.length < 3) {
      const req = request(`long${inFlight.length}`, { maxTokens: 30 });
      const stream = await controller.infer(req);
      if (stream.attempts[0]!.workerId === doomedId) inFlight.push({ req, stream });
      else await textOf(stream);
    }
    const texts = inFlight.map(({ stream }) =>
      textOf(stream).then(
        (text) => ({ text }),
        (error: unknown) => ({ error }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const killedAt = Date.now();
    child.kill('SIGKILL');

    await waitFor(() => offline.some((w) => w.workerId === doomedId), 'the killed worker offline', OFFLINE_MS + HEARTBEAT_MS * 4);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(OFFLINE_MS + HEARTBEAT_MS + 300);

    const results = await Promise.all(texts);
    results.forEach((result, i) => {
      if ('text' in result) {
        expect(result.text).toBe(deterministicTokens(inFlight[i]!.req).join(''));
        expect(inFlight[i]!.stream.attempts.map((a) => a.outcome)).toEqual(['moved', 'completed']);
        expect(inFlight[i]!.stream.attempts[1]!.workerId).toBe(survivor.workerId);
      } else {
        expect(result.error).toBeInstanceOf(WorkerLostError);
      }
    });
    // At least one stream really moved mid-way (tokens from both workers).
    expect(inFlight.some(({ stream }) => (stream.attempts[1]?.fromToken ?? 0) > 0)).toBe(true);

    for (let i = 0; i < 5; i++) {
      const stream = await controller.infer(request(`after${i}`));
      await textOf(stream);
      expect(stream.attempts.map((a) => a.workerId)).toEqual([survivor.workerId]);
    }
  });

  it('without migration, a lost stream fails with WorkerLostError carrying the tokens received', async () => {
    await startWorker();
    const doomedId = randomUUID();
    child = await startWorkerProcess(server.url, doomedId, HEARTBEAT_MS, 40);
    const controller = await startController('round_robin', { migrate: false, idleTimeoutMs: 3000 });
    await online(controller, 2);
    let stream: ControllerStream | undefined;
    let req: InferenceRequest | undefined;
    while (stream === undefined) {
      const candidate = request('lost', { maxTokens: 50 });
      const s = await controller.infer(candidate);
      if (s.attempts[0]!.workerId === doomedId) {
        stream = s;
        req = candidate;
      } else await textOf(s);
    }
    const received: string[] = [];
    const outcome = (async () => {
      for await (const event of stream) if (event.type === 'token') received.push(event.token);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    await waitFor(() => received.length >= 2, 'a few tokens');
    child.kill('SIGKILL');
    const error = await outcome;
    expect(error).toBeInstanceOf(WorkerLostError);
    const lost = error as WorkerLostError;
    expect(lost.workerId).toBe(doomedId);
    expect(lost.tokens).toEqual(received);
    expect(lost.tokens).toEqual(deterministicTokens(req!).slice(0, lost.tokens.length));
  });
});

describe('controller restart', () => {
  it('a new registry knows every running worker within one heartbeat interval', async () => {
    const workers = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const first = await startController('round_robin');
    await online(first, 3);
    await first.registry.stop();

    const client = await connected();
    const restarted = new WorkerRegistry(client, { heartbeatIntervalMs: HEARTBEAT_MS * 10, offlineTimeoutMs: OFFLINE_MS * 10 });
    const t0 = Date.now();
    await restarted.start();
    stops.push(() => restarted.stop());
    await waitFor(() => restarted.workers().filter((w) => w.state === 'online').length === 3, 'all workers re-registered', HEARTBEAT_MS * 10);
    // Asked at start, the workers answer at once: well within one heartbeat interval.
    expect(Date.now() - t0).toBeLessThan(HEARTBEAT_MS * 10);
    expect(
      restarted
        .workers()
        .map((w) => w.workerId)
        .sort(),
    ).toEqual(workers.map((w) => w.workerId).sort());
  });

  it('static workers are probed, not assumed alive: offline until they register', async () => {
    const client = await connected();
    const registry = new WorkerRegistry(client, {
      heartbeatIntervalMs: HEARTBEAT_MS,
      offlineTimeoutMs: OFFLINE_MS,
      staticWorkers: [
        { ip: '127.0.0.1', port: 8082, name: 'studio', priority: 10 },
        { ip: '127.0.0.2', port: 8082, name: 'ghost', priority: 50 },
      ],
    });
    await registry.start();
    stops.push(() => registry.stop());
    expect(registry.workers().map((w) => [w.name, w.state])).toEqual([
      ['studio', 'offline'],
      ['ghost', 'offline'],
    ]);
    const worker = new Worker(await connected(), { ...workerSetup(), port: 8082, heartbeatIntervalMs: HEARTBEAT_MS });
    await worker.start();
    stops.push(() => worker.stop());
    await waitFor(() => registry.get(worker.workerId)?.state === 'online', 'the static worker online');
    expect(registry.get(worker.workerId)).toMatchObject({ source: 'static', name: 'studio', priority: 10 });
    expect(registry.workers().find((w) => w.name === 'ghost')?.state).toBe('offline');
  });
});
