/**
 * One trace per request through `controller.infer`, across processes: the controller here and each worker in a child
 * process, each with its own OpenTelemetry SDK (the workers write their spans to stdout as they end), on a real
 * nats-server. The controller's spans and the worker's join in one trace by parent links alone (W3C context in the
 * NATS headers), with the messaging conventions' attributes and the routing reason; a request moved from a killed
 * worker to another shows both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Controller, NatsClient, WorkerRegistry, type InferenceRequest } from '../../src/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { deterministicTokens } from '../helpers/cluster.js';
import { waitFor } from '../helpers/client.js';
import { installSdk, record, type SpanRecord, type TestSdk } from './sdk.js';

interface TracedWorker {
  readonly workerId: string;
  readonly child: ChildProcess;
  /** The spans the worker's SDK exported so far. */
  readonly spans: SpanRecord[];
}

let server: TestNatsServer;
let sdk: TestSdk;
let client: NatsClient;
let raw: NatsConnection;
let registry: WorkerRegistry;
let controller: Controller;
const children: ChildProcess[] = [];

/** A worker in its own process with its own SDK; resolves once it has started. */
async function tracedWorker(delayMs: number, workerId: string = randomUUID()): Promise<TracedWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/tracing/worker-child.ts', server.url, workerId, String(delayMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const spans: SpanRecord[] = [];
  let buffered = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line === 'ready') resolve();
        else if (line.startsWith('span ')) spans.push(JSON.parse(line.slice(5)) as SpanRecord);
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`worker process exited (${String(code)}) before it was ready: ${err}`));
    });
  });
  await waitFor(() => registry.get(workerId)?.state === 'online', `worker ${workerId} online`);
  return { workerId, child, spans };
}

const request = (maxTokens: number): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3.1-8b', prompt: 'trace', maxTokens });
const controllerSpans = (): SpanRecord[] => sdk.spans().map(record);
const one = (spans: SpanRecord[], predicate: (span: SpanRecord) => boolean, what: string): SpanRecord => {
  const found = spans.filter(predicate);
  expect(found, what).toHaveLength(1);
  return found[0] as SpanRecord;
};
const MESSAGING = [
  'messaging.system',
  'messaging.destination.name',
  'messaging.destination.template',
  'messaging.operation.type',
  'messaging.operation.name',
  'messaging.message.body.size',
];

beforeAll(async () => {
  sdk = installSdk();
  server = await startNatsServer();
  raw = await connect({ servers: server.url });
  client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: server.url });
  registry = new WorkerRegistry(client, { heartbeatIntervalMs: 100, offlineTimeoutMs: 600 });
  await registry.start();
  controller = new Controller(client, registry, { strategy: 'least_loaded', idleTimeoutMs: 5000 });
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

afterAll(async () => {
  await registry.stop();
  await client.disconnect();
  await raw.close();
  await server.stop();
  await sdk.uninstall();
});

