/**
 * The dashboard in real Chromium (the browser scripts/setup-browser.sh finds, driven by playwright-core, as the docs
 * page test does), against a real controller with 3 workers on a real nats-server: two in this process, one in a
 * child process that the test kills. The page lists the 3 workers; a request shows in flight, then among the recent
 * requests with its worker and routing reason; the charts move; the killed worker turns offline within
 * offline_timeout_ms plus one heartbeat interval (plus the page's update interval and a little slack); the page
 * asks nothing of any host but the node, logs no error, and works from the keyboard. Screenshots go to
 * tests/artifacts/ (not committed).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Controller, NatsClient, Worker, WorkerRegistry, startDashboard, type Dashboard } from '../../../src/index.js';
import { findChromium } from '../../helpers/browser.js';
import { startWorkerProcess, workerSetup } from '../../helpers/cluster.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const ARTIFACTS = 'tests/artifacts';
const HEARTBEAT_MS = 300;
const OFFLINE_MS = 1200;
const UPDATE_MS = 250;
/** Tokens of a request and the engine's pause before each: a stream of about a second. */
const TOKENS = 30;
const TOKEN_DELAY_MS = 30;

let server: TestNatsServer;
const clients: NatsClient[] = [];
const workers: Worker[] = [];
let child: ChildProcess | undefined;
const childId = randomUUID();
let registry: WorkerRegistry;
let controller: Controller;
let dashboard: Dashboard;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];
const outside: string[] = [];

async function connected(): Promise<NatsClient> {
  const client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: server.url });
  clients.push(client);
  return client;
}

/** Runs one request to its end and returns it. */
async function runRequest(maxTokens = TOKENS): Promise<Awaited<ReturnType<Controller['infer']>>> {
  const stream = await controller.infer({ requestId: randomUUID(), modelId: 'llama-3.2-3b', prompt: 'hello', maxTokens });
  for await (const event of stream) if (event.type === 'error') throw new Error(event.error);
  return stream;
}

/** The chart's drawing, as the pixels of its canvas. */
const canvasOf = async (id: string): Promise<string> => (await page.locator(`#${id} canvas`).first().screenshot()).toString('base64');
/** An attribute of every element `selector` matches. */
async function attributes(selector: string, name: string): Promise<(string | null)[]> {
  const found = page.locator(selector);
  const values: (string | null)[] = [];
  for (let i = 0; i < (await found.count()); i++) values.push(await found.nth(i).getAttribute(name));
  return values;
}
const focused = () => page.locator(':focus');
const pointsOf = async (id: string): Promise<number> => Number(await page.locator(`#${id}`).getAttribute('data-points'));

beforeAll(async () => {
  const executablePath = findChromium();
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startNatsServer();
  registry = new WorkerRegistry(await connected(), { heartbeatIntervalMs: HEARTBEAT_MS, offlineTimeoutMs: OFFLINE_MS });
  controller = new Controller(clients[0]!, registry, { strategy: 'round_robin' });
  await registry.start();
  dashboard = await startDashboard({ controller, registry, port: 0, offlineTimeoutMs: OFFLINE_MS, updateIntervalMs: UPDATE_MS });
  for (const [hostname, chip] of [
    ['mac-studio', 'Apple M2 Ultra'],
    ['mac-mini', 'Apple M4 Pro'],
  ] as const) {
    const worker = new Worker(await connected(), { ...workerSetup({ chip, delayMs: TOKEN_DELAY_MS }), hostname, heartbeatIntervalMs: HEARTBEAT_MS });
    workers.push(worker);
    await worker.start();
  }
  child = await startWorkerProcess(server.url, childId, HEARTBEAT_MS, TOKEN_DELAY_MS);
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') await route.continue();
    else {
      outside.push(url.href);
      await route.abort();
    }
  });
  await page.goto(dashboard.url, { waitUntil: 'load' });
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard.close();
  child?.kill('SIGKILL');
  for (const worker of workers) await worker.stop().catch(() => undefined);
  await registry.stop();
  for (const client of clients) await client.disconnect();
  await server.stop();
});

