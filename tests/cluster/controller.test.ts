/**
 * Controller edges on a real nats-server: the next candidate after a refusal, a worker with no responders or no
 * acknowledgement, every attempt failing, a reader that stops early, a worker lost mid-stream (moved or failed,
 * and what the log and `done` say then), and a worker that drains past its timeout.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  channels,
  Controller,
  createLogger,
  NoWorkerAvailableError,
  streamInference,
  Worker,
  WorkerRegistry,
  type InferenceCancel,
  type InferenceRequest,
  type Logger,
  type StreamingResponse,
  type WorkerHeartbeat,
  type WorkerRegistration,
  WorkerLostError,
} from '../../src/index.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';
import { workerSetup } from '../helpers/cluster.js';

const shared = useServerWithClients();

const request = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({ requestId: randomUUID(), modelId: 'm', prompt: 'p', maxTokens: 3, ...over });

/** A registration for a worker id that nothing serves (no responders). */
function ghost(workerId: string): WorkerRegistration {
  const { hardware, capabilities } = workerSetup();
  return { workerId, hostname: 'ghost', ip: '127.0.0.1', port: 9999, hardware, capabilities, status: 'online', timestamp: Date.now() };
}

/** A heartbeat in which `workerId` says it is offline (as if it were leaving). */
function offline(workerId: string): WorkerHeartbeat {
  const metrics = {
    cpuUsagePercent: 0,
    memoryUsedGB: 0,
    gpuUtilizationPercent: 0,
    activeRequests: 0,
    totalRequestsHandled: 0,
    avgLatencyMs: 0,
    modelsLoaded: [],
  };
  return { workerId, status: 'offline', metrics, timestamp: Date.now() };
}

/** A logger that keeps the message of each line it is given. */
function capturingLogger(): { logger: Logger; lines: { level: number; msg: string; why?: string }[] } {
  const lines: { level: number; msg: string; why?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) } });
  return { logger, lines };
}

async function setUp(): Promise<{
  registry: WorkerRegistry;
  controller: (over?: { maxAttempts?: number; ackTimeoutMs?: number; strategy?: 'least_loaded'; logger?: Logger }) => Controller;
}> {
  const registry = new WorkerRegistry(shared.client, { heartbeatIntervalMs: 5000, offlineTimeoutMs: 15_000 });
  await registry.start();
  return { registry, controller: (over = {}) => new Controller(shared.client, registry, { strategy: 'round_robin', ackTimeoutMs: 1000, ...over }) };
}

