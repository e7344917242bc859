/**
 * InferenceMetrics fed directly through its observer methods (the controller's calls, in the controller's order):
 * each counter and histogram count equals what was reported, labels stay bounded, and the worker gauges read the
 * registry's snapshot. The same metrics behind a real controller are checked in inference-metrics.integration.test.ts.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InferenceMetrics, NO_WORKER_LABEL } from '../../../src/cluster/inference-metrics.js';
import type { InferAttempt } from '../../../src/cluster/inference-observer.js';
import { OVERFLOW_LABEL } from '../../../src/metrics/client-metrics.js';
import { fedRegistry, heartbeat, registration, workerId } from './registry-feed.js';

type Labels = Record<string, string>;

/** The value of one sample of `name` whose labels include `labels` (0 when there is none). */
async function value(registry: Registry, name: string, labels: Labels = {}): Promise<number> {
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === base);
  const samples = (metric?.values ?? []) as { value: number; labels: Labels; metricName?: string }[];
  return samples
    .filter((s) => (s.metricName ?? base) === name && Object.entries(labels).every(([k, v]) => String(s.labels[k]) === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const MODEL = 'llama-3.2-3b';

const attempt = (workerId: string, outcome: InferAttempt['outcome'], fromToken = 0): InferAttempt => ({ workerId, reason: 'least loaded', outcome, fromToken });

/** One request, completed on `worker` with `tokens` tokens `gapMs` apart. */
function completed(metrics: InferenceMetrics, requestId: string, worker: string, tokens: number, gapMs = 1, model = MODEL): void {
  metrics.requestStarted({ requestId, modelId: model, startedAt: Date.now() });
  metrics.attemptStarted(requestId, attempt(worker, 'sent'));
  metrics.attemptUpdated(requestId, attempt(worker, 'streaming'));
  const at = performance.now();
  for (let i = 0; i < tokens; i++) metrics.tokenDelivered(requestId, worker, i, at + i * gapMs);
  metrics.attemptUpdated(requestId, attempt(worker, 'completed'));
  metrics.requestEnded(requestId, { kind: 'completed', totalTokens: tokens });
}

describe('InferenceMetrics', () => {
  it('counts completed requests, their tokens, and one TTFT and one time-per-token observation each', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    completed(metrics, 'r1', A, 5);
    completed(metrics, 'r2', A, 3);
    completed(metrics, 'r3', B, 1); // one token: no time per output token
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: A, gen_ai_request_model: MODEL })).toBe(8);
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: B })).toBe(1);
    expect(await value(registry, 'mlx_distributed_requests_total', { outcome: 'completed' })).toBe(3);
    expect(await value(registry, 'gen_ai_server_time_to_first_token_seconds_count')).toBe(3);
    expect(await value(registry, 'gen_ai_server_time_to_first_token_seconds_count', { worker: B })).toBe(1);
    expect(await value(registry, 'gen_ai_server_time_per_output_token_seconds_count')).toBe(2);
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_count', { error_type: '' })).toBe(3);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: A, outcome: 'completed' })).toBe(2);
    expect(await value(registry, 'mlx_distributed_requests_in_flight')).toBe(0);
  });

  it('time per output token is the first-to-last token time over the tokens after the first', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    completed(metrics, 'r1', A, 11, 30); // 10 gaps of 30 ms
    expect(await value(registry, 'gen_ai_server_time_per_output_token_seconds_sum')).toBeCloseTo(0.03, 6);
    // 0.03 s falls in the 0.05 bucket, not in 0.025.
    expect(await value(registry, 'gen_ai_server_time_per_output_token_seconds_bucket', { le: '0.025' })).toBe(0);
    expect(await value(registry, 'gen_ai_server_time_per_output_token_seconds_bucket', { le: '0.05' })).toBe(1);
  });

  it('failed and cancelled requests: counted by outcome and error class; no TTFT observed for them', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    metrics.requestStarted({ requestId: 'f1', modelId: MODEL, startedAt: Date.now() });
    metrics.requestEnded('f1', { kind: 'failed', errorClass: 'NoWorkerAvailableError', message: 'none online' });
    metrics.requestStarted({ requestId: 'f2', modelId: MODEL, startedAt: Date.now() });
    metrics.attemptStarted('f2', attempt(A, 'sent'));
    metrics.attemptUpdated('f2', attempt(A, 'streaming'));
    metrics.tokenDelivered('f2', A, 0, performance.now());
    metrics.attemptUpdated('f2', attempt(A, 'lost'));
    metrics.requestEnded('f2', { kind: 'failed', errorClass: 'WorkerLostError', message: 'lost' });
    metrics.requestStarted({ requestId: 'c1', modelId: MODEL, startedAt: Date.now() });
    metrics.attemptStarted('c1', attempt(B, 'sent'));
    metrics.attemptUpdated('c1', attempt(B, 'streaming'));
    metrics.requestEnded('c1', { kind: 'cancelled' });
    expect(await value(registry, 'mlx_distributed_requests_total', { outcome: 'failed', error_type: 'NoWorkerAvailableError', worker: NO_WORKER_LABEL })).toBe(
      1,
    );
    expect(await value(registry, 'mlx_distributed_requests_total', { outcome: 'failed', error_type: 'WorkerLostError', worker: A })).toBe(1);
    expect(await value(registry, 'mlx_distributed_requests_total', { outcome: 'cancelled', worker: B })).toBe(1);
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_count', { error_type: 'cancelled' })).toBe(1);
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_count', { error_type: 'WorkerLostError' })).toBe(1);
    expect(await value(registry, 'gen_ai_server_time_to_first_token_seconds_count')).toBe(0);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: A, outcome: 'lost' })).toBe(1);
    // The cancelled request's open attempt ends with it.
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: B, outcome: 'cancelled' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: A })).toBe(1);
  });

  it('tells retries (the worker never streamed) from moves (it had accepted), and counts each attempt once', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    metrics.requestStarted({ requestId: 'r', modelId: MODEL, startedAt: Date.now() });
    metrics.attemptStarted('r', attempt(A, 'sent'));
    metrics.attemptUpdated('r', attempt(A, 'refused', 0));
    metrics.attemptStarted('r', attempt(B, 'sent'));
    metrics.attemptUpdated('r', attempt(B, 'streaming'));
    for (let i = 0; i < 3; i++) metrics.tokenDelivered('r', B, i, performance.now());
    metrics.attemptUpdated('r', attempt(B, 'lost'));
    metrics.attemptStarted('r', attempt(A, 'sent', 3));
    metrics.attemptUpdated('r', attempt(B, 'moved'));
    metrics.attemptUpdated('r', attempt(A, 'streaming', 3));
    for (let i = 3; i < 5; i++) metrics.tokenDelivered('r', A, i, performance.now());
    metrics.attemptUpdated('r', attempt(A, 'completed', 3));
    metrics.requestEnded('r', { kind: 'completed', totalTokens: 5 });
    expect(await value(registry, 'mlx_distributed_request_retries_total')).toBe(1);
    expect(await value(registry, 'mlx_distributed_request_migrations_total')).toBe(1);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: A, outcome: 'refused' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: B, outcome: 'lost' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: B, outcome: 'moved' })).toBe(0);
    expect(await value(registry, 'mlx_distributed_attempts_total', { worker: A, outcome: 'completed' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_attempts_total')).toBe(3);
    // Tokens go to the worker that generated them; TTFT to the first, the request to the last.
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: B })).toBe(3);
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: A })).toBe(2);
    expect(await value(registry, 'gen_ai_server_time_to_first_token_seconds_count', { worker: B })).toBe(1);
    expect(await value(registry, 'mlx_distributed_requests_total', { worker: A, outcome: 'completed' })).toBe(1);
  });

  it('in flight and waiting: waiting until a worker streams, and again while the request moves', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    metrics.requestStarted({ requestId: 'r', modelId: MODEL, startedAt: Date.now() });
    metrics.requestStarted({ requestId: 's', modelId: 'other-model', startedAt: Date.now() });
    expect(await value(registry, 'mlx_distributed_requests_in_flight')).toBe(2);
    expect(await value(registry, 'mlx_distributed_requests_waiting', { gen_ai_request_model: MODEL })).toBe(1);
    metrics.attemptStarted('r', attempt(A, 'sent'));
    metrics.attemptUpdated('r', attempt(A, 'streaming'));
    expect(await value(registry, 'mlx_distributed_requests_waiting', { gen_ai_request_model: MODEL })).toBe(0);
    metrics.attemptUpdated('r', attempt(A, 'lost'));
    expect(await value(registry, 'mlx_distributed_requests_waiting', { gen_ai_request_model: MODEL })).toBe(1);
    metrics.requestEnded('r', { kind: 'cancelled' });
    metrics.requestEnded('s', { kind: 'cancelled' });
    expect(await value(registry, 'mlx_distributed_requests_in_flight')).toBe(0);
    expect(await value(registry, 'mlx_distributed_requests_waiting')).toBe(0);
  });

  it('bounds its labels: workers and models past the cap count under _other', async () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry, maxWorkerLabels: 2, maxModelLabels: 1 });
    for (let i = 0; i < 5; i++) completed(metrics, `r${i}`, `worker-${i}`, 2, 1, i < 2 ? MODEL : `model-${i}`);
    const tokens = (await registry.getMetricsAsJSON()).find((m) => m.name === 'mlx_distributed_output_tokens_total');
    const workers = new Set(tokens?.values.map((v) => String(v.labels.worker)));
    const models = new Set(tokens?.values.map((v) => String(v.labels.gen_ai_request_model)));
    expect([...workers].sort()).toEqual([OVERFLOW_LABEL, 'worker-0', 'worker-1']);
    expect([...models].sort()).toEqual([OVERFLOW_LABEL, MODEL]);
    expect(await value(registry, 'mlx_distributed_output_tokens_total', { worker: OVERFLOW_LABEL })).toBe(6);
    expect(await value(registry, 'mlx_distributed_output_tokens_total')).toBe(10);
  });

  it('reads workers by state, load, capacity and memory from the registry, and counts membership changes until closed', async () => {
    const registry = new Registry();
    const workers = fedRegistry(300);
    const metrics = new InferenceMetrics({ registry, workers });
    const [one, two] = [workerId(1), workerId(2)];
    workers.onRegistration(registration(1));
    workers.onRegistration(registration(2));
    workers.onHeartbeat(heartbeat(1, 1, 'online', 2.5));
    workers.onHeartbeat(heartbeat(2, 0, 'offline'));
    expect(await value(registry, 'mlx_distributed_workers', { state: 'online' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_workers', { state: 'offline' })).toBe(1);
    expect(await value(registry, 'mlx_distributed_workers', { state: 'busy' })).toBe(0);
    expect(await value(registry, 'mlx_distributed_worker_load', { worker: one })).toBe(1);
    expect(await value(registry, 'mlx_distributed_worker_capacity', { worker: one })).toBe(4);
    expect(await value(registry, 'mlx_distributed_worker_capacity', { worker: two })).toBe(0);
    expect(await value(registry, 'mlx_distributed_worker_memory_used_bytes', { worker: one })).toBe(2.5e9);
    workers.onHeartbeat(heartbeat(2, 0, 'online'));
    expect(await value(registry, 'mlx_distributed_worker_membership_changes_total', { change: 'online' })).toBe(3);
    expect(await value(registry, 'mlx_distributed_worker_membership_changes_total', { change: 'offline' })).toBe(1);
    metrics.close();
    workers.sweep(Date.now() + 1000);
    expect(workers.workers().every((w) => w.state === 'offline')).toBe(true);
    expect(await value(registry, 'mlx_distributed_worker_membership_changes_total', { change: 'offline' })).toBe(1);
    expect(workers.listenerCount('online')).toBe(0);
  });

  it('attach observes a controller until closed', () => {
    const registry = new Registry();
    const metrics = new InferenceMetrics({ registry });
    const observers = new Set<unknown>();
    const stop = metrics.attach({ observe: (o) => (observers.add(o), () => observers.delete(o)) });
    expect(observers.has(metrics)).toBe(true);
    metrics.close();
    expect(observers.size).toBe(0);
    stop(); // safe after close
  });
});