describe('the dashboard in Chromium, on a real cluster', () => {
  it('lists the 3 workers, each online with its hardware and load against capacity', async () => {
    const rows = page.locator('#workers tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => page.locator('#workers tbody tr[data-state="online"]').count(), { timeout: 10_000 }).toBe(3);
    const ids = await attributes('#workers tbody tr', 'data-worker-id');
    expect(ids.sort()).toEqual([...workers.map((w) => w.workerId), childId].sort());
    const studio = page.locator(`#workers tr[data-worker-id="${workers[0]!.workerId}"]`);
    await expect.poll(() => studio.textContent()).toContain('mac-studio');
    expect(await studio.textContent()).toContain('Apple M2 Ultra');
    expect(await studio.textContent()).toContain('0 / 4');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-workers.png` });
  });

  it('shows a request in flight with its worker and tokens, then among the recent ones with its worker and routing reason', async () => {
    const requestId = randomUUID();
    const stream = await controller.infer({ requestId, modelId: 'llama-3.2-3b', prompt: 'hello', maxTokens: TOKENS });
    const live = page.locator(`#inflight tr[data-request-id="${requestId}"]`);
    await live.waitFor({ timeout: 5000 });
    const serving = stream.attempts.at(-1)!;
    expect(await live.getAttribute('data-worker')).toBe(serving.workerId);
    expect(await live.textContent()).toContain(requestId.slice(0, 8));
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-in-flight.png` });
    for await (const event of stream) if (event.type === 'error') throw new Error(event.error);
    const done = page.locator(`#recent tr[data-request-id="${requestId}"]`);
    await done.waitFor({ timeout: 5000 });
    expect(await done.getAttribute('data-outcome')).toBe('completed');
    const cells = await done.locator('td').allTextContents();
    // Request, model, outcome, worker, routing reason, tokens, TTFT, duration, attempts.
    expect(cells[2]).toBe('completed');
    expect(cells[3]).toContain(serving.workerId.slice(0, 8));
    expect(cells[4]).toBe(serving.reason);
    expect(cells[5]).toBe(String(TOKENS));
    expect(cells[6]).toMatch(/^\d+(\.\d)? (ms|s)$/);
    await expect.poll(() => live.count(), { timeout: 5000 }).toBe(0);
  });

  it('the charts move: points are added and the drawing changes as requests run', async () => {
    const pointsBefore = await pointsOf('chart-tokens');
    const before = await canvasOf('chart-tokens');
    await Promise.all([runRequest(), runRequest(), runRequest()]);
    await expect.poll(() => pointsOf('chart-tokens'), { timeout: 5000 }).toBeGreaterThan(pointsBefore + 1);
    await expect.poll(() => canvasOf('chart-tokens'), { timeout: 5000 }).not.toBe(before);
    // The charts' text summary (what a screen reader reads instead of the canvas) says tokens flowed.
    expect(await page.locator('#chart-tokens [data-summary]').textContent()).toMatch(/max [1-9]\d*(\.\d)?\/s/);
    expect(await page.locator('#chart-ttft [data-summary]').textContent()).toMatch(/p50 now|max/);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-charts.png` });
  });

  it(`a killed worker turns offline on the page within offline_timeout_ms + one heartbeat interval (+ ${UPDATE_MS + 500} ms for the page)`, async () => {
    const row = page.locator(`#workers tr[data-worker-id="${childId}"]`);
    expect(await row.getAttribute('data-state')).toBe('online');
    const killedAt = Date.now();
    child?.kill('SIGKILL');
    await page.locator(`#workers tr[data-worker-id="${childId}"][data-state="offline"]`).waitFor({ timeout: 10_000 });
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThanOrEqual(OFFLINE_MS + HEARTBEAT_MS + UPDATE_MS + 500);
    // Why, in the feed and in the worker's history; screen readers hear it once.
    const line = page.locator(`#feed li[data-kind="offline"][data-worker-id="${childId}"]`);
    await line.waitFor({ timeout: 2000 });
    expect(await line.textContent()).toContain('no heartbeat for over 1.2 s');
    expect(await page.locator('#announcer').textContent()).toContain('is offline');
    expect(await row.locator('details li').first().textContent()).toMatch(/offline: no heartbeat/);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-offline.png`, fullPage: true });
  });

  it('is usable from the keyboard: a skip link, scrollable regions in the tab order, a pause button that pauses', async () => {
    await page.keyboard.press('Tab');
    expect(await focused().textContent()).toBe('Skip to workers');
    await page.keyboard.press('Enter');
    expect(await focused().getAttribute('id')).toBe('workers-title');
    await page.keyboard.press('Tab');
    expect(await focused().getAttribute('aria-labelledby')).toBe('workers-title');
    await page.locator('#pause').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#connection').getAttribute('data-state')).toBe('paused');
    await expect.poll(() => dashboard.pages, { timeout: 5000 }).toBe(0);
    await page.keyboard.press('Enter');
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 5000 });
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('false');
  });

  it('names what it shows for assistive technology: captions, column headers, labelled regions and meters', async () => {
    for (const table of ['#workers', '#inflight', '#recent']) {
      expect((await page.locator(`${table} caption`).textContent())?.length).toBeGreaterThan(10);
      expect(await page.locator(`${table} th[scope="col"]`).count()).toBeGreaterThan(5);
    }
    expect(await page.getByRole('region', { name: 'Workers' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Pause live updates' }).count()).toBe(1);
    const meters = await attributes('#workers meter', 'aria-label');
    expect(meters).toHaveLength(3);
    expect(meters.every((label) => /^load \d+ of \d+$/.test(label ?? ''))).toBe(true);
  });

  it('asks no host but the node for anything, and logs no error', () => {
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
