/**
 * The controller under chaos, one defect at a time, on a real nats-server: a move while the consumer is paused
 * leaves nothing behind for the next worker; a worker restarted under the same id (a new process, a new
 * `instanceId`) loses its streams at once, not after the idle timeout; a "no responders" answer marks the worker
 * suspect and does not use up the attempts; a thousand requests in flight share the controller's registry
 * listeners; a refusal is an `InferenceRejectedError` wherever it surfaces.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  channels,
  Controller,
  createLogger,
  InferenceRejectedError,
  streamInference,
  Worker,
  WorkerRegistry,
  type InferenceRequest,
  type Logger,
  type StreamingResponse,
  type WorkerHeartbeat,
  type WorkerRegistration,
} from '../../src/index.js';
import { Cleanup, useServerWithClients, waitFor } from '../helpers/client.js';
import { monitor, startNatsCluster } from '../helpers/nats-server.js';
import { killHard } from '../helpers/reliability.js';
import { deterministicTokens, startWorkerProcess, workerSetup } from '../helpers/cluster.js';

const shared = useServerWithClients();

const request = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({ requestId: randomUUID(), modelId: 'm', prompt: 'p', maxTokens: 3, ...over });
/** Ids in the order `least_loaded` tries them when loads are equal. */
const FIRST = '00000000-0000-4000-8000-000000000001';
const SECOND = '00000000-0000-4000-8000-000000000002';

function capturingLogger(): { logger: Logger; lines: { msg: string; why?: string; from?: string; to?: string }[] } {
  const lines: { msg: string; why?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) } });
  return { logger, lines };
}

function heartbeat(workerId: string, status: WorkerHeartbeat['status']): WorkerHeartbeat {
  const metrics = {
    cpuUsagePercent: 0,
    memoryUsedGB: 0,
    gpuUtilizationPercent: 0,
    activeRequests: 0,
    totalRequestsHandled: 0,
    avgLatencyMs: 0,
    modelsLoaded: [],
  };
  return { workerId, status, metrics, timestamp: Date.now() };
}

function ghost(workerId: string): WorkerRegistration {
  const { hardware, capabilities } = workerSetup();
  return { workerId, hostname: 'ghost', ip: '127.0.0.1', port: 9999, hardware, capabilities, status: 'online', timestamp: Date.now() };
}

async function registry(over: { heartbeatIntervalMs?: number; offlineTimeoutMs?: number } = {}): Promise<WorkerRegistry> {
  const r = new WorkerRegistry(shared.client, { heartbeatIntervalMs: 5000, offlineTimeoutMs: 20_000, ...over });
  await r.start();
  return r;
}

