/**
 * A rogue worker on the same nats-server as a real one. The server lets it connect and publish anywhere here (the
 * per-node NATS permissions that would stop it from using another worker's subjects at all are tested elsewhere), so
 * this proves the receiving side: the controller reads a request's events only from the subject of the worker serving
 * it, and every channel drops a payload whose workerId contradicts its subject. The rogue is a package client (whose
 * strict writer refuses to send a contradicting payload at all) and a plain nats.js connection (which sends anything).
 */
import { randomUUID } from 'node:crypto';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientMetrics,
  Controller,
  NatsClient,
  ValidationError,
  Worker,
  WorkerLostError,
  WorkerRegistry,
  channels,
  createLogger,
  type DistributedError,
  type InferenceEngine,
  type StreamingResponse,
  type WorkerHeartbeat,
  type WorkerRegistration,
} from '../../src/index.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import { parseExposition, sampleValue } from '../helpers/reliability.js';
import { workerSetup } from '../helpers/cluster.js';

const REAL = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const ROGUE = '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f';

const cleanup = new Cleanup();
let controllerClient: NatsClient;
let rogue: NatsClient;
let rogueRaw: NatsConnection;
let registry: WorkerRegistry;
let controller: Controller;
let worker: Worker;
const metrics = new ClientMetrics();
const errors: DistributedError[] = [];
const logLines: Record<string, unknown>[] = [];
/** Each request's engine run waits here after its first token, until the test lets it go on. */
const gates = new Map<string, () => void>();

/** `Hello`, then (once released) ` world` and `!`: three tokens. Stops early when aborted. */
const engine: InferenceEngine = {
  async *generate(request, signal) {
    yield 'Hello';
    await new Promise<void>((resolve) => gates.set(request.requestId, resolve));
    if (signal.aborted) return;
    yield ' world';
    yield '!';
  },
};

beforeAll(async () => {
  const server = await cleanup.server();
  controllerClient = await cleanup.client(server.url);
  controllerClient.on('error', (error) => errors.push(error));
  metrics.attach(controllerClient);
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  registry = new WorkerRegistry(controllerClient, { heartbeatIntervalMs: 200, offlineTimeoutMs: 2000, logger });
  await registry.start();
  cleanup.add(() => registry.stop());
  controller = new Controller(controllerClient, registry, { strategy: 'least_loaded', migrate: false, idleTimeoutMs: 5000, ackTimeoutMs: 2000, logger });
  worker = new Worker(await cleanup.client(server.url), { ...workerSetup(), engine, workerId: REAL, heartbeatIntervalMs: 200 });
  await worker.start();
  cleanup.add(async () => {
    for (const release of gates.values()) release();
    await worker.stop();
  });
  rogue = await cleanup.client(server.url);
  rogueRaw = await natsConnect({ servers: server.url });
  cleanup.add(() => rogueRaw.close());
  await waitFor(() => registry.get(REAL)?.state === 'online', 'the real worker online');
});
afterAll(() => cleanup.run());

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const validationErrorsOn = (subject: string): ValidationError[] =>
  errors.filter((e): e is ValidationError => e instanceof ValidationError && e.subject === subject);
async function rejectedOn(channel: string): Promise<number> {
  return sampleValue(parseExposition(await metrics.metrics()), 'mlx_distributed_messages_rejected_total', { channel }) ?? 0;
}

