/**
 * The dashboard page in real Chromium with 100 workers and 1,000 requests a minute: a real WorkerRegistry fed a
 * registration per worker and a heartbeat per worker per second, and the controller's observer calls made at that
 * pace (each request 40 tokens, 20 a second). The page keeps up: it lists the 100 workers, stays connected (never
 * dropped as a page too slow to read its feed), and once the load stops it shows exactly the server's totals and
 * recent requests; the pause button still answers. The page's long tasks are written to
 * tests/artifacts/dashboard-scale.json (recorded for docs/performance.md, not asserted: no timing assertion here).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../../../src/cluster/dashboard/server.js';
import type { InferenceObserver } from '../../../src/cluster/inference-observer.js';
import type { WorkerRegistry } from '../../../src/cluster/registry.js';
import { findChromium } from '../../helpers/browser.js';
import { fedRegistry, heartbeat, registration, workerId } from './registry-feed.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WORKERS = 100;
const REQUESTS_PER_MIN = 1000;
const TOKENS = 40;
const LOAD_SECONDS = 8;

let registry: WorkerRegistry;
let dashboard: Dashboard;
let observer: InferenceObserver;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];
let pagesDuringLoad: number[] = [];

/** Drives the load for `seconds`: heartbeats and requests at their pace, in 50 ms steps. Resolves when all ended. */
async function load(seconds: number): Promise<number> {
  const live: { id: string; worker: string; sent: number }[] = [];
  let started = 0;
  const begin = Date.now();
  const end = begin + seconds * 1000;
  for (let step = 0; Date.now() < end || live.length > 0; step++) {
    for (let n = 1 + (step % 20); n <= WORKERS; n += 20) registry.onHeartbeat(heartbeat(n, n % 4));
    // Requests due by now at 1,000 a minute (none after the end).
    const due = Math.floor(((Math.min(Date.now(), end) - begin) / 60_000) * REQUESTS_PER_MIN);
    while (started < due) {
      const id = randomUUID();
      const worker = workerId((started++ % WORKERS) + 1);
      observer.requestStarted?.({ requestId: id, modelId: 'llama-3.2-3b', startedAt: Date.now() });
      observer.attemptStarted?.(id, { workerId: worker, reason: 'least_loaded: 1/4 slots', outcome: 'sent', fromToken: 0 });
      observer.attemptUpdated?.(id, { workerId: worker, reason: 'least_loaded: 1/4 slots', outcome: 'streaming', fromToken: 0 });
      live.push({ id, worker, sent: 0 });
    }
    for (const request of live) observer.tokenDelivered?.(request.id, request.worker, request.sent++, performance.now());
    for (const request of live.filter((r) => r.sent >= TOKENS)) {
      observer.attemptUpdated?.(request.id, { workerId: request.worker, reason: 'least_loaded: 1/4 slots', outcome: 'completed', fromToken: 0 });
      observer.requestEnded?.(request.id, { kind: 'completed', totalTokens: TOKENS });
    }
    live.splice(0, live.length, ...live.filter((r) => r.sent < TOKENS));
    if (step % 10 === 0) pagesDuringLoad.push(dashboard.pages);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return started;
}

beforeAll(async () => {
  const executablePath = findChromium();
  registry = fedRegistry(3000);
  for (let n = 1; n <= WORKERS; n++) registry.onRegistration(registration(n, { hostname: `mac-${String(n).padStart(3, '0')}` }));
  const observers: InferenceObserver[] = [];
  dashboard = await startDashboard({ controller: { observe: (o) => (observers.push(o), () => undefined) }, registry, port: 0, offlineTimeoutMs: 3000 });
  observer = observers[0]!;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  // Every task of the page's main thread longer than 50 ms, recorded from the first script on.
  await page.addInitScript(
    'window.__longTasks = []; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });',
  );
  await page.goto(dashboard.url, { waitUntil: 'load' });
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard.close();
});

describe(`the dashboard page with ${WORKERS} workers and ${REQUESTS_PER_MIN} requests a minute`, () => {
  let sent = 0;

  it('lists the 100 workers', async () => {
    await expect.poll(() => page.locator('#workers tbody tr').count(), { timeout: 10_000 }).toBe(WORKERS);
  });

  it('keeps up: connected all along, and afterwards it shows exactly the server’s totals and recent requests', async () => {
    pagesDuringLoad = [];
    const loadFrom = Number(await page.evaluate('performance.now()'));
    sent = await load(LOAD_SECONDS);
    const loadTo = Number(await page.evaluate('performance.now()'));
    expect(sent).toBeGreaterThanOrEqual(Math.floor((REQUESTS_PER_MIN / 60) * LOAD_SECONDS) - 2);
    expect(pagesDuringLoad.every((pages) => pages === 1)).toBe(true);
    const totals = dashboard.view.totals();
    expect(totals).toMatchObject({ requests: sent, completed: sent, tokens: sent * TOKENS, inFlight: 0 });
    await expect.poll(() => page.locator('[data-total="completed"]').textContent(), { timeout: 5000 }).toBe(sent.toLocaleString('en-US'));
    expect(await page.locator('[data-total="tokens"]').textContent()).toBe((sent * TOKENS).toLocaleString('en-US'));
    await expect.poll(() => page.locator('#recent tbody tr').count(), { timeout: 5000 }).toBe(Math.min(100, sent));
    await expect.poll(() => page.locator('#inflight tbody tr').count(), { timeout: 5000 }).toBe(0);
    expect(await page.locator('#connection').getAttribute('data-state')).toBe('live');
    await mkdir('tests/artifacts', { recursive: true });
    await page.screenshot({ path: 'tests/artifacts/dashboard-scale.png' });
    const longTasks = JSON.parse(String(await page.evaluate('JSON.stringify(window.__longTasks)'))) as [number, number][];
    const duringLoad = longTasks.filter(([at]) => at >= loadFrom && at <= loadTo).map(([, ms]) => ms);
    const figures = {
      workers: WORKERS,
      requestsPerMinute: REQUESTS_PER_MIN,
      loadMs: Math.round(loadTo - loadFrom),
      sent,
      longTasksDuringLoadMs: duringLoad,
      longTasksBeforeMs: longTasks.filter(([at]) => at < loadFrom).map(([, ms]) => ms),
    };
    await writeFile('tests/artifacts/dashboard-scale.json', `${JSON.stringify(figures)}\n`);
  }, 60_000);

  it('the pause button still answers under that load', async () => {
    await page.locator('#pause').click();
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    await page.locator('#pause').click();
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 5000 });
    await expect.poll(() => page.locator('#workers tbody tr').count(), { timeout: 5000 }).toBe(WORKERS);
  });

  it('logs no error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
