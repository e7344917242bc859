/**
 * The inference metrics as an operator scrapes them: mlx-node's parts (runNode, dual mode, simulated engine) on a
 * real nats-server, a known sequence of requests over its OpenAI-compatible HTTP API, then GET /metrics. Every
 * counter and histogram count equals what was sent: 5 streamed and 2 whole completions of a known length, one
 * stream the client abandons, one request for a model no worker serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { parseClusterConfig } from '../../../src/cluster/config.js';
import { runNode, type RunningNode } from '../../../src/cluster/service/run-node.js';
import { freePort, startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';
import { parseSamples, total, type Sample } from './prometheus-text.js';

const MODEL = 'metrics-model';
const SLOW = 'slow-model';
let server: TestNatsServer;
let node: RunningNode;
let api: string;
let samples: Sample[];
let workerId: string;

const post = (path: string, body: object, signal?: AbortSignal): Promise<Response> =>
  fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });

/** Streams a completion and returns how many token chunks arrived. */
async function streamed(maxTokens: number): Promise<number> {
  const response = await post('/v1/completions', { model: MODEL, prompt: 'Hi', max_tokens: maxTokens, stream: true });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: {') && (JSON.parse(event.slice(6)) as { choices: { text: string }[] }).choices[0]?.text !== '').length;
}

beforeAll(async () => {
  server = await startNatsServer();
  const config = parseClusterConfig({
    cluster: {
      mode: 'dual',
      nats: { mode: 'external', server_url: server.url },
      controller: { port: await freePort(), dashboard_port: await freePort() },
      worker: { port: await freePort(), models: [MODEL, SLOW], engine: { type: 'simulated', token_delay_ms: 5 } },
      discovery: { heartbeat_interval_ms: 300, offline_timeout_ms: 1200 },
    },
  });
  node = await runNode(config, { logger: silentLogger() });
  api = node.api?.url ?? '';
  workerId = node.node.worker?.workerId ?? '';
  const deadline = Date.now() + 5000;
  while (node.node.controller?.registry.get(workerId)?.state !== 'online' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

  // The known sequence.
  for (let i = 0; i < 5; i++) expect(await streamed(4)).toBe(4);
  for (let i = 0; i < 2; i++) {
    const whole = await post('/v1/completions', { model: MODEL, prompt: 'Hi', max_tokens: 3 });
    expect(whole.status).toBe(200);
    await whole.json();
  }
  // A client that leaves after the first chunk cancels its request.
  const abort = new AbortController();
  const slow = await post('/v1/completions', { model: SLOW, prompt: 'Hi', max_tokens: 30, stream: true }, abort.signal);
  const reader = slow.body!.getReader();
  await reader.read();
  abort.abort();
  await reader.read().catch(() => undefined);
  // No worker serves this model.
  const missing = await post('/v1/completions', { model: 'nobody-serves-this', prompt: 'Hi', max_tokens: 3 });
  expect(missing.status).toBeGreaterThanOrEqual(400);
  await missing.text();
  // The cancelled request ends on the controller shortly after the client left.
  const ended = Date.now() + 5000;
  while ((node.node.controller?.inFlight ?? 0) > 0 && Date.now() < ended) await new Promise((resolve) => setTimeout(resolve, 20));
  samples = parseSamples(await (await fetch(`${api}/metrics`)).text());
}, 30_000);

afterAll(async () => {
  await node.stop();
  await server.stop();
});

describe('GET /metrics after a known sequence of requests', () => {
  it('counts requests by outcome: 7 completed, 1 cancelled, 1 failed with its error class', () => {
    expect(total(samples, 'mlx_distributed_requests_total', { outcome: 'completed', gen_ai_request_model: MODEL, worker: workerId })).toBe(7);
    expect(total(samples, 'mlx_distributed_requests_total', { outcome: 'completed' })).toBe(7);
    expect(total(samples, 'mlx_distributed_requests_total', { outcome: 'cancelled', gen_ai_request_model: SLOW })).toBe(1);
    const failed = samples.filter((s) => s.name === 'mlx_distributed_requests_total' && s.labels.outcome === 'failed' && s.value > 0);
    expect(failed.map((s) => [s.labels.gen_ai_request_model, s.labels.error_type, s.value])).toEqual([['nobody-serves-this', 'NoWorkerAvailableError', 1]]);
  });

  it('counts every token generated for the model: 5 × 4 + 2 × 3', () => {
    expect(total(samples, 'mlx_distributed_output_tokens_total', { gen_ai_request_model: MODEL, worker: workerId })).toBe(26);
    expect(total(samples, 'mlx_distributed_output_tokens_total', { gen_ai_request_model: SLOW })).toBeGreaterThanOrEqual(1);
  });

  it('observes TTFT and time per output token once per completed request, and the duration of every request', () => {
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_count')).toBe(7);
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_count', { gen_ai_request_model: MODEL, worker: workerId })).toBe(7);
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_bucket', { le: '+Inf' })).toBe(7);
    expect(total(samples, 'gen_ai_server_time_per_output_token_seconds_count')).toBe(7);
    expect(total(samples, 'gen_ai_server_request_duration_seconds_count')).toBe(9);
    expect(total(samples, 'gen_ai_server_request_duration_seconds_count', { error_type: '' })).toBe(7);
    expect(total(samples, 'gen_ai_server_request_duration_seconds_count', { error_type: 'cancelled' })).toBe(1);
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_sum')).toBeGreaterThan(0);
  });

  it('attempts, retries and moves: one attempt per placed request, none retried or moved', () => {
    expect(total(samples, 'mlx_distributed_attempts_total', { worker: workerId, outcome: 'completed' })).toBe(7);
    expect(total(samples, 'mlx_distributed_attempts_total', { worker: workerId, outcome: 'cancelled' })).toBe(1);
    expect(total(samples, 'mlx_distributed_attempts_total')).toBe(8);
    expect(total(samples, 'mlx_distributed_request_retries_total')).toBe(0);
    expect(total(samples, 'mlx_distributed_request_migrations_total')).toBe(0);
  });

  it('nothing in flight or waiting at the end; the one worker online, with its capacity', () => {
    expect(total(samples, 'mlx_distributed_requests_in_flight')).toBe(0);
    expect(total(samples, 'mlx_distributed_requests_waiting')).toBe(0);
    expect(total(samples, 'mlx_distributed_workers', { state: 'online' })).toBe(1);
    expect(total(samples, 'mlx_distributed_workers', { state: 'offline' })).toBe(0);
    expect(total(samples, 'mlx_distributed_worker_capacity', { worker: workerId })).toBe(4);
  });

  it('the client metrics are still there, on the same registry', () => {
    expect(samples.some((s) => s.name === 'mlx_distributed_messages_published_total')).toBe(true);
  });
});
