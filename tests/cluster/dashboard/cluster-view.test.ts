/**
 * ClusterView fed directly: the controller's observer calls made by hand, in the controller's order, and a real
 * WorkerRegistry fed registrations and heartbeats. What the page and /api/cluster show, what an update carries
 * (only what changed), and that no field outside the chosen views reaches the JSON.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterView } from '../../../src/cluster/dashboard/cluster-view.js';
import type { InferAttempt } from '../../../src/cluster/inference-observer.js';
import { fedRegistry, heartbeat, registration, workerId } from './registry-feed.js';

const views: ClusterView[] = [];
afterEach(() => {
  for (const view of views.splice(0)) view.close();
});

function setup(workers = 2): { view: ClusterView; registry: ReturnType<typeof fedRegistry> } {
  const registry = fedRegistry(300);
  for (let n = 1; n <= workers; n++) registry.onRegistration(registration(n));
  const view = new ClusterView({ workers: registry, offlineTimeoutMs: 300 });
  views.push(view);
  return { view, registry };
}

const attempt = (n: number, outcome: InferAttempt['outcome'], fromToken = 0, reason = 'least loaded: 0/4 slots'): InferAttempt => ({
  workerId: workerId(n),
  reason,
  outcome,
  fromToken,
});
const REQ = '11111111-2222-4333-8444-555555555555';

describe('ClusterView', () => {
  it('lists the registry’s workers with hardware, load, capacity and models, and only the chosen fields', () => {
    const { view, registry } = setup(2);
    registry.onHeartbeat(heartbeat(1, 3, 'online', 20));
    const snapshot = view.snapshot();
    expect(snapshot.workers.map((w) => w.workerId)).toEqual([workerId(1), workerId(2)]);
    const one = snapshot.workers[0]!;
    expect(one).toMatchObject({
      name: 'mac-1',
      state: 'online',
      load: 3,
      maxConcurrent: 4,
      chip: 'Apple M2 Max',
      unifiedMemoryGB: 64,
      memoryUsedGB: 20,
      models: ['llama-3.2-3b'],
      address: '127.0.0.1:9001',
    });
    expect(Object.keys(one).sort()).toEqual(
      [
        'address',
        'availableMemoryGB',
        'chip',
        'cpuPercent',
        'gpuPercent',
        'history',
        'lastSeen',
        'load',
        'maxConcurrent',
        'memoryUsedGB',
        'models',
        'name',
        'source',
        'state',
        'tokensPerS',
        'unifiedMemoryGB',
        'workerId',
      ].sort(),
    );
    expect(snapshot.totals.workers).toEqual({ online: 2, degraded: 0, busy: 0, offline: 0 });
  });

  it('records membership changes with their reasons in the worker’s history and in the feed', () => {
    const { view, registry } = setup(2);
    registry.onHeartbeat(heartbeat(2, 0, 'offline'));
    registry.sweep(Date.now() + 1000); // worker 1 silent past the 300 ms timeout
    registry.onHeartbeat(heartbeat(1, 0));
    registry.onRegistration(registration(3));
    registry.onHeartbeat(heartbeat(3, 0, 'degraded'));
    const { workers, feed } = view.snapshot();
    const history = (n: number) => workers.find((w) => w.workerId === workerId(n))?.history.map((h) => `${h.state}${h.why === undefined ? '' : `: ${h.why}`}`);
    expect(history(2)).toEqual(['online: known when the dashboard started', 'offline: said it is leaving (drained)']);
    expect(history(1)?.[1]).toBe('offline: no heartbeat for over 0.3 s (discovery.offline_timeout_ms)');
    expect(history(1)?.[2]).toBe('online: back');
    expect(history(3)).toEqual(['online: registered', 'degraded']);
    expect(feed.map((e) => `${e.level} ${e.kind}`)).toEqual(['info offline', 'warning offline', 'info online', 'info online', 'warning degraded']);
    expect(feed[1]?.text).toMatch(/^Worker mac-1 \(00000000\) is offline: no heartbeat for/);
    expect(view.snapshot().workers.map((w) => w.workerId)).toEqual([workerId(1), workerId(2), workerId(3)]);
  });

  it('a worker restarted under its id, or found with no responders, is said in the feed with why', async () => {
    const { view, registry } = setup(2);
    registry.onRegistration(registration(1, { instanceId: 'aaaaaaaa-0000-4000-8000-000000000001' }));
    registry.onRegistration(registration(1, { instanceId: 'bbbbbbbb-0000-4000-8000-000000000002' }));
    await Promise.resolve(); // the registry emits 'restarted' in a microtask
    registry.noResponders(workerId(2));
    const { feed, workers } = view.snapshot();
    expect(feed.map((e) => `${e.level} ${e.kind}: ${e.text}`)).toEqual([
      'warning restarted: Worker mac-1 (00000000) restarted: the streams of its earlier run (aaaaaaaa) are lost and move on.',
      'warning offline: Worker mac-2 (00000000) is offline: no responders on its inference subject.',
    ]);
    expect(workers[0]?.history.at(-1)?.why).toBe('restarted (run aaaaaaaa replaced)');
  });

  it('follows a request: in flight with its worker, tokens and time to first token, then recent with its routing reason', () => {
    const { view } = setup(2);
    const observer = view.observer;
    observer.requestStarted?.({ requestId: REQ, modelId: 'llama-3.2-3b', startedAt: Date.now() });
    expect(view.snapshot().inFlight[0]).toMatchObject({ requestId: REQ, workerId: null, tokens: 0, ttftMs: null });
    observer.attemptStarted?.(REQ, attempt(1, 'sent'));
    observer.attemptUpdated?.(REQ, attempt(1, 'refused', 0));
    observer.attemptStarted?.(REQ, attempt(2, 'sent'));
    observer.attemptUpdated?.(REQ, attempt(2, 'streaming'));
    for (let i = 0; i < 3; i++) observer.tokenDelivered?.(REQ, workerId(2), i, performance.now());
    const live = view.snapshot().inFlight[0]!;
    expect(live).toMatchObject({ workerId: workerId(2), tokens: 3, retries: 1, moves: 0 });
    expect(live.ttftMs).toBeGreaterThanOrEqual(0);
    expect(live.attempts.map((a) => a.outcome)).toEqual(['refused', 'streaming']);
    observer.attemptUpdated?.(REQ, attempt(2, 'lost'));
    observer.attemptStarted?.(REQ, attempt(1, 'sent', 3, 'least loaded: 1/4 slots'));
    observer.attemptUpdated?.(REQ, attempt(1, 'streaming', 3, 'least loaded: 1/4 slots'));
    observer.tokenDelivered?.(REQ, workerId(1), 3, performance.now());
    observer.requestEnded?.(REQ, { kind: 'completed', totalTokens: 4 });
    const snapshot = view.snapshot();
    expect(snapshot.inFlight).toEqual([]);
    const ended = snapshot.recent[0]!;
    expect(ended).toMatchObject({ requestId: REQ, outcome: 'completed', workerId: workerId(1), tokens: 4, retries: 1, moves: 1 });
    expect(ended.attempts.map((a) => `${a.outcome}@${a.fromToken}`)).toEqual(['refused@0', 'lost@0', 'completed@3']);
    expect(ended.attempts.at(-1)?.reason).toBe('least loaded: 1/4 slots');
    expect(snapshot.totals).toMatchObject({ requests: 1, completed: 1, tokens: 4, retries: 1, moves: 1, inFlight: 0 });
    // The refusal and the loss are in the feed.
    expect(snapshot.feed.filter((e) => e.kind === 'attempt').map((e) => e.text)).toEqual([
      `Request 11111111 on worker 00000000: refused.`,
      `Request 11111111 on worker 00000000: lost.`,
    ]);
  });

  it('a failed request goes to the feed as an error with its class and message', () => {
    const { view } = setup(1);
    view.observer.requestStarted?.({ requestId: REQ, modelId: 'm', startedAt: Date.now() });
    view.observer.requestEnded?.('99999999-0000-4000-8000-000000000000', { kind: 'cancelled' }); // an unknown id is ignored
    view.observer.requestEnded?.(REQ, { kind: 'failed', errorClass: 'NoWorkerAvailableError', message: 'No worker is online.' });
    const { feed, recent, totals } = view.snapshot();
    expect(feed.at(-1)).toMatchObject({
      level: 'error',
      kind: 'request',
      requestId: REQ,
      text: 'Request 11111111 (m) failed after 0 token(s): NoWorkerAvailableError: No worker is online.',
    });
    expect(recent[0]?.error).toBe('NoWorkerAvailableError: No worker is online.');
    expect(totals).toMatchObject({ requests: 1, failed: 1 });
  });

  it('one point a second: requests/s, tokens/s and TTFT percentiles; each worker’s tokens/s over 5 s', () => {
    const { view } = setup(2);
    const observer = view.observer;
    const start = Date.now();
    view.tick(start); // a clean second from here
    for (let r = 0; r < 4; r++) {
      const id = `${REQ.slice(0, -1)}${r}`;
      observer.requestStarted?.({ requestId: id, modelId: 'm', startedAt: Date.now() });
      observer.attemptStarted?.(id, attempt(1, 'sent'));
      observer.attemptUpdated?.(id, attempt(1, 'streaming'));
      for (let i = 0; i < 10; i++) observer.tokenDelivered?.(id, workerId(1), i, performance.now());
      observer.requestEnded?.(id, r === 3 ? { kind: 'failed', errorClass: 'StreamGapError', message: 'gap' } : { kind: 'completed', totalTokens: 10 });
    }
    view.tick(start + 1000);
    const point = view.snapshot().series.at(-1)!;
    expect(point).toMatchObject({ requestsPerS: 4, failedPerS: 1, tokensPerS: 40, inFlight: 0 });
    expect(point.ttftP50Ms).not.toBeNull();
    expect(point.ttftP99Ms).toBeGreaterThanOrEqual(point.ttftP50Ms!);
    expect(view.snapshot().workers.find((w) => w.workerId === workerId(1))?.tokensPerS).toBe(8); // 40 tokens over 5 s
    view.tick(start + 2000);
    expect(view.snapshot().series.at(-1)).toMatchObject({ requestsPerS: 0, tokensPerS: 0 });
  });

  it('an update carries only what changed since the previous one, and nothing when nothing did', () => {
    const { view, registry } = setup(3);
    view.takeUpdate();
    expect(view.takeUpdate()).toBeUndefined();
    registry.onHeartbeat(heartbeat(2, 1));
    const update = view.takeUpdate();
    expect(update?.workers?.map((w) => w.workerId)).toEqual([workerId(2)]);
    expect(update?.workerIds).toBeUndefined();
    expect(update?.inFlight).toBeUndefined();
    view.observer.requestStarted?.({ requestId: REQ, modelId: 'm', startedAt: Date.now() });
    for (let i = 0; i < 500; i++) view.observer.tokenDelivered?.(REQ, workerId(1), i, performance.now());
    const second = view.takeUpdate();
    expect(second?.inFlight?.[0]?.tokens).toBe(500);
    expect(second?.workers).toBeUndefined();
    view.observer.requestEnded?.(REQ, { kind: 'completed', totalTokens: 500 });
    view.tick();
    const third = view.takeUpdate();
    expect(third?.recent?.map((r) => r.requestId)).toEqual([REQ]);
    expect(third?.series).toHaveLength(1);
    expect(third?.inFlight).toEqual([]);
    registry.onRegistration(registration(4));
    const fourth = view.takeUpdate();
    expect(fourth?.workerIds).toEqual([1, 2, 3, 4].map(workerId));
    expect(fourth?.recent).toBeUndefined();
    expect(fourth?.feed?.map((e) => e.kind)).toEqual(['online']);
  });

  it('close stops listening to the registry', () => {
    const { view, registry } = setup(1);
    expect(registry.listenerCount('updated')).toBe(1);
    view.close();
    expect(registry.listenerCount('updated')).toBe(0);
    expect(registry.listenerCount('online')).toBe(0);
  });
});
