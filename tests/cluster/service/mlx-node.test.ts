/**
 * mlx-node as a team runs it: a controller process and two worker processes started from YAML files on one real
 * nats-server, called by the official `openai` client, which no one here wrote. Then the failures: bad input, a
 * worker killed mid-stream, and the controller stopped during ten streams.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedText } from '../../../src/cluster/engines/simulated.js';
import { freePort, startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';
import { kill, startMlxNode, waitForHttp, writeConfig, type MlxNodeProcess } from '../../helpers/mlx-node.js';

const MODEL = 'mlx-community/Llama-3.2-3B-Instruct-4bit';
const API_KEY = 'test-api-key-3f1e2d4c';
const WORKER_IDS = ['0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d', '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f'] as const;
const FULL = simulatedText();

const scratch = mkdtempSync(join(tmpdir(), 'mlx-node-'));
let nats: TestNatsServer;
let controller: MlxNodeProcess;
const workers = new Map<string, MlxNodeProcess>();
const workerPorts: number[] = [];
let api: string;
let client: OpenAI;

const discovery = { heartbeat_interval_ms: 300, offline_timeout_ms: 1200 };

beforeAll(async () => {
  nats = await startNatsServer();
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  const controllerConfig = writeConfig(scratch, 'controller.yaml', {
    cluster: {
      mode: 'controller',
      nats: { mode: 'external', server_url: nats.url, request_timeout_ms: 2000 },
      controller: { port: apiPort, dashboard_port: await freePort(), api_key: '${TEST_MLX_API_KEY}', max_body_bytes: 4096, drain_timeout_ms: 15_000 },
      discovery,
      logging: { level: 'info' },
    },
  });
  const starting = [startMlxNode(['--config', controllerConfig], { TEST_MLX_API_KEY: API_KEY })];
  for (const [i, workerId] of WORKER_IDS.entries()) {
    workerPorts.push(await freePort());
    const path = writeConfig(scratch, `worker-${i}.yaml`, {
      cluster: {
        mode: 'worker',
        nats: { mode: 'external', server_url: nats.url },
        worker: { worker_id: workerId, port: workerPorts[i], max_concurrent: 12, models: [MODEL], engine: { type: 'simulated', token_delay_ms: 30 } },
        discovery,
      },
    });
    starting.push(startMlxNode(['--config', path]));
  }
  const [c, ...w] = await Promise.all(starting);
  controller = c as MlxNodeProcess;
  w.forEach((node, i) => workers.set(WORKER_IDS[i] as string, node));
  await waitForHttp(`${api}/health`, (status, body) => status === 200 && (JSON.parse(body) as { workers_online: number }).workers_online === 2);
  client = new OpenAI({ baseURL: `${api}/v1`, apiKey: API_KEY, maxRetries: 0, timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  kill(controller);
  for (const worker of workers.values()) kill(worker);
  await nats.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Sum of the workers' `engine_generations_total` for one outcome, read from their /metrics. */
async function generations(outcome: string): Promise<number> {
  let total = 0;
  for (const port of workerPorts) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    const match = new RegExp(`^mlx_distributed_engine_generations_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

describe('a controller and two workers, as processes started from YAML', () => {
  it('each prints one summary line with its mode, NATS without credentials, and what it listens on', () => {
    expect(controller.stderr).toMatch(new RegExp(`^mlx-node controller \\| NATS external at ${nats.url} \\| HTTP API ${api}/v1`, 'm'));
    for (const [workerId, worker] of workers)
      expect(worker.stderr).toMatch(new RegExp(`^mlx-node worker \\| NATS external at .* \\| worker ${workerId}: simulated engine`, 'm'));
    expect(controller.stderr).not.toContain(API_KEY);
  });

  it('lists the models the online workers serve', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual([MODEL]);
  });

  it('streams a chat completion to the official openai client, with the full text and the serving worker in a header', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'What carries the tokens?' }], stream: true })
      .withResponse();
    expect(WORKER_IDS).toContain(response.headers.get('x-mlx-worker'));
    expect(response.headers.get('x-mlx-attempts')).toBe('1');
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(FULL);
    expect(finish).toBe('stop');
  });

  it('answers a completion that does not stream, cut at max_tokens with finish_reason length', async () => {
    const completion = await client.completions.create({ model: MODEL, prompt: 'Say something', max_tokens: 7 });
    expect(completion.choices[0]?.text).toBe(simulatedText(7));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    const chat = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 3 });
    expect(chat.choices[0]?.message.content).toBe(simulatedText(3));
  });

  it('stops at a stop sequence, which the answer does not contain', async () => {
    const chat = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stop: [' typed'] });
    expect(chat.choices[0]?.message.content).toBe(FULL.slice(0, FULL.indexOf(' typed')));
  });

  it('cancels the request when the client aborts mid-stream: the worker engine sees the abort signal', async () => {
    const before = await generations('aborted');
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let tokens = 0;
    for await (const chunk of stream) {
      if ((chunk.choices[0]?.delta.content ?? '') !== '') tokens += 1;
      if (tokens === 3) stream.controller.abort();
    }
    expect(tokens).toBe(3);
    await waitForHttp(`http://127.0.0.1:${workerPorts[0] ?? 0}/health`, () => true);
    const deadline = Date.now() + 5000;
    while ((await generations('aborted')) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await generations('aborted')).toBe(before + 1);
  });
});

