/** The streaming inference helper on a real nats-server: controller and worker sides through the generated channels. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channels,
  InferenceRejectedError,
  NatsClient,
  NatsNoRespondersError,
  NatsTimeoutError,
  serveInference,
  streamInference,
  type InferenceAck,
  type InferenceRequest,
  type StreamingResponse,
  type Subscription,
} from '../../src/index.js';
import { monitor, startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/client.js';

let server: TestNatsServer;
let controller: NatsClient;
let worker: NatsClient;
const serving: Subscription[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  controller = new NatsClient();
  worker = new NatsClient();
  await controller.connect({ mode: 'external', serverUrl: server.url });
  await worker.connect({ mode: 'external', serverUrl: server.url });
});

afterAll(async () => {
  await Promise.all(serving.map((s) => s.unsubscribe()));
  await controller.disconnect();
  await worker.disconnect();
  await server.stop();
});

const request = (prompt = 'hello'): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3', prompt });
const accept =
  (workerId: string) =>
  (req: InferenceRequest): InferenceAck => ({ requestId: req.requestId, workerId, status: 'accepted' });

/** Counts server-side subscriptions on `subject` (monitoring endpoint). */
async function subscriptionsOn(subject: string): Promise<number> {
  // UNSUB is sent asynchronously; a flush round-trip guarantees the server has processed it.
  await controller.flush();
  const subsz = await monitor(server.server, '/subsz?subs=1');
  const list = (subsz?.subscriptions_list ?? []) as { subject: string }[];
  return list.filter((s) => s.subject === subject).length;
}

