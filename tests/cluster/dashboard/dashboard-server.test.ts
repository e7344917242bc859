/**
 * The dashboard's HTTP side on a real port: the page and its assets (all served by the node, with a policy that
 * lets the page load nothing else), /api/cluster, the live feed's coalescing (a burst of 2,000 tokens reaches a
 * page as a few updates, not 2,000), a read-only surface, and close(). The controller's observer calls are made by
 * hand here; tests/cluster/dashboard/dashboard.browser.test.ts drives a real controller.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../../src/cluster/dashboard/server.js';
import type { DashboardSnapshot, DashboardUpdate } from '../../../src/cluster/dashboard/views.js';
import type { InferenceObserver } from '../../../src/cluster/inference-observer.js';
import { fedRegistry, registration, workerId } from './registry-feed.js';

const REQ = '11111111-2222-4333-8444-555555555555';

/** A controller's observe(): the observers it was given, until they unsubscribe. */
function observed(): { controller: { observe(o: InferenceObserver): () => void }; observers: Set<InferenceObserver> } {
  const observers = new Set<InferenceObserver>();
  return {
    observers,
    controller: {
      observe(observer) {
        observers.add(observer);
        return () => observers.delete(observer);
      },
    },
  };
}

const running: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.close()));
});

async function start(updateIntervalMs = 200) {
  const registry = fedRegistry(300);
  registry.onRegistration(registration(1));
  const { controller, observers } = observed();
  const dashboard = await startDashboard({ controller, registry, port: 0, updateIntervalMs, offlineTimeoutMs: 300 });
  running.push(dashboard);
  const observer = [...observers][0]!;
  return { dashboard, registry, observers, observer };
}

/** Reads Server-Sent Events from `url` until `until` says stop; returns them parsed. */
async function readEvents(
  url: string,
  until: (events: { event: string; data: unknown }[]) => boolean,
  signal: AbortSignal,
): Promise<{ event: string; data: unknown }[]> {
  const response = await fetch(url, { signal });
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel().catch(() => undefined);
  return events;
}

describe('startDashboard', () => {
  it('serves the page and every asset it loads itself, with a policy that forbids loading anything from elsewhere', async () => {
    const { dashboard } = await start();
    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('#') && !u.startsWith('data:'));
    expect(assets.sort()).toEqual(['/assets/dashboard.css', '/assets/dashboard.js', '/assets/uPlot.iife.min.js', '/assets/uPlot.min.css']);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, dashboard.url));
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      await response.arrayBuffer();
    }
    // uPlot comes from node_modules, byte for byte.
    const uplot = await (await fetch(new URL('/assets/uPlot.iife.min.js', dashboard.url))).text();
    expect(uplot).toBe(await readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'));
  });

  it('/api/cluster is the snapshot as JSON; the surface is read-only and names nothing else', async () => {
    const { dashboard, observer } = await start();
    observer.requestStarted?.({ requestId: REQ, modelId: 'llama-3.2-3b', startedAt: Date.now() });
    const response = await fetch(new URL('/api/cluster', dashboard.url));
    expect(response.headers.get('cache-control')).toBe('no-store');
    const snapshot = (await response.json()) as DashboardSnapshot;
    expect(snapshot.workers.map((w) => w.workerId)).toEqual([workerId(1)]);
    expect(snapshot.inFlight.map((r) => r.requestId)).toEqual([REQ]);
    expect(snapshot.totals.requests).toBe(1);
    const post = await fetch(new URL('/api/cluster', dashboard.url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.text();
    for (const path of ['/nope', '/assets/../package.json', '/assets/', '/src/cluster/dashboard/page/index.html']) {
      const missing = await fetch(new URL(path, dashboard.url));
      expect(missing.status, path).toBe(404);
      await missing.text();
    }
    const head = await fetch(new URL('/api/cluster', dashboard.url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('the live feed: a snapshot, then coalesced updates (2,000 tokens in one burst arrive as one update)', async () => {
    const { dashboard, observer } = await start(200);
    const abort = new AbortController();
    const url = new URL('/api/events', dashboard.url).href;
    const reading = readEvents(url, (events) => events.some((e) => e.event === 'update' && (e.data as DashboardUpdate).recent !== undefined), abort.signal);
    // Wait for the page to be connected (the snapshot is written on connect), then burst.
    while (dashboard.pages === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    observer.requestStarted?.({ requestId: REQ, modelId: 'm', startedAt: Date.now() });
    observer.attemptStarted?.(REQ, { workerId: workerId(1), reason: 'round robin', outcome: 'sent', fromToken: 0 });
    observer.attemptUpdated?.(REQ, { workerId: workerId(1), reason: 'round robin', outcome: 'streaming', fromToken: 0 });
    for (let i = 0; i < 2000; i++) observer.tokenDelivered?.(REQ, workerId(1), i, performance.now());
    observer.requestEnded?.(REQ, { kind: 'completed', totalTokens: 2000 });
    const events = await reading;
    abort.abort();
    expect(events[0]?.event).toBe('snapshot');
    // The whole burst happened between two flushes, so one update reports it all (a series point may have come before).
    const updates = events
      .filter((e) => e.event === 'update')
      .map((e) => e.data as DashboardUpdate)
      .filter((u) => u.inFlight !== undefined || u.recent !== undefined);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.recent?.[0]).toMatchObject({ requestId: REQ, tokens: 2000, outcome: 'completed' });
    expect(updates[0]?.totals.tokens).toBe(2000);
  });

  it('close() ends the live feeds, stops observing the controller and the registry, and frees the port', async () => {
    const { dashboard, registry, observers } = await start();
    const abort = new AbortController();
    const reading = readEvents(new URL('/api/events', dashboard.url).href, () => false, abort.signal);
    while (dashboard.pages === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await dashboard.close();
    const events = await reading; // the stream ended
    expect(events.map((e) => e.event)).toEqual(['snapshot']);
    expect(observers.size).toBe(0);
    expect(registry.listenerCount('updated')).toBe(0);
    await expect(fetch(dashboard.url)).rejects.toThrow();
    await dashboard.close(); // safe twice
  });

  it('a port in use is a DistributedError that names the setting to change, and leaves nothing observing', async () => {
    const { dashboard } = await start();
    const registry = fedRegistry();
    const { controller, observers } = observed();
    await expect(startDashboard({ controller, registry, port: dashboard.port })).rejects.toMatchObject({
      code: 'DASHBOARD_LISTEN',
      message: expect.stringContaining('controller.dashboard_port') as unknown,
    });
    expect(observers.size).toBe(0);
    expect(registry.listenerCount('updated')).toBe(0);
  });
});
