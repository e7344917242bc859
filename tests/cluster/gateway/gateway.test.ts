/**
 * The HTTP API in-process, on a real nats-server and real workers: the statuses a client sees when no worker
 * can take a request, when a worker never acknowledges, when the engine fails, what is refused because ignoring it
 * would mislead, a client that leaves, and a drain whose grace period runs out.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedError } from '../../../src/base/errors.js';
import { silentLogger } from '../../../src/base/logger.js';
import { Controller } from '../../../src/cluster/controller.js';
import { simulatedEngine, simulatedText } from '../../../src/cluster/engines/simulated.js';
import { startGateway, ROUTING_HEADERS, type Gateway } from '../../../src/cluster/gateway/gateway.js';
import { WorkerRegistry } from '../../../src/cluster/registry.js';
import { countedEngine } from '../../../src/cluster/service/engine.js';
import { Worker, type InferenceEngine } from '../../../src/cluster/worker.js';
import { channels } from '../../../generated/index.js';
import { useServerWithClients, waitFor } from '../../helpers/client.js';
import { workerSetup } from '../../helpers/cluster.js';

const shared = useServerWithClients();
const metrics = new Registry();
const slowMetrics = new Registry();
let registry: WorkerRegistry;
let controller: Controller;
let gateway: Gateway;
const workers: Worker[] = [];
const silentWorkerId = randomUUID();

/** An engine that yields one token, then fails the way an upstream does. */
const failingEngine: InferenceEngine = {
  async *generate() {
    yield await Promise.resolve('partial');
    throw new DistributedError('UPSTREAM_ERROR', 'The upstream at http://127.0.0.1:1/v1 answered 500: overloaded.');
  },
};

async function addWorker(models: string[], engine: InferenceEngine): Promise<void> {
  const setup = workerSetup();
  const worker = new Worker(shared.client, { ...setup, engine, capabilities: { ...setup.capabilities, models }, heartbeatIntervalMs: 5000 });
  await worker.start();
  workers.push(worker);
}

async function newGateway(): Promise<Gateway> {
  return startGateway(controller, {
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 64 * 1024,
    retryAfterS: 5,
    metrics,
    natsConnected: () => shared.client.isConnected(),
    logger: silentLogger(),
  });
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });

const chat = (model: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({ model, messages: [{ role: 'user', content: 'Hi' }], ...over });

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

beforeAll(async () => {
  registry = new WorkerRegistry(shared.client, { heartbeatIntervalMs: 5000, offlineTimeoutMs: 15_000 });
  await registry.start();
  controller = new Controller(shared.client, registry, { strategy: 'round_robin', ackTimeoutMs: 300 });
  gateway = await newGateway();
});

afterAll(async () => {
  await gateway.drain(0);
  for (const worker of workers) await worker.stop();
  await registry.stop();
});

describe('before any worker is online', () => {
  it('/health is 503, and a request gets 503 with Retry-After', async () => {
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', workers_online: 0 });
    const res = await post('/v1/chat/completions', chat('any'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'no_worker_available', type: 'server_error' });
  });
});

describe('with workers', () => {
  beforeAll(async () => {
    await addWorker(['sim'], countedEngine(simulatedEngine({ tokenDelayMs: 20 }), metrics));
    await addWorker(['failing'], failingEngine);
    await addWorker(['slow'], countedEngine(simulatedEngine({ tokenDelayMs: 4000 }), slowMetrics));
    // A worker that registers and listens but never acknowledges.
    const setup = workerSetup();
    await shared.client.subscribe(channels.workerInference.subject({ workerId: silentWorkerId }), () => undefined);
    await channels.workerRegister.publish(
      shared.client,
      { workerId: silentWorkerId },
      {
        workerId: silentWorkerId,
        hostname: 'silent',
        ip: '127.0.0.1',
        port: 9999,
        hardware: setup.hardware,
        capabilities: { ...setup.capabilities, models: ['silent'] },
        status: 'online',
        timestamp: Date.now(),
      },
    );
    await waitFor(() => registry.workers().filter((w) => w.state === 'online').length === 4, 'four workers online');
  });

  it('/health is 200 and /metrics renders the registry', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('mlx_distributed_engine_generations_total');
  });

  it('says which worker served a response, how many were tried and why', async () => {
    const res = await post('/v1/completions', { model: 'sim', prompt: ['one prompt in a list'], max_tokens: 4 });
    expect(res.status).toBe(200);
    expect(res.headers.get(ROUTING_HEADERS.worker)).toBe(workers[0]?.workerId);
    expect(res.headers.get(ROUTING_HEADERS.attempts)).toBe('1');
    expect(res.headers.get(ROUTING_HEADERS.route)).toMatch(/^round_robin/);
    const body = (await res.json()) as { id: string; choices: { text: string }[] };
    expect(body.choices[0]?.text).toBe(simulatedText(4));
    expect(body.id).toBe(`cmpl-${res.headers.get(ROUTING_HEADERS.requestId) ?? ''}`);
  });

  it('504 when the chosen worker never acknowledges', async () => {
    const res = await post('/v1/chat/completions', chat('silent'));
    expect(res.status).toBe(504);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'worker_timeout', type: 'server_error' });
  });

  it('an engine failure: 502 naming the upstream when not streaming; an error event when streaming', async () => {
    const whole = await post('/v1/chat/completions', chat('failing'));
    expect(whole.status).toBe(502);
    expect(((await whole.json()) as ErrorBody).error).toMatchObject({
      code: 'upstream_error',
      message: expect.stringContaining('http://127.0.0.1:1/v1') as unknown,
    });
    const streamed = await post('/v1/chat/completions', chat('failing', { stream: true }));
    expect(streamed.status).toBe(200);
    const events = (await streamed.text()).split('\n\n').filter((e) => e !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events.at(-2)?.slice('data: '.length) ?? '{}')).toMatchObject({ error: { code: 'upstream_error', type: 'server_error' } });
    expect(events[0]).toContain('"content":"partial"');
  });

  it.each([
    ['n > 1', '/v1/chat/completions', chat('sim', { n: 2 }), 'n'],
    ['logprobs', '/v1/chat/completions', chat('sim', { logprobs: true }), 'logprobs'],
    ['a JSON response format', '/v1/chat/completions', chat('sim', { response_format: { type: 'json_object' } }), 'response_format'],
    [
      'an image part',
      '/v1/chat/completions',
      { model: 'sim', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content[0].type',
    ],
    ['echo', '/v1/completions', { model: 'sim', prompt: 'p', echo: true }, 'echo'],
    ['suffix', '/v1/completions', { model: 'sim', prompt: 'p', suffix: 'q' }, 'suffix'],
    ['best_of > 1', '/v1/completions', { model: 'sim', prompt: 'p', best_of: 3 }, 'best_of'],
    ['two prompts', '/v1/completions', { model: 'sim', prompt: ['a', 'b'] }, 'prompt'],
    ['a stop list over the contract limit', '/v1/completions', { model: 'sim', prompt: 'p', stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['no messages', '/v1/chat/completions', { model: 'sim', messages: [] }, 'messages'],
  ])('refuses %s with a 400 that names the field', async (_, path, body, param) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ param, type: 'invalid_request_error' });
  });

  it('accepts fields that mean nothing here, and text content parts', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'sim',
      messages: [
        { role: 'system', content: null },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }], name: 'ann' },
      ],
      user: 'u-1',
      seed: 7,
      presence_penalty: 0.5,
      max_completion_tokens: 2,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(simulatedText(2));
  });

  it('a session header that is not a UUID, a body that is not JSON, and a route that does not exist', async () => {
    const session = await post('/v1/chat/completions', chat('sim'), { [ROUTING_HEADERS.session]: 'not-a-uuid' });
    expect(session.status).toBe(400);
    expect(((await session.json()) as ErrorBody).error.param).toBe('x-mlx-session');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const form = await post('/v1/chat/completions', 'model=sim', { 'content-type': type });
      expect(form.status).toBe(415);
      expect(((await form.json()) as ErrorBody).error.message).toContain('Content-Type: application/json');
    }
    const missing = await fetch(`${gateway.url}/v1/embeddings`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.message).toContain('/v1/chat/completions');
  });

  it('a client that leaves a request that does not stream cancels it: the engine sees the abort', async () => {
    const aborted = async (): Promise<number> => Number(/outcome="aborted"\} (\d+)/.exec(await metrics.metrics())?.[1] ?? Number.NaN);
    const before = await aborted();
    const leave = new AbortController();
    const pending = post('/v1/chat/completions', chat('sim'), {}, leave.signal).catch((error: unknown) => error);
    await waitFor(() => (workers[0]?.running ?? 0) === 1, 'the request running');
    leave.abort();
    await pending;
    const deadline = Date.now() + 3000;
    while ((await aborted()) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await aborted()).toBe(before + 1);
  });

  it('a finished request leaves nothing behind: no registry listener, whether it streamed or not', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await post('/v1/chat/completions', chat('sim', { max_tokens: 2, stream: i % 2 === 0 }));
      expect(res.status).toBe(200);
      await res.text();
    }
    await waitFor(() => registry.listenerCount('offline') === 0, 'no offline listener left');
    // The worker's slot is free again (once its heartbeat after the jobs, which it sends soon, is in).
    await waitFor(() => registry.workers().find((w) => w.workerId === workers[0]?.workerId)?.load === 0, 'the worker idle again');
  });

  it('a client that leaves while its worker is between tokens frees the worker at once, not at the next token', async () => {
    const aborted = async (): Promise<number> => Number(/outcome="aborted"\} (\d+)/.exec(await slowMetrics.metrics())?.[1] ?? Number.NaN);
    const before = await aborted();
    const leave = new AbortController();
    const res = await post('/v1/chat/completions', chat('slow', { stream: true }), {}, leave.signal);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('NATS');
    const left = Date.now();
    leave.abort();
    while ((await aborted()) === before && Date.now() - left < 3000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await aborted()).toBe(before + 1);
    expect(Date.now() - left).toBeLessThan(2000);
  });

  it('a drain whose grace period runs out cuts the running stream with an error event and refuses new requests', async () => {
    const own = await newGateway();
    const res = await fetch(`${own.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat('sim', { stream: true })),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('chat.completion.chunk');
    const drained = own.drain(50);
    let rest = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(await drained).toEqual({ cut: 1 });
    expect(rest).toContain('"code":"controller_stopping"');
    expect(rest.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await expect(fetch(`${own.url}/health`)).rejects.toThrow();
  });
});