async function collect(stream: AsyncIterable<StreamingResponse>): Promise<StreamingResponse[]> {
  const events: StreamingResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('streaming inference', () => {
  it('streams every token in order and ends on done', async () => {
    const workerId = randomUUID();
    serving.push(
      await serveInference(worker, workerId, {
        accept: accept(workerId),
        *generate(req) {
          yield* req.prompt.split('');
        },
      }),
    );
    const req = request('abcdef');
    const stream = await streamInference(controller, workerId, req);
    expect(stream.ack).toEqual({ requestId: req.requestId, workerId, status: 'accepted' });
    const events = await collect(stream);
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.map((e) => e.token).join('')).toBe('abcdef');
    expect(tokens.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const last = events.at(-1);
    expect(last?.type).toBe('done');
    if (last?.type === 'done') expect(last.totalTokens).toBe(6);
    expect(events.every((e) => e.requestId === req.requestId)).toBe(true);
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(0);
  });

  it('a refusal rejects with InferenceRejectedError carrying the reason, and leaves no subscription', async () => {
    const workerId = randomUUID();
    serving.push(
      await serveInference(worker, workerId, {
        accept: (req) => ({ requestId: req.requestId, workerId, status: 'refused', reason: 'at_capacity' }),
        generate: () => ['never'],
      }),
    );
    const req = request();
    const error = await streamInference(controller, workerId, req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceRejectedError);
    expect((error as InferenceRejectedError).reason).toBe('at_capacity');
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(0);
  });

  it('a generator that throws ends the stream with an error event carrying its code', async () => {
    const workerId = randomUUID();
    serving.push(
      await serveInference(worker, workerId, {
        accept: accept(workerId),
        // eslint-disable-next-line require-yield
        *generate() {
          throw Object.assign(new Error('GPU out of memory'), { code: 'OOM' });
        },
      }),
    );
    const events = await collect(await streamInference(controller, workerId, request()));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: 'GPU out of memory', code: 'OOM' });
  });

  it('ends with NatsTimeoutError when the worker goes quiet', async () => {
    const workerId = randomUUID();
    serving.push(
      await serveInference(worker, workerId, {
        accept: accept(workerId),
        async *generate() {
          yield 'first';
          await new Promise((resolve) => setTimeout(resolve, 2000));
          yield 'too late';
        },
      }),
    );
    const req = request();
    const stream = await streamInference(controller, workerId, req, { idleTimeoutMs: 150 });
    const seen: StreamingResponse[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen.map((e) => e.type)).toEqual(['token']);
    expect(error).toBeInstanceOf(NatsTimeoutError);
    expect((error as NatsTimeoutError).subject).toBe(`response.${workerId}.${req.requestId}`);
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(0);
  });

  it('breaking out of the loop unsubscribes', async () => {
    const workerId = randomUUID();
    serving.push(await serveInference(worker, workerId, { accept: accept(workerId), generate: () => ['a', 'b', 'c', 'd'] }));
    const req = request();
    const stream = await streamInference(controller, workerId, req);
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(1);
    for await (const event of stream) {
      expect(event.type).toBe('token');
      break;
    }
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(0);
  });

  it('no worker listening gives NatsNoRespondersError and leaves no subscription', async () => {
    const req = request();
    const error = await streamInference(controller, randomUUID(), req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsNoRespondersError);
    expect(await subscriptionsOn(`response.*.${req.requestId}`)).toBe(0);
  });

  it('a generator yielding nothing ends with an EMPTY_OUTPUT error event (the contract requires totalTokens > 0)', async () => {
    const workerId = randomUUID();
    serving.push(await serveInference(worker, workerId, { accept: accept(workerId), generate: () => [] }));
    const events = await collect(await streamInference(controller, workerId, request()));
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'EMPTY_OUTPUT' })]);
  });

  it('many concurrent streams stay separate', async () => {
    const workerId = randomUUID();
    serving.push(
      await serveInference(worker, workerId, {
        accept: accept(workerId),
        *generate(req) {
          yield* req.prompt.split(' ');
        },
      }),
    );
    const prompts = Array.from({ length: 20 }, (_, i) => `p${i} x y z`);
    const texts = await Promise.all(
      prompts.map(async (prompt) => {
        const events = await collect(await streamInference(controller, workerId, request(prompt)));
        return events.flatMap((e) => (e.type === 'token' ? [e.token] : [])).join(' ');
      }),
    );
    expect(texts).toEqual(prompts);
    // Pinned: deployed controllers and workers meet on this subject; the helper's streams depend on it.
    expect(channels.response.address).toBe('response.{workerId}.{requestId}');
  });

  it("reads only the accepting worker's subject: another worker's events are ignored and counted, a payload that contradicts its subject is rejected", async () => {
    const workerId = randomUUID();
    const other = randomUUID();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    serving.push(
      await serveInference(worker, workerId, {
        accept: accept(workerId),
        async *generate() {
          yield 'real ';
          await released;
          yield 'text';
        },
      }),
    );
    const req = request();
    const stream = await streamInference(controller, workerId, req);
    const events: StreamingResponse[] = [];
    const reading = (async () => {
      for await (const event of stream) events.push(event);
    })();
    await waitFor(() => events.length === 1, 'the first token');
    // Another worker streams for this request on its own subject, and on the accepting worker's with its own id.
    await channels.response.publish(
      worker,
      { workerId: other, requestId: req.requestId },
      { requestId: req.requestId, type: 'token', token: 'forged', index: 1 },
    );
    await channels.response.publish(
      worker,
      { workerId: other, requestId: req.requestId },
      { requestId: req.requestId, type: 'done', totalTokens: 1, latencyMs: 1 },
    );
    await worker.publish(channels.response.subject({ workerId, requestId: req.requestId }), {
      requestId: req.requestId,
      workerId: other,
      type: 'done',
      totalTokens: 1,
      latencyMs: 1,
    });
    await worker.flush();
    await waitFor(() => stream.ignored === 2 && stream.rejected === 1, 'two ignored events and one rejection');
    release();
    await reading;
    expect(events.flatMap((e) => (e.type === 'token' ? [e.token] : [])).join('')).toBe('real text');
    expect(events.at(-1)).toMatchObject({ type: 'done', totalTokens: 2 });
  });
});