describe('bad input gets the documented status and message, and the node keeps serving', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers }, body });

  it.each([
    ['a malformed body', '{"model": ', 400, 'invalid_json', null],
    ['a body of the wrong shape', JSON.stringify({ model: MODEL, messages: 'hi' }), 400, 'invalid_value', 'messages'],
    [
      'a value the contract refuses',
      JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 9 }),
      400,
      'invalid_value',
      'temperature',
    ],
    ['an unknown model', JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }), 404, 'model_not_found', 'model'],
    ['a body over the limit', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }), 413, 'body_too_large', null],
    [
      'tools, which would be ignored',
      JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f' } }] }),
      400,
      'unsupported_parameter',
      'tools',
    ],
  ])('%s', async (_, body, status, code, param) => {
    const res = await post('/v1/chat/completions', body);
    expect(res.status).toBe(status);
    const { error } = (await res.json()) as { error: { message: string; type: string; code: string; param: string | null } };
    expect(error).toMatchObject({ code, param, type: 'invalid_request_error' });
    expect(error.message.length).toBeGreaterThan(10);
    const after = await client.completions.create({ model: MODEL, prompt: 'still there?', max_tokens: 2 });
    expect(after.choices[0]?.text).toBe(simulatedText(2));
  });

  it('a missing or wrong API key: 401 in the OpenAI shape; /health needs no key', async () => {
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong' }]) {
      const res = await post('/v1/chat/completions', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }), headers);
      expect(res.status).toBe(401);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_api_key');
      expect(error.message).not.toContain(API_KEY);
    }
    const denied = new OpenAI({ baseURL: `${api}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(denied.models.list()).rejects.toMatchObject({ status: 401 });
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect((await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(200);
  });
});

describe('failures mid-stream', () => {
  it('a second signal stops a draining worker at once (exit 143), and its stream ends with an OpenAI error, not silently', async () => {
    const path = writeConfig(scratch, 'slow-worker.yaml', {
      cluster: {
        mode: 'worker',
        nats: { mode: 'external', server_url: nats.url },
        worker: { port: await freePort(), models: ['slow-model'], drain_timeout_ms: 60_000, engine: { type: 'simulated', token_delay_ms: 200 } },
        discovery,
      },
    });
    const slow = await startMlxNode(['--config', path]);
    try {
      await waitForHttp(`${api}/v1/models`, (status, body) => status === 200 && body.includes('slow-model'), 15_000, { authorization: `Bearer ${API_KEY}` });
      const stream = await client.chat.completions.create({ model: 'slow-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
      let signalled = false;
      const started = Date.now();
      const read = (async () => {
        let text = '';
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (text !== '' && slow.child.signalCode === null && !signalled) {
            signalled = true;
            slow.child.kill('SIGTERM');
            setTimeout(() => slow.child.kill('SIGTERM'), 200);
          }
        }
        return text;
      })();
      expect(await slow.exited).toBe(143);
      // Draining would have let the 40-token stream run 8 s more; the second signal ended it at once.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slow.stdout).toContain('Second signal');
      await expect(read).rejects.toBeInstanceOf(APIError);
    } finally {
      kill(slow);
    }
  }, 30_000);

  it('SIGKILL of the serving worker mid-stream: the stream ends with the full text (moved) or an OpenAI error, never truncated, never hanging', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    const serving = workers.get(response.headers.get('x-mlx-worker') ?? '');
    expect(serving).toBeDefined();
    let text = '';
    let tokens = 0;
    let failure: unknown;
    const started = Date.now();
    try {
      for await (const chunk of stream) {
        const token = chunk.choices[0]?.delta.content ?? '';
        text += token;
        if (token !== '' && ++tokens === 5) serving?.child.kill('SIGKILL');
      }
    } catch (error) {
      failure = error;
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    if (failure === undefined) expect(text).toBe(FULL);
    else expect(failure).toBeInstanceOf(APIError);
    expect(await serving?.exited).toBe(137);
  }, 30_000);

  it('SIGTERM of the controller during 10 streams: all 10 finish with the full text within the grace period, and it exits 0', async () => {
    const streams = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 20, stream: true }),
      ),
    );
    const texts = streams.map(async (stream) => {
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = Date.now();
    controller.child.kill('SIGTERM');
    expect(await Promise.all(texts)).toEqual(Array.from({ length: 10 }, () => simulatedText(20)));
    expect(await controller.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(controller.stdout).toContain('Draining');
  }, 30_000);
});

describe('a node whose NATS is gone for good', () => {
  it('exits 1 once its reconnect attempts are used up, so that a supervisor restarts it', async () => {
    const own = await startNatsServer();
    const path = writeConfig(scratch, 'lonely-worker.yaml', {
      cluster: {
        mode: 'worker',
        nats: { mode: 'external', server_url: own.url, max_reconnect_attempts: 1, reconnect_time_wait: 50 },
        worker: { port: await freePort(), engine: { type: 'simulated' } },
        discovery,
      },
    });
    const node = await startMlxNode(['--config', path]);
    try {
      expect(node.stderr).toMatch(/^mlx-node worker \|/m);
      await own.stop();
      expect(await node.exited).toBe(1);
      expect(node.stdout).toContain('closed for good');
    } finally {
      kill(node);
      await own.stop();
    }
  }, 30_000);
});