describe('a request through controller.infer to a worker in another process', () => {
  it("is one trace: the request, its routing (worker and reason), the attempt, the request message, and the worker's handling and generation, by parent links", async () => {
    const worker = await tracedWorker(5);
    const req = request(6);
    // What a foreign reader of the stream sees: every event carries the trace context.
    const carried: (string | undefined)[] = [];
    const spy = raw.subscribe(`response.*.${req.requestId}`, {
      callback: (_e, msg) => {
        carried.push(msg.headers?.get('traceparent'));
      },
    });
    await raw.flush();
    const stream = await controller.infer(req);
    let text = '';
    for await (const event of stream) if (event.type === 'token') text += event.token;
    expect(text).toBe(deterministicTokens(req).join(''));
    await waitFor(() => worker.spans.some((s) => s.name === 'generate llama-3.1-8b'), "the worker's generation span");
    await waitFor(() => controllerSpans().some((s) => s.name === 'text_completion llama-3.1-8b'), "the request's span");
    await waitFor(() => carried.length === 7, 'six tokens and done');
    spy.unsubscribe();

    const mine = controllerSpans();
    const root = one(mine, (s) => s.name === 'text_completion llama-3.1-8b', 'the request span');
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.request.model': 'llama-3.1-8b',
      'gen_ai.request.max_tokens': 6,
      'gen_ai.usage.output_tokens': 6,
      'mlx.request.id': req.requestId,
      'mlx.request.outcome': 'completed',
    });
    const firstToken = root.events.find((e) => e.name === 'first_token');
    expect(firstToken?.attributes['mlx.worker.id']).toBe(worker.workerId);
    expect(firstToken?.attributes['gen_ai.server.time_to_first_token']).toBeGreaterThan(0);

    const routed = one(mine, (s) => s.name === 'route', 'the routing span');
    expect(routed).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId });
    expect(routed.attributes).toEqual({
      'mlx.route.strategy': 'least_loaded',
      'mlx.route.excluded': 0,
      'mlx.worker.id': worker.workerId,
      'mlx.route.reason': stream.attempts[0]?.reason,
    });
    expect(routed.attributes['mlx.route.reason']).toMatch(/\S/);

    const attempt = one(mine, (s) => s.name === 'attempt', 'the attempt span');
    expect(attempt).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId, links: [] });
    expect(attempt.attributes).toMatchObject({
      'mlx.worker.id': worker.workerId,
      'mlx.attempt.number': 1,
      'mlx.attempt.from_token': 0,
      'mlx.attempt.outcome': 'completed',
    });

    const send = one(mine, (s) => s.name === 'send worker.{workerId}.inference', 'the request message');
    expect(send).toMatchObject({ traceId: root.traceId, parentSpanId: attempt.spanId, kind: 2 });
    expect(Object.keys(send.attributes)).toEqual(expect.arrayContaining(MESSAGING));
    expect(send.attributes['messaging.destination.name']).toBe(`worker.${worker.workerId}.inference`);

    // The worker's side, from the other process: joined by the trace context in the request's headers.
    const handled = one(worker.spans, (s) => s.name === 'process worker.{workerId}.inference', "the worker's handling");
    expect(handled).toMatchObject({ traceId: root.traceId, parentSpanId: send.spanId, kind: 1 });
    expect(Object.keys(handled.attributes)).toEqual(expect.arrayContaining(MESSAGING));
    expect(handled.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.template': 'worker.{workerId}.inference',
      'messaging.operation.type': 'process',
    });
    const generation = one(worker.spans, (s) => s.name === 'generate llama-3.1-8b', 'the generation');
    expect(generation).toMatchObject({ traceId: root.traceId, parentSpanId: handled.spanId });
    expect(generation.attributes).toMatchObject({ 'mlx.worker.id': worker.workerId, 'gen_ai.usage.output_tokens': 6, 'mlx.generation.outcome': 'done' });
    expect(generation.events.map((e) => e.name)).toEqual(['first_token']);

    // Every event of the stream carries the request's trace, with no span of its own per token.
    expect(carried.every((traceparent) => traceparent?.split('-')[1] === root.traceId)).toBe(true);
    expect([...mine, ...worker.spans].filter((s) => s.name.includes('response.'))).toEqual([]);
    // Nothing of this request outside its trace.
    expect(new Set([...mine, ...worker.spans].filter((s) => s.attributes['mlx.request.id'] === req.requestId).map((s) => s.traceId))).toEqual(
      new Set([root.traceId]),
    );
  });

  it('a request moved from a killed worker to another is still one trace, and it shows both workers', async () => {
    sdk.exporter.reset();
    // Two workers, idle: least_loaded picks the lower id first.
    const [low, high] = [randomUUID(), randomUUID()].sort() as [string, string];
    const [first, other] = await Promise.all([tracedWorker(150, low), tracedWorker(5, high)]);
    const req = request(14);
    const stream = await controller.infer(req);
    let text = '';
    for await (const event of stream) {
      if (event.type !== 'token') continue;
      // The first worker dies mid-stream.
      if (text === '') first.child.kill('SIGKILL');
      text += event.token;
    }
    expect(text).toBe(deterministicTokens(req).join(''));
    expect(stream.attempts.map((a) => [a.workerId, a.outcome])).toEqual([
      [first.workerId, 'moved'],
      [other.workerId, 'completed'],
    ]);
    await waitFor(() => other.spans.some((s) => s.name === 'generate llama-3.1-8b'), "the second worker's generation");
    await waitFor(() => controllerSpans().some((s) => s.name === 'text_completion llama-3.1-8b'), "the request's span");

    const mine = controllerSpans();
    const root = one(mine, (s) => s.name === 'text_completion llama-3.1-8b', 'the request span');
    const moved = root.events.find((e) => e.name === 'moved');
    expect(moved?.attributes).toMatchObject({ 'mlx.worker.from': first.workerId, 'mlx.worker.to': other.workerId });
    const attempts = mine
      .filter((s) => s.name === 'attempt')
      .sort((a, b) => Number(a.attributes['mlx.attempt.number']) - Number(b.attributes['mlx.attempt.number']));
    expect(attempts.map((a) => [a.attributes['mlx.worker.id'], a.attributes['mlx.attempt.outcome'], a.parentSpanId])).toEqual([
      [first.workerId, 'moved', root.spanId],
      [other.workerId, 'completed', root.spanId],
    ]);
    expect(attempts[0]?.status.code).toBe(2);
    // The move, as a link from the new attempt to the one it follows.
    expect(attempts[1]?.links).toEqual([{ traceId: root.traceId, spanId: attempts[0]?.spanId, attributes: { 'mlx.link': 'previous attempt' } }]);
    expect(attempts[1]?.attributes['mlx.attempt.from_token']).toBeGreaterThan(0);
    // The routing of the move says why the second worker was chosen, and excludes the first.
    const routes = mine.filter((s) => s.name === 'route');
    expect(routes.map((r) => r.attributes['mlx.worker.id'])).toEqual([first.workerId, other.workerId]);
    expect(routes[1]?.attributes['mlx.route.excluded']).toBe(1);

    // Both workers' spans are in the request's trace, each under its own attempt's request message.
    const sends = mine.filter((s) => s.name === 'send worker.{workerId}.inference');
    const sendUnder = (attempt: SpanRecord | undefined): string | undefined => sends.find((s) => s.parentSpanId === attempt?.spanId)?.spanId;
    const firstHandled = one(first.spans, (s) => s.name === 'process worker.{workerId}.inference', "the first worker's handling");
    expect(firstHandled).toMatchObject({ traceId: root.traceId, parentSpanId: sendUnder(attempts[0]) });
    const otherHandled = one(other.spans, (s) => s.name === 'process worker.{workerId}.inference', "the second worker's handling");
    expect(otherHandled).toMatchObject({ traceId: root.traceId, parentSpanId: sendUnder(attempts[1]) });
    const generation = one(other.spans, (s) => s.name === 'generate llama-3.1-8b', 'the second generation');
    expect(generation).toMatchObject({ traceId: root.traceId, parentSpanId: otherHandled.spanId });
    expect(generation.attributes['mlx.generation.from_token']).toBe(attempts[1]?.attributes['mlx.attempt.from_token']);
  });
});
