/**
 * Worker and startNode on a real nats-server: refusals with a reason, cancellation, drain on stop, heartbeats soon
 * after jobs end, a whole node.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  channels,
  InferenceRejectedError,
  parseClusterConfig,
  startNode,
  streamInference,
  Worker,
  type InferenceEngine,
  type InferenceRequest,
  type WorkerHeartbeat,
} from '../../src/index.js';
import { freePort } from '../helpers/nats-server.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';
import { deterministicTokens, workerSetup } from '../helpers/cluster.js';

const shared = useServerWithClients();

const request = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({ requestId: randomUUID(), modelId: 'm', prompt: 'p', maxTokens: 5, ...over });

/** An engine that yields one token every `delayMs` until aborted, recording aborts. */
function slowEngine(delayMs: number, aborted: string[]): InferenceEngine {
  return {
    async *generate(req, signal) {
      signal.addEventListener('abort', () => aborted.push(req.requestId));
      for (let i = 0; i < (req.maxTokens ?? 5) && !signal.aborted; i++) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield `t${i} `;
      }
    },
  };
}

async function drain(stream: AsyncIterable<{ type: string }>): Promise<string[]> {
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  return types;
}

describe('Worker', () => {
  it('refuses past maxConcurrent with at_capacity, and accepts again once a slot is free', async () => {
    const worker = new Worker(shared.client, { ...workerSetup({ maxConcurrent: 1 }), engine: slowEngine(20, []), heartbeatIntervalMs: 1000 });
    await worker.start();
    try {
      const first = await streamInference(shared.client, worker.workerId, request());
      const refused = await streamInference(shared.client, worker.workerId, request()).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(InferenceRejectedError);
      expect((refused as InferenceRejectedError).reason).toBe('at_capacity');
      expect(await drain(first)).toContain('done');
      await waitFor(() => worker.running === 0, 'the slot free');
      expect(await drain(await streamInference(shared.client, worker.workerId, request()))).toContain('done');
    } finally {
      await worker.stop();
    }
  });

  it('aborts the engine when the reader stops, and frees the slot', async () => {
    const aborted: string[] = [];
    const worker = new Worker(shared.client, { ...workerSetup({ maxConcurrent: 1 }), engine: slowEngine(30, aborted), heartbeatIntervalMs: 1000 });
    await worker.start();
    try {
      const req = request({ maxTokens: 100 });
      const stream = await streamInference(shared.client, worker.workerId, req);
      for await (const event of stream) if (event.type === 'token') break;
      await waitFor(() => aborted.includes(req.requestId) && worker.running === 0, 'the job aborted');
    } finally {
      await worker.stop();
    }
  });

  it('on stop: refuses new work (shutting_down), finishes running streams, and says offline last', async () => {
    const heartbeats: WorkerHeartbeat[] = [];
    const sub = await channels.workerHeartbeat.subscribe(shared.client, { workerId: '*' }, (hb) => {
      heartbeats.push(hb);
    });
    const worker = new Worker(shared.client, { ...workerSetup({ maxConcurrent: 2 }), engine: slowEngine(20, []), heartbeatIntervalMs: 1000 });
    await worker.start();
    const running = await streamInference(shared.client, worker.workerId, request({ maxTokens: 10 }));
    const finished = drain(running);
    const stopped = worker.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await streamInference(shared.client, worker.workerId, request()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((refused as InferenceRejectedError).reason).toBe('shutting_down');
    expect(await finished).toEqual([...Array<string>(10).fill('token'), 'done']);
    await stopped;
    await waitFor(() => heartbeats.filter((h) => h.workerId === worker.workerId).at(-1)?.status === 'offline', 'the final offline heartbeat');
    await sub.unsubscribe();
  });
});

describe('Worker heartbeats', () => {
  it('after jobs end, one heartbeat soon reports them (not one per job, not a whole interval later); offline stays last', async () => {
    const heartbeats: WorkerHeartbeat[] = [];
    const sub = await channels.workerHeartbeat.subscribe(shared.client, { workerId: '*' }, (hb) => {
      heartbeats.push(hb);
    });
    // Jobs end well within the interval; the heartbeat that reports them may wait a tenth of it (200 ms).
    const worker = new Worker(shared.client, { ...workerSetup(), heartbeatIntervalMs: 2000 });
    const own = (): WorkerHeartbeat[] => heartbeats.filter((h) => h.workerId === worker.workerId);
    try {
      await worker.start();
      await waitFor(() => own().length === 1, 'the first heartbeat');
      for (let i = 0; i < 5; i++) await drain(await streamInference(shared.client, worker.workerId, request()));
      await waitFor(() => own().at(-1)?.metrics.totalRequestsHandled === 5, 'a heartbeat that counts the five jobs', 1000);
      expect(own().at(-1)?.metrics.activeRequests).toBe(0);
      expect(own().length - 1).toBeLessThan(5);
      await drain(await streamInference(shared.client, worker.workerId, request()));
    } finally {
      await worker.stop();
    }
    // The job that ended just before stop() must not send an online heartbeat after the offline one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(own().at(-1)).toMatchObject({ status: 'offline', metrics: { totalRequestsHandled: 6 } });
    await sub.unsubscribe();
  });
});

describe('startNode', () => {
  it('dual mode with embedded NATS: a controller and a worker from the config; infer; stop drains everything', async () => {
    const config = parseClusterConfig({
      cluster: {
        mode: 'dual',
        nats: { mode: 'embedded', embedded: { port: await freePort(), http_port: await freePort() } },
        discovery: { heartbeat_interval_ms: 200, offline_timeout_ms: 600 },
        load_balancing: { strategy: 'least_loaded' },
      },
    });
    const node = await startNode(config, { worker: workerSetup() });
    try {
      expect(node.controller).toBeDefined();
      expect(node.worker).toBeDefined();
      await waitFor(() => node.controller!.registry.get(node.worker!.workerId)?.state === 'online', 'its own worker online');
      const req = request();
      const stream = await node.controller!.infer(req);
      let text = '';
      for await (const event of stream) if (event.type === 'token') text += event.token;
      expect(text).toBe(deterministicTokens(req).join(''));
      expect(stream.attempts[0]!.reason).toMatch(/^least_loaded/);
    } finally {
      await node.stop();
    }
    expect(node.client.getConnectionState()).toBe('closed');
  });

  it('a worker node without an engine is refused with what to pass', async () => {
    const config = parseClusterConfig({ cluster: { mode: 'worker', nats: { mode: 'external', server_url: shared.server.url } } });
    await expect(startNode(config)).rejects.toThrow(/pass startNode\(config, \{ worker: \{ engine, hardware, capabilities \} \}\)/);
  });
});