describe("a rogue worker forging another worker's stream", () => {
  it("the controller delivers the real worker's text; events on the rogue's own subject are ignored and logged, contradicting payloads on the real worker's subject rejected", async () => {
    const requestId = randomUUID();
    const stream = await controller.infer({ requestId, modelId: 'llama-3.1-8b', prompt: 'Say hello' });
    expect(stream.attempts.map((a) => a.workerId)).toEqual([REAL]);
    const events: StreamingResponse[] = [];
    const reading = (async () => {
      for await (const event of stream) events.push(event);
    })();
    await waitFor(() => events.length === 1 && gates.has(requestId), 'the first real token');

    // 1. On its own subject (which per-node permissions allow it): tokens and a done for a request it does not serve.
    const own = { workerId: ROGUE, requestId };
    await channels.response.publish(rogue, own, { requestId, workerId: ROGUE, type: 'token', token: ' FORGED', index: 1 });
    await channels.response.publish(rogue, own, { requestId, type: 'done', totalTokens: 2, latencyMs: 1 });
    // 2. On the serving worker's subject, speaking as itself: its own client refuses to send that at all...
    const refused = await channels.response
      .publish(rogue, { workerId: REAL, requestId }, { requestId, workerId: ROGUE, type: 'done', totalTokens: 1, latencyMs: 1 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).direction).toBe('outbound');
    // ...and a plain NATS client sends it anyway: a forged token and a forged done, each naming the rogue.
    const servingSubject = channels.response.subject({ workerId: REAL, requestId });
    rogueRaw.publish(servingSubject, json({ requestId, workerId: ROGUE, type: 'token', token: ' FORGED', index: 1 }));
    rogueRaw.publish(servingSubject, json({ requestId, workerId: ROGUE, type: 'done', totalTokens: 2, latencyMs: 1 }));
    await rogue.flush();
    await rogueRaw.flush();
    await waitFor(() => stream.ignored === 2 && stream.rejected === 2, 'two events ignored and two rejected');

    gates.get(requestId)?.();
    await reading;
    expect(events.flatMap((e) => (e.type === 'token' ? [e.token] : [])).join('')).toBe('Hello world!');
    expect(events.at(-1)).toMatchObject({ type: 'done', totalTokens: 3 });
    expect(stream.attempts).toEqual([expect.objectContaining({ workerId: REAL, outcome: 'completed' })]);

    // Counted: the two ignored on the stream, the two rejected on the stream, in the client's metrics and errors.
    expect(stream.ignored).toBe(2);
    expect(stream.rejected).toBe(2);
    expect(await rejectedOn('response')).toBe(2);
    const reported = validationErrorsOn(servingSubject);
    expect(reported).toHaveLength(2);
    for (const error of reported) {
      expect(error.direction).toBe('inbound');
      expect(error.message).toContain(`"${ROGUE}" contradicts the subject, whose {workerId} is "${REAL}"`);
    }
    // Logged: the events of a worker that never served the request, once for the request, naming both workers.
    const warnings = logLines.filter((l) => l.requestId === requestId && l.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ from: ROGUE, serving: REAL, type: 'token', component: 'controller' })]);
    expect(warnings[0]?.msg).toMatch(/does not serve it/);
  });

  it("a rogue streaming on its own subject does not keep a silent worker's request alive", async () => {
    const idle = new Controller(controllerClient, registry, { strategy: 'least_loaded', migrate: false, idleTimeoutMs: 400, ackTimeoutMs: 2000 });
    const requestId = randomUUID();
    const stream = await idle.infer({ requestId, modelId: 'llama-3.1-8b', prompt: 'Stall' });
    // The real worker stalls after its first token; the rogue sends every 50 ms for the request, on its own subject.
    let index = 1;
    const forging = setInterval(() => {
      void channels.response.publish(rogue, { workerId: ROGUE, requestId }, { requestId, type: 'token', token: 'x', index: index++ }).catch(() => undefined);
    }, 50);
    const started = performance.now();
    try {
      let events = 0;
      const error = await (async () => {
        for await (const event of stream) if (event.type === 'token') events += 1;
      })().catch((e: unknown) => e);
      expect(events).toBe(1);
      expect(error).toBeInstanceOf(WorkerLostError);
      expect((error as WorkerLostError).message).toMatch(/no event for 400 ms/);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(stream.ignored).toBeGreaterThan(3);
    } finally {
      clearInterval(forging);
      gates.get(requestId)?.();
    }
  });
});

describe("a rogue worker forging another worker's registration and heartbeats", () => {
  it('a payload that names another worker than its subject is rejected on every worker subject; the registry keeps the real worker as it is', async () => {
    const real = registry.get(REAL);
    expect(real?.state).toBe('online');
    const before = { register: await rejectedOn('workerRegister'), heartbeat: await rejectedOn('workerHeartbeat') };
    const registration: WorkerRegistration = { ...(real?.registration as WorkerRegistration), ip: '10.6.6.6', port: 6666, timestamp: Date.now() };
    const offline: WorkerHeartbeat = { ...(real?.heartbeat as WorkerHeartbeat), status: 'offline', timestamp: Date.now() };

    // The package client will not send a payload that contradicts its subject.
    const refused = await channels.workerHeartbeat.publish(rogue, { workerId: ROGUE }, offline).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    // A plain NATS client sends it: on its own subjects (which permissions allow it) speaking for the real worker, and on
    // another worker's subjects speaking for itself.
    const forged: [subject: string, payload: unknown][] = [
      [channels.workerRegister.subject({ workerId: ROGUE }), registration],
      [channels.workerHeartbeat.subject({ workerId: ROGUE }), offline],
      [channels.workerRegister.subject({ workerId: REAL }), { ...registration, workerId: ROGUE }],
      [channels.workerHeartbeat.subject({ workerId: REAL }), { ...offline, workerId: ROGUE }],
    ];
    for (const [subject, payload] of forged) rogueRaw.publish(subject, json(payload));
    await rogueRaw.flush();
    await waitFor(() => forged.every(([subject]) => validationErrorsOn(subject).length === 1), 'each forgery reported');

    expect(await rejectedOn('workerRegister')).toBe(before.register + 2);
    expect(await rejectedOn('workerHeartbeat')).toBe(before.heartbeat + 2);
    for (const [subject] of forged) expect(validationErrorsOn(subject)[0]?.message).toMatch(/contradicts the subject, whose \{workerId\} is/);
    // Still the real worker's own word: online, at its own address; the rogue is nobody.
    await controllerClient.flush();
    expect(registry.get(REAL)).toMatchObject({ state: 'online', ip: '127.0.0.1', port: real?.port });
    expect(registry.get(ROGUE)).toBeUndefined();
  });
});