describe('Controller', () => {
  it('moves to the next candidate when a worker has no responders or refuses; attempts say so', async () => {
    const { registry, controller } = await setUp();
    const full = new Worker(shared.client, {
      ...workerSetup({ maxConcurrent: 1, delayMs: 50 }),
      heartbeatIntervalMs: 5000,
      workerId: '00000000-0000-4000-8000-000000000002',
    });
    const free = new Worker(shared.client, { ...workerSetup(), heartbeatIntervalMs: 5000, workerId: '00000000-0000-4000-8000-000000000003' });
    await Promise.all([full.start(), free.start()]);
    registry.onRegistration(ghost('00000000-0000-4000-8000-000000000001'));
    await waitFor(() => registry.workers().filter((w) => w.state === 'online').length === 3, 'three workers');
    // Keep `full` busy with a long stream sent directly, so its registry load still says 0 and it refuses.
    const blocker = await streamInference(shared.client, full.workerId, request({ maxTokens: 1000, prompt: 'block' }));
    try {
      // Equal loads: least_loaded takes the lowest id first, so the ghost, then the full worker, then the free one.
      const c = controller({ maxAttempts: 3, strategy: 'least_loaded' });
      const stream = await c.infer(request());
      for await (const event of stream) if (event.type !== 'token') break;
      expect(stream.attempts.map((a) => a.outcome)).toEqual(['no responders', 'refused', 'completed']);
      expect(stream.attempts[1]?.detail).toBe('at_capacity');
      expect(stream.attempts.at(-1)?.workerId).toBe(free.workerId);
    } finally {
      await blocker.cancel();
      await Promise.all([full.stop(), free.stop()]);
      await registry.stop();
    }
  });

  it('rejects with the last failure when every attempt fails, and with NoWorkerAvailableError when none is known', async () => {
    const { registry, controller } = await setUp();
    try {
      await expect(controller().infer(request())).rejects.toBeInstanceOf(NoWorkerAvailableError);
      registry.onRegistration(ghost(randomUUID()));
      registry.onRegistration(ghost(randomUUID()));
      await expect(controller({ maxAttempts: 2 }).infer(request())).rejects.toMatchObject({ code: 'NATS_NO_RESPONDERS' });
    } finally {
      await registry.stop();
    }
  });

  it('a worker that never acknowledges counts as failed and the next one takes the request', async () => {
    const { registry, controller } = await setUp();
    const silentId = '00000000-0000-4000-8000-000000000001';
    const silent = await channels.workerInference.subscribe(shared.client, { workerId: silentId }, () => undefined);
    const worker = new Worker(shared.client, { ...workerSetup(), heartbeatIntervalMs: 5000, workerId: '00000000-0000-4000-8000-000000000009' });
    await worker.start();
    registry.onRegistration(ghost(silentId));
    try {
      await waitFor(() => registry.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const stream = await controller({ ackTimeoutMs: 200 }).infer(request());
      for await (const event of stream) if (event.type !== 'token') break;
      expect(stream.attempts.map((a) => a.outcome)).toEqual(['no acknowledgement', 'completed']);
    } finally {
      await silent.unsubscribe();
      await worker.stop();
      await registry.stop();
    }
  });

  it('a reader that stops early cancels the job on its worker', async () => {
    const { registry, controller } = await setUp();
    const worker = new Worker(shared.client, { ...workerSetup({ delayMs: 20 }), heartbeatIntervalMs: 5000 });
    await worker.start();
    const cancels: InferenceCancel[] = [];
    const sub = await channels.workerCancel.subscribe(shared.client, { workerId: worker.workerId }, (message) => {
      cancels.push(message);
    });
    try {
      await waitFor(() => registry.get(worker.workerId)?.state === 'online', 'the worker');
      const req = request({ maxTokens: 200 });
      const stream = await controller().infer(req);
      for await (const event of stream) if (event.type === 'token') break;
      await waitFor(() => cancels.length === 1 && worker.running === 0, 'the cancel and a free slot');
      expect(cancels[0]).toEqual({ requestId: req.requestId, reason: 'cancelled' });
    } finally {
      await sub.unsubscribe();
      await worker.stop();
      await registry.stop();
    }
  });
});

describe('a worker lost mid-stream', () => {
  it('moves the request; the log says where it went; done counts the time since the first worker accepted it', async () => {
    const { registry, controller } = await setUp();
    const workers = [0, 1].map(() => new Worker(shared.client, { ...workerSetup({ delayMs: 20 }), heartbeatIntervalMs: 5000 }));
    await Promise.all(workers.map((w) => w.start()));
    const { logger, lines } = capturingLogger();
    try {
      await waitFor(() => registry.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const stream = await controller({ logger }).infer(request({ maxTokens: 20 }));
      const acceptedAt = performance.now();
      const first = stream.attempts[0]!.workerId;
      let tokens = 0;
      let done: StreamingResponse | undefined;
      for await (const event of stream) {
        if (event.type === 'token' && ++tokens === 5) registry.onHeartbeat(offline(first));
        if (event.type === 'done') done = event;
      }
      const elapsed = performance.now() - acceptedAt;
      expect(stream.attempts.map((a) => a.outcome)).toEqual(['moved', 'completed']);
      // The first worker served 5 tokens 20 ms apart; its time counts too.
      expect(done?.type === 'done' ? done.latencyMs : -1).toBeGreaterThan(elapsed - 30);
      expect(done?.type === 'done' ? done.latencyMs : -1).toBeLessThan(elapsed + 30);
      const moved = lines.filter((l) => l.msg.startsWith('Worker lost'));
      expect(moved).toMatchObject([{ msg: 'Worker lost; request moved', from: first, to: stream.attempts[1]!.workerId }]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await registry.stop();
    }
  });

  it('when no other worker can take it, the log says once that the request failed, and why; nothing about moving', async () => {
    const { registry, controller } = await setUp();
    const worker = new Worker(shared.client, { ...workerSetup({ delayMs: 20 }), heartbeatIntervalMs: 5000 });
    await worker.start();
    const { logger, lines } = capturingLogger();
    try {
      await waitFor(() => registry.get(worker.workerId)?.state === 'online', 'the worker');
      const stream = await controller({ logger }).infer(request({ maxTokens: 20 }));
      const outcome = (async () => {
        let tokens = 0;
        for await (const event of stream) if (event.type === 'token' && ++tokens === 3) registry.onHeartbeat(offline(worker.workerId));
      })().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(await outcome).toBeInstanceOf(WorkerLostError);
      const lost = lines.filter((l) => l.msg.startsWith('Worker lost'));
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ msg: 'Worker lost; request failed', workerId: worker.workerId });
      expect(lost[0]!.why).toMatch(/went offline \(it said so\); no other worker took it/);
    } finally {
      await worker.stop();
      await registry.stop();
    }
  });
});

describe('Worker drain timeout', () => {
  it('aborts jobs still running after drainTimeoutMs, then stops', async () => {
    const worker = new Worker(shared.client, { ...workerSetup({ delayMs: 50 }), heartbeatIntervalMs: 5000, drainTimeoutMs: 100 });
    await worker.start();
    const registry = new WorkerRegistry(shared.client, { heartbeatIntervalMs: 5000, offlineTimeoutMs: 15_000 });
    await registry.start();
    try {
      await waitFor(() => registry.get(worker.workerId)?.state === 'online', 'the worker');
      const stream = await new Controller(shared.client, registry, { strategy: 'round_robin' }).infer(request({ maxTokens: 1000 }));
      const last = (async () => {
        let type = '';
        for await (const event of stream) type = event.type;
        return type;
      })();
      await waitFor(() => worker.running === 1, 'the job running');
      const t0 = Date.now();
      await worker.stop();
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(worker.running).toBe(0);
      expect(await last).toBe('error');
    } finally {
      await registry.stop();
    }
  });
});
