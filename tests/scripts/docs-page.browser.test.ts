/**
 * The docs page in a real browser: build the site from the repository's asyncapi.yaml into a temp directory,
 * serve it on 127.0.0.1 with the docs server, and open it in headless Chromium (the system browser that
 * scripts/setup-browser.sh finds or installs, driven by playwright-core). The page must show every channel and
 * message of the contract and the examples without a click, log no errors, and ask no host but 127.0.0.1 for anything.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildDocs } from '../../codegen/docs/build.js';
import { loadSpec } from '../../codegen/docs/load-spec.js';
import type { LoadedSpec } from '../../codegen/docs/load-spec.js';
import { serveDirectory } from '../../codegen/docs/serve.js';
import type { RunningServer } from '../../codegen/docs/serve.js';
import { findChromium } from '../helpers/browser.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SPEC = path.resolve('asyncapi.yaml');
const SCREENSHOT = '/tmp/docs-page.png';

/** Channel addresses, message names and example payloads the page must show, taken from the parsed contract. */
function expectations(spec: LoadedSpec): { addresses: string[]; messages: string[]; examples: string[] } {
  const doc = spec.document;
  const addresses = doc
    .channels()
    .all()
    .map((c) => c.address())
    .filter((a): a is string => typeof a === 'string'); // A reply inbox has no address to show.
  const messages = doc
    .messages()
    .all()
    .map((m) => m.name() ?? m.id());
  const examples = doc
    .messages()
    .all()
    .flatMap((m) => m.examples().all())
    .filter((e) => e.hasPayload())
    .map((e) => JSON.stringify(e.payload(), null, 2));
  return { addresses, messages, examples };
}

describe('docs page in headless Chromium', () => {
  // Set in beforeAll; left undefined when it fails early, so afterAll checks before cleaning up.
  let dir: string | undefined;
  let spec: LoadedSpec;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const requested: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    const executablePath = findChromium(); // Throws naming CHROMIUM_BIN and the install command when there is none.
    dir = await mkdtemp(path.join(tmpdir(), 'docs-page-'));
    spec = await loadSpec(SPEC);
    await buildDocs({ input: SPEC, siteDir: path.join(dir, 'site'), markdownFile: path.join(dir, 'asyncapi.md') });
    server = await serveDirectory(path.join(dir, 'site'), { port: 0 });
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    // Every request goes through here: record it, let loopback through, abort (and remember) anything else.
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      requested.push(url.href);
      if (url.hostname === '127.0.0.1') {
        await route.continue();
      } else {
        outside.push(url.href);
        await route.abort();
      }
    });
    await page.goto(server.url, { waitUntil: 'load' });
    // The bundle renders after load; the info title heading is the first thing it draws.
    await page.getByRole('heading', { name: spec.document.info().title() }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: SCREENSHOT });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('is titled after the contract and loads only its own three files', async () => {
    expect(await page.title()).toBe(spec.document.info().title());
    const paths = requested.map((u) => new URL(u).pathname).sort();
    expect(paths).toEqual(['/', '/assets/asyncapi-standalone.js', '/assets/asyncapi.min.css']);
  });

  it('shows every channel address of the contract', async () => {
    const { addresses } = expectations(spec);
    expect(addresses.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const address of addresses) {
      if ((await page.getByText(address).filter({ visible: true }).count()) === 0) missing.push(address);
    }
    expect(missing).toEqual([]);
  });

  it('shows every message name of the contract', async () => {
    const { messages } = expectations(spec);
    expect(messages.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const name of messages) {
      if ((await page.getByText(name, { exact: true }).filter({ visible: true }).count()) === 0) missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  it('shows every message example open, without a click', async () => {
    const { examples } = expectations(spec);
    expect(examples.length).toBeGreaterThan(0);
    // A code block's text is the pretty-printed payload plus a trailing newline.
    const shown = (await page.locator('pre').filter({ visible: true }).allTextContents()).map((t) => t.trim());
    const missing = examples.filter((example) => !shown.includes(example));
    expect(missing).toEqual([]);
  });

  it('logs no console errors and asks no outside host for anything', () => {
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
  });
});

describe('docs server', () => {
  let dir: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docs-serve-'));
    const site = path.join(dir, 'site');
    await buildDocs({ input: SPEC, siteDir: site, markdownFile: path.join(dir, 'asyncapi.md') });
    await writeFile(path.join(dir, 'secret.txt'), 'outside the site');
    await symlink(path.join(dir, 'secret.txt'), path.join(site, 'link.txt'));
    server = await serveDirectory(site, { port: 0 });
  });

  const running = (): RunningServer => {
    if (server === undefined) throw new Error('the docs server did not start');
    return server;
  };

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page and its assets with their content types', async () => {
    const page = await fetch(running().url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(await readFile(path.join(dir, 'site', 'index.html'), 'utf8'));
    const script = await fetch(new URL('assets/asyncapi-standalone.js', running().url));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    await script.arrayBuffer();
    const css = await fetch(new URL('assets/asyncapi.min.css', running().url));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    await css.arrayBuffer();
  });

  it('refuses paths that leave the site, follows no symlink out of it, and 404s unknown files', async () => {
    // fetch() would normalise `..` away, so send raw paths with node:http semantics through a plain request line.
    const raw = async (target: string): Promise<number> => {
      const { request } = await import('node:http');
      return new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: running().port, path: target, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    };
    expect(await raw('/../secret.txt')).toBe(400);
    expect(await raw('/assets/%2e%2e/%2e%2e/secret.txt')).toBe(400);
    expect(await raw('/%2e%2e%2fsecret.txt')).toBe(400);
    expect(await raw('/a%00b')).toBe(400);
    expect(await raw('/%E0%A4%A')).toBe(400);
    expect(await raw('/link.txt')).toBe(404);
    expect(await raw('/nope.html')).toBe(404);
    expect(await raw('/assets/')).toBe(404);
    const post = await fetch(running().url, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.text();
  });

  it('answers HEAD without a body and falls back to a free port only when asked', async () => {
    const head = await fetch(running().url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    await expect(serveDirectory(path.join(dir, 'site'), { port: running().port })).rejects.toThrow(/in use.*--port/);
    const other = await serveDirectory(path.join(dir, 'site'), { port: running().port, fallbackToFreePort: true });
    try {
      expect(other.port).not.toBe(running().port);
      expect((await fetch(other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