describe('a move while the consumer is paused', () => {
  it('the new worker streams to the end: the interrupt meant for the old one is not read as the new one going quiet', async () => {
    const r = await registry();
    const workers = [FIRST, SECOND].map((workerId) => new Worker(shared.client, { ...workerSetup({ delayMs: 10 }), heartbeatIntervalMs: 5000, workerId }));
    await Promise.all(workers.map((w) => w.start()));
    const { logger, lines } = capturingLogger();
    try {
      await waitFor(() => r.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const req = request({ maxTokens: 30 });
      const stream = await new Controller(shared.client, r, { strategy: 'least_loaded', logger }).infer(req);
      const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<StreamingResponse, undefined>;
      const text: string[] = [];
      for (let i = 0; i < 3; i++) {
        const event = (await iterator.next()).value;
        if (event?.type === 'token') text.push(event.token);
      }
      // Paused: nobody reads while the serving worker goes offline and the first worker's tokens pile up.
      r.onHeartbeat(heartbeat(FIRST, 'offline'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (;;) {
        const { value: event, done } = await iterator.next();
        if (done === true) break;
        if (event.type === 'token') text.push(event.token);
        if (event.type !== 'token') expect(event.type).toBe('done');
      }
      expect(text.join('')).toBe(deterministicTokens(req).join(''));
      expect(stream.attempts.map((a) => [a.workerId, a.outcome])).toEqual([
        [FIRST, 'moved'],
        [SECOND, 'completed'],
      ]);
      const lost = lines.filter((l) => l.msg.startsWith('Worker lost'));
      expect(lost).toMatchObject([{ msg: 'Worker lost; request moved', why: 'it went offline (it said so)' }]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await r.stop();
    }
  });
});

describe('a worker restarted under the same id', () => {
  it('loses its streams as soon as its new run speaks, long before the idle or offline timeout', async () => {
    // Offline after 20 s and idle after 30 s: only the new instanceId can move the request within the test's time.
    const r = await registry({ heartbeatIntervalMs: 500 });
    const healthy = new Worker(shared.client, { ...workerSetup({ delayMs: 20 }), heartbeatIntervalMs: 500, workerId: SECOND });
    let child: ChildProcess | undefined = await startWorkerProcess(shared.server.url, FIRST, 500, 40);
    await healthy.start();
    const { logger, lines } = capturingLogger();
    try {
      await waitFor(() => r.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const firstRun = r.get(FIRST)?.instanceId;
      expect(firstRun).toMatch(/^[0-9a-f-]{36}$/);
      const req = request({ maxTokens: 40 });
      const stream = await new Controller(shared.client, r, { strategy: 'least_loaded', logger }).infer(req);
      const text: string[] = [];
      let restartedAt = 0;
      for await (const event of stream) {
        if (event.type !== 'token') {
          expect(event.type).toBe('done');
          continue;
        }
        text.push(event.token);
        if (text.length === 5) {
          child.kill('SIGKILL');
          child = await startWorkerProcess(shared.server.url, FIRST, 500, 40);
          restartedAt = performance.now();
        }
      }
      expect(text.join('')).toBe(deterministicTokens(req).join(''));
      expect(stream.attempts.map((a) => [a.workerId, a.outcome, a.detail])).toEqual([
        [FIRST, 'moved', 'it restarted'],
        [SECOND, 'completed', undefined],
      ]);
      expect(r.get(FIRST)?.instanceId).not.toBe(firstRun);
      expect(r.get(FIRST)?.state).toBe('online');
      expect(lines.filter((l) => l.msg === 'Worker lost; request moved')).toMatchObject([{ from: FIRST, to: SECOND, why: 'it restarted' }]);
      // The rest of the stream (35 tokens, 20 ms apart) came from the healthy worker right after the restart.
      expect(performance.now() - restartedAt).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
      await healthy.stop();
      await r.stop();
    }
  });

  it('drops late messages of a run it replaced, so an old heartbeat cannot bring the old run back', async () => {
    const r = await registry();
    try {
      const [runA, runB] = [randomUUID(), randomUUID()];
      const restarts: string[] = [];
      r.on('restarted', (worker, previous) => restarts.push(`${previous}->${String(worker.instanceId)}`));
      r.onRegistration({ ...ghost(FIRST), instanceId: runA });
      r.onRegistration({ ...ghost(FIRST), instanceId: runB });
      r.onHeartbeat({ ...heartbeat(FIRST, 'offline'), instanceId: runA });
      expect(restarts).toEqual([`${runA}->${runB}`]);
      expect(r.get(FIRST)).toMatchObject({ instanceId: runB, state: 'online' });
    } finally {
      await r.stop();
    }
  });
});

describe('tokens lost on the way', () => {
  it('a gap in the stream moves the request on from the last token in order; the worker is not marked lost', async () => {
    const r = await registry();
    // FIRST accepts and streams tokens 0, 1, then 3 and 4: index 2 never comes (as while a connection was down).
    const lossy = await channels.workerInference.reply(shared.client, { workerId: FIRST }, (req) => {
      setTimeout(() => {
        for (const index of [0, 1, 3, 4]) {
          void channels.response.publish(
            shared.client,
            { workerId: FIRST, requestId: req.requestId },
            { requestId: req.requestId, type: 'token', token: deterministicTokens(req)[index] ?? '', index },
          );
        }
      }, 5);
      return { requestId: req.requestId, workerId: FIRST, status: 'accepted' as const };
    });
    const healthy = new Worker(shared.client, { ...workerSetup(), heartbeatIntervalMs: 5000, workerId: SECOND });
    await healthy.start();
    r.onRegistration(ghost(FIRST));
    try {
      await waitFor(() => r.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const req = request({ maxTokens: 8 });
      const stream = await new Controller(shared.client, r, { strategy: 'least_loaded', reorderTimeoutMs: 200 }).infer(req);
      let text = '';
      for await (const event of stream) if (event.type === 'token') text += event.token;
      expect(text).toBe(deterministicTokens(req).join(''));
      expect(stream.attempts.map((a) => [a.workerId, a.outcome, a.fromToken])).toEqual([
        [FIRST, 'gap', 0],
        [SECOND, 'completed', 2],
      ]);
      expect(stream.attempts[0]?.detail).toMatch(/^tokens lost on the way: .*missing index 2/);
      expect(r.get(FIRST)?.state).toBe('online');
    } finally {
      await lossy.unsubscribe();
      await healthy.stop();
      await r.stop();
    }
  });
});

describe("the controller's connection lost mid-stream", () => {
  it('a stream that stays silent once the connection is back goes on from its last token, without waiting for the idle timeout', async () => {
    const cleanup = new Cleanup();
    const nats = await startNatsCluster(2);
    cleanup.add(() => nats.stop());
    try {
      const controllerClient = await cleanup.client('', { serverUrl: undefined, servers: nats.urls });
      const on = (await Promise.all(nats.servers.map((server) => monitor(server, '/connz')))).findIndex((connz) => Number(connz?.num_connections ?? 0) > 0);
      const other = nats.urls[1 - on] ?? '';
      const workerClient = await cleanup.client(other);
      // FIRST sends two tokens and then nothing: as if the rest of its stream went out while the controller was away.
      const cut = await channels.workerInference.reply(workerClient, { workerId: FIRST }, (req) => {
        setTimeout(() => {
          for (const index of [0, 1]) {
            void channels.response.publish(
              workerClient,
              { workerId: FIRST, requestId: req.requestId },
              { requestId: req.requestId, type: 'token', token: deterministicTokens(req)[index] ?? '', index },
            );
          }
        }, 5);
        return { requestId: req.requestId, workerId: FIRST, status: 'accepted' as const };
      });
      cleanup.add(() => cut.unsubscribe());
      const healthy = new Worker(workerClient, { ...workerSetup(), heartbeatIntervalMs: 5000, workerId: SECOND });
      await healthy.start();
      cleanup.add(() => healthy.stop());
      const r = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 5000, offlineTimeoutMs: 20_000 });
      await r.start();
      cleanup.add(() => r.stop());
      r.onRegistration(ghost(FIRST));
      await waitFor(() => r.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      const req = request({ maxTokens: 6 });
      const stream = await new Controller(controllerClient, r, { strategy: 'least_loaded', reorderTimeoutMs: 300 }).infer(req);
      let text = '';
      for await (const event of stream) {
        if (event.type !== 'token') continue;
        text += event.token;
        if (event.index === 1) killHard(nats.servers[on]!);
      }
      expect(text).toBe(deterministicTokens(req).join(''));
      expect(stream.attempts.map((a) => [a.workerId, a.outcome, a.fromToken])).toEqual([
        [FIRST, 'gap', 0],
        [SECOND, 'completed', 2],
      ]);
      expect(stream.attempts[0]?.detail).toMatch(/after this controller reconnected to NATS/);
    } finally {
      await cleanup.run();
    }
  });
});

describe('no responders', () => {
  it('marks the worker suspect until it is heard from again, and does not use up the attempts', async () => {
    const r = await registry();
    const worker = new Worker(shared.client, { ...workerSetup(), heartbeatIntervalMs: 5000, workerId: SECOND });
    await worker.start();
    r.onRegistration(ghost(FIRST));
    try {
      await waitFor(() => r.workers().filter((w) => w.state === 'online').length === 2, 'two workers');
      // One attempt allowed, and the ghost is tried first: its "no responders" must not be the one.
      const controller = new Controller(shared.client, r, { strategy: 'least_loaded', maxAttempts: 1 });
      const stream = await controller.infer(request());
      for await (const event of stream) if (event.type !== 'token') expect(event.type).toBe('done');
      expect(stream.attempts.map((a) => [a.workerId, a.outcome])).toEqual([
        [FIRST, 'no responders'],
        [SECOND, 'completed'],
      ]);
      expect(r.get(FIRST)).toMatchObject({ state: 'offline', offlineReason: 'no_responders' });
      // Suspect: the router no longer chooses it.
      const next = await controller.infer(request());
      for await (const event of next) if (event.type !== 'token') break;
      expect(next.attempts.map((a) => a.workerId)).toEqual([SECOND]);
      // Heard from again: back in the pool.
      r.onHeartbeat(heartbeat(FIRST, 'online'));
      expect(r.get(FIRST)).toMatchObject({ state: 'online', offlineReason: undefined });
    } finally {
      await worker.stop();
      await r.stop();
    }
  });

  it('with no other worker left, the request fails with the no-responders error', async () => {
    const r = await registry();
    r.onRegistration(ghost(FIRST));
    r.onRegistration(ghost(SECOND));
    try {
      await expect(new Controller(shared.client, r, { strategy: 'least_loaded', maxAttempts: 1 }).infer(request())).rejects.toMatchObject({
        code: 'NATS_NO_RESPONDERS',
      });
      expect(r.workers().map((w) => w.offlineReason)).toEqual(['no_responders', 'no_responders']);
    } finally {
      await r.stop();
    }
  });
});

describe('requests in flight', () => {
  it('a thousand concurrent infer() calls share two registry listeners, and Node warns about none', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    const r = await registry();
    const worker = new Worker(shared.client, { ...workerSetup({ maxConcurrent: 2000, delayMs: 5 }), heartbeatIntervalMs: 5000, workerId: FIRST });
    await worker.start();
    try {
      await waitFor(() => r.get(FIRST)?.state === 'online', 'the worker');
      const controller = new Controller(shared.client, r, { strategy: 'least_loaded' });
      let most = 0;
      const texts = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const req = request({ prompt: `q${i}` });
          const stream = await controller.infer(req);
          most = Math.max(most, r.listenerCount('offline') + r.listenerCount('restarted'));
          let text = '';
          for await (const event of stream) if (event.type === 'token') text += event.token;
          return text === deterministicTokens(req).join('');
        }),
      );
      expect(texts.every(Boolean)).toBe(true);
      expect(most).toBe(2);
      expect(controller.inFlight).toBe(0);
      expect(r.listenerCount('offline') + r.listenerCount('restarted')).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await worker.stop();
      await r.stop();
    }
  });
});

describe('a refusal', () => {
  it('is an InferenceRejectedError from controller.infer, as from streamInference', async () => {
    const r = await registry();
    const worker = new Worker(shared.client, { ...workerSetup({ maxConcurrent: 1, delayMs: 50 }), heartbeatIntervalMs: 5000, workerId: FIRST });
    await worker.start();
    const blocker = await streamInference(shared.client, FIRST, request({ maxTokens: 1000 }));
    try {
      await waitFor(() => r.get(FIRST)?.state === 'online', 'the worker');
      const refused = await new Controller(shared.client, r, { strategy: 'least_loaded' }).infer(request()).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(InferenceRejectedError);
      expect(refused).toMatchObject({ code: 'INFERENCE_REJECTED', workerId: FIRST, reason: 'at_capacity' });
      const direct = await streamInference(shared.client, FIRST, request()).catch((error: unknown) => error);
      expect(direct).toBeInstanceOf(InferenceRejectedError);
    } finally {
      await blocker.cancel();
      await worker.stop();
      await r.stop();
    }
  });
});
