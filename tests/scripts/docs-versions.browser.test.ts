/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the fixtures are plain JSON, edited freely */
/**
 * Versioned docs: a git repository with three tagged contract versions (contract-v1.0.0, contract-v1.1.0,
 * contract-v2.0.0; the working tree equal to the last) builds a site with three versions and two changelogs, the
 * changelogs classified by the breaking-change gate. In headless Chromium (as tests/scripts/docs-page.browser.test.ts
 * drives it) the switcher lists the three versions and opens each, and each changelog page shows its entries and the
 * upgrade order. Without a browser: a working tree ahead of the last tag is a fourth version, a versions directory
 * works like tags, and the `docs` command of the CLI prints what it built.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs, type BuildResult } from '../../codegen/docs/build.js';
import { serveDirectory, type RunningServer } from '../../codegen/docs/serve.js';
import { hb, repository, version, write, type Fixture } from '../codegen/evolution/fixture.js';
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
const root = path.resolve(import.meta.dirname, '../..');

/** Three releases: 1.1.0 adds an optional field (breaks nobody); 2.0.0 adds a required field and an enum value. */
const RELEASES: Fixture[] = [
  version('1.0.0'),
  version('1.1.0', (f) => {
    hb(f).gpu = { type: 'number' };
  }),
  version('2.0.0', (f) => {
    hb(f).gpu = { type: 'number' };
    hb(f).region = { type: 'string' };
    f.heartbeat.required.push('region');
    hb(f).status.enum.push('draining');
  }),
];
const last = (): Fixture => RELEASES[2] as Fixture;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docs-versions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a repository with three tagged contract versions', () => {
  let contract: string;
  let built: BuildResult;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    const executablePath = findChromium();
    contract = repository(RELEASES, last());
    built = await buildDocs({ input: contract, siteDir: path.join(dir, 'site'), markdownFile: path.join(dir, 'asyncapi.md') });
    server = await serveDirectory(path.join(dir, 'site'), { port: 0 });
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (relative: string): Promise<void> => {
    await page.goto(new URL(relative, server?.url).href, { waitUntil: 'load' });
  };
  /** Waits until the page has drawn the contract of `shown` (its title and version head the page). */
  const rendered = async (shown: string): Promise<void> => {
    await page.getByText(`fixture ${shown}`, { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 15_000 });
  };

  it('builds three versions and two changelogs, classified by the gate', () => {
    expect(built.versions.map((v) => [v.version, v.label, v.origin, v.changelog])).toEqual([
      ['1.0.0', '1.0.0', 'contract-v1.0.0', undefined],
      ['1.1.0', '1.1.0', 'contract-v1.1.0', 'versions/1.1.0/changelog.html'],
      ['2.0.0', '2.0.0 (latest)', 'contract-v2.0.0', 'versions/2.0.0/changelog.html'],
    ]);
    expect(built.versions.map((v) => v.upgradeOrder)).toEqual([undefined, 'any-order', 'no-safe-order']);
    expect(built.notes).toEqual([]);
  });

  it('the root page shows the newest version, with a switcher of all three, newest first', async () => {
    await open('/');
    await rendered('2.0.0');
    const select = page.locator('#mlx-version-select');
    await expect.poll(() => select.isVisible()).toBe(true);
    expect(await select.locator('option').allTextContents()).toEqual(['2.0.0 (latest)', '1.1.0', '1.0.0']);
    expect(await select.inputValue()).toBe('versions/2.0.0/index.html');
    expect(await page.locator('#mlx-changelog-link').textContent()).toBe('What changed in 2.0.0 since 1.1.0');
  });

  it('choosing a version in the switcher opens its page, which shows that version', async () => {
    await open('/');
    await rendered('2.0.0');
    await Promise.all([page.waitForURL(/\/versions\/1\.0\.0\/index\.html$/), page.locator('#mlx-version-select').selectOption({ label: '1.0.0' })]);
    await rendered('1.0.0');
    expect(await page.locator('#mlx-version-select').inputValue()).toBe('../../versions/1.0.0/index.html');
    // The first version has no changelog; its contract is 1.0.0's: no heartbeat example shows a `gpu` field yet.
    expect(await page.locator('#mlx-changelog-link').count()).toBe(0);
    const gpuExamples = (): Promise<number> => page.locator('pre').filter({ hasText: '"gpu"' }).count();
    expect(await page.locator('pre').filter({ hasText: '"workerId"' }).count()).toBeGreaterThan(0);
    expect(await gpuExamples()).toBe(0);
    await Promise.all([page.waitForURL(/\/versions\/1\.1\.0\/index\.html$/), page.locator('#mlx-version-select').selectOption({ label: '1.1.0' })]);
    await rendered('1.1.0');
    await expect.poll(gpuExamples).toBeGreaterThan(0);
  });

  it("each changelog page shows its entries: who they break, which side upgrades first, and the step's upgrade order", async () => {
    await open('/');
    await rendered('2.0.0');
    await Promise.all([page.waitForURL(/\/versions\/2\.0\.0\/changelog\.html$/), page.locator('#mlx-changelog-link').click()]);
    const rows = page.locator('#changes tbody tr');
    expect(await rows.count()).toBe(2);
    const cells = async (i: number): Promise<string[]> => (await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim());
    expect(await cells(1)).toEqual([
      'schemas/heartbeat.json#/properties/status/enum',
      'enum-value-added',
      'readers',
      'readers first',
      'yes',
      'new value(s) "draining": readers on the old contract do not know them',
    ]);
    expect(await cells(0)).toEqual([
      'schemas/heartbeat.json#/required',
      'required-field-added',
      'writers',
      'writers first',
      'yes',
      '"region" is required now; writers on the old contract never send it',
    ]);
    expect(await page.locator('#verdict').textContent()).toBe('Breaking changes, matched by the major version bump. Compatibility FULL (the default).');
    expect(await page.locator('#upgrade-order').textContent()).toMatch(/^upgrade order: no safe order: plan a major version \(/);
    expect(await page.locator('#mlx-version-select option').allTextContents()).toEqual(['2.0.0 (latest)', '1.1.0', '1.0.0']);

    await open('/versions/1.1.0/changelog.html');
    expect(await page.locator('h1').textContent()).toBe('fixture: what changed in 1.1.0 since 1.0.0');
    expect(await page.locator('#changes tbody tr').count()).toBe(1);
    expect(await page.locator('#changes tbody tr').getAttribute('data-kind')).toBe('optional-field-added');
    expect(await page.locator('#upgrade-order').getAttribute('data-order')).toBe('any-order');
    await Promise.all([page.waitForURL(/\/versions\/1\.1\.0\/index\.html$/), page.locator('#mlx-contract-link').click()]);
    await rendered('1.1.0');
  });

  it('logs no console errors and asks no outside host for anything', () => {
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('the versions on disk and in versions.json agree', async () => {
    const listed = JSON.parse(await readFile(path.join(dir, 'site/versions.json'), 'utf8')) as { versions: { slug: string }[] };
    expect(listed.versions.map((v) => v.slug)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    // The root page embeds 2.0.0's contract: the same document as its own page.
    const rootPage = await readFile(path.join(dir, 'site/index.html'), 'utf8');
    const versionPage = await readFile(path.join(dir, 'site/versions/2.0.0/index.html'), 'utf8');
    const embedded = (html: string): string => /<script id="asyncapi-document" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(embedded(rootPage)).toBe(embedded(versionPage));
    expect(embedded(rootPage)).not.toBe('');
  });
});

describe('versions without a browser', () => {
  it('a working tree ahead of the last tag is one more version, with a changelog against that tag', async () => {
    const working = structuredClone(last());
    working.doc.info.version = '2.1.0';
    hb(working).temperature.maximum = 150;
    const contract = repository(RELEASES, working);
    const result = await buildDocs({ input: contract, siteDir: path.join(dir, 'ahead/site'), markdownFile: path.join(dir, 'ahead/asyncapi.md') });
    expect(result.versions.map((v) => v.label)).toEqual(['1.0.0', '1.1.0', '2.0.0', '2.1.0 (working tree)']);
    expect(result.versions.at(-1)).toMatchObject({ slug: 'working-tree', changelog: 'versions/working-tree/changelog.html', upgradeOrder: 'writers-first' });
    const changelog = await readFile(path.join(dir, 'ahead/site/versions/working-tree/changelog.html'), 'utf8');
    expect(changelog).toContain('data-kind="bound-narrowed"');
    expect(changelog).toContain('1 change(s) that FULL (the default) does not allow, without a major version bump.');
  });

  it('a versions directory works like tags, and another tag pattern selects other tags', async () => {
    const base = path.join(dir, 'folders');
    RELEASES.forEach((release, i) => write(release, path.join(base, 'versions', `r${String(i)}`)));
    const contract = write(last(), path.join(base, 'now'));
    const result = await buildDocs(
      { input: contract, siteDir: path.join(base, 'site'), markdownFile: path.join(base, 'asyncapi.md') },
      { releases: { versionsDir: path.join(base, 'versions') } },
    );
    expect(result.versions.map((v) => v.origin)).toEqual([
      path.relative(process.cwd(), path.join(base, 'versions', 'r0')),
      path.relative(process.cwd(), path.join(base, 'versions', 'r1')),
      path.relative(process.cwd(), path.join(base, 'versions', 'r2')),
    ]);

    const tagged = repository(RELEASES, last(), (v) => `v${v}`);
    const byDefault = await buildDocs({ input: tagged, siteDir: path.join(dir, 'v/site'), markdownFile: path.join(dir, 'v/asyncapi.md') });
    expect(byDefault.versions.map((v) => v.label)).toEqual(['2.0.0 (working tree)']);
    const withPattern = await buildDocs(
      { input: tagged, siteDir: path.join(dir, 'v/site'), markdownFile: path.join(dir, 'v/asyncapi.md') },
      { releases: { tags: 'v*' } },
    );
    expect(withPattern.versions.map((v) => v.origin)).toEqual(['v1.0.0', 'v1.1.0', 'v2.0.0']);
  });

  it('the CLI: `docs` builds the site and says what it built', () => {
    const contract = repository(RELEASES, last());
    const out = path.join(dir, 'cli');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', 'docs', '--input', contract, '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`docs: 3 version(s) (1.0.0, 1.1.0, 2.0.0 (latest)), 2 changelog(s) in ${out}`);
    expect(r.stdout).toContain('wrote ');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', 'docs', '--nope'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--nope'[\s\S]*Usage: mlx-codegen docs/);
  }, 60_000);
});
