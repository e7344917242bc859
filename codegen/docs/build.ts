/**
 * What `mlx-codegen docs` (here: `npm run docs`) does, as functions the CLI and the tests share: build the site
 * (every version's page with a version switcher, a changelog per version after the first) and the Markdown
 * reference of the working tree's contract, or check that the committed Markdown still matches the contract.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseSource } from '../versions/releases.js';
import { changelogOf, renderChangelogHtml } from './changelog.js';
import { loadSpec } from './load-spec.js';
import { writeAssets, writePage } from './render-html.js';
import { DEFAULT_DOCS_COMMAND, renderMarkdown } from './render-markdown.js';
import { siteVersions } from './site-versions.js';
import { renderVersionBar, type BarVersion } from './version-bar.js';

/** Inputs and outputs of a docs build; paths may be relative to the working directory. */
export interface DocsPaths {
  /** The AsyncAPI document (default `asyncapi.yaml`). */
  readonly input: string;
  /** The site directory (default `docs/site`). */
  readonly siteDir: string;
  /** The Markdown reference (default `docs/asyncapi.md`). */
  readonly markdownFile: string;
}

/** How a build finds released versions and names itself. */
export interface DocsOptions {
  /** Where the released versions are: git tags matching a pattern (the default) or a versions directory. */
  readonly releases?: ReleaseSource | undefined;
  /** The command named in the Markdown reference (default `mlx-codegen docs`). */
  readonly command?: string | undefined;
}

/** The default layout, this repository's and a new project's alike. */
export const DEFAULT_PATHS: DocsPaths = {
  input: 'asyncapi.yaml',
  siteDir: path.join('docs', 'site'),
  markdownFile: path.join('docs', 'asyncapi.md'),
};

/** One version of a built site, as versions.json lists it. */
export interface BuiltVersion {
  readonly version: string;
  readonly slug: string;
  readonly label: string;
  readonly origin: string;
  /** The page of its changelog, relative to the site; undefined for the first version. */
  readonly changelog: string | undefined;
  readonly upgradeOrder: string | undefined;
}

/** What a build wrote. */
export interface BuildResult {
  /** Absolute paths of every file written. */
  readonly written: string[];
  /** Channel addresses and message names of the working tree's contract, in spec order (what the page must show). */
  readonly channels: string[];
  readonly messages: string[];
  /** The versions on the site, oldest first (the last is the one the root page shows). */
  readonly versions: BuiltVersion[];
  /** Releases left out or doubled, and why. */
  readonly notes: string[];
}

/** Writes the site and the Markdown reference for the contract at `paths.input`. */
export async function buildDocs(paths: DocsPaths, options: DocsOptions = {}): Promise<BuildResult> {
  const spec = await loadSpec(paths.input);
  const { versions, notes } = await siteVersions(paths.input, spec, options.releases ?? {});
  const siteDir = path.resolve(paths.siteDir);
  // Versions of an earlier build that are no longer released must not linger.
  await rm(path.join(siteDir, 'versions'), { recursive: true, force: true });
  const written = (await writeAssets(siteDir)).map((f) => path.join(siteDir, f));
  const bar = versions.map((v, i): BarVersion => ({ slug: v.slug, label: v.label, version: v.version, previous: versions[i - 1]?.version }));
  const built: BuiltVersion[] = [];
  for (const [i, v] of versions.entries()) {
    const dir = path.join(siteDir, 'versions', v.slug);
    written.push(await writePage(v.spec, dir, { root: '../../', versionBar: renderVersionBar(bar, v.slug, { kind: 'version', slug: v.slug }) }));
    const previous = versions[i - 1];
    const result = previous === undefined ? undefined : changelogOf(previous.contract, previous.origin, v.contract);
    if (result !== undefined) {
      const file = path.join(dir, 'changelog.html');
      await writeFile(
        file,
        renderChangelogHtml(v.spec.document.info().title(), v.label, result, renderVersionBar(bar, v.slug, { kind: 'changelog', slug: v.slug })),
      );
      written.push(file);
    }
    built.push({
      version: v.version,
      slug: v.slug,
      label: v.label,
      origin: v.origin,
      changelog: result === undefined ? undefined : `versions/${v.slug}/changelog.html`,
      upgradeOrder: result?.upgradeOrder,
    });
  }
  // The root page shows the newest version (there is always one: the working tree's, when nothing is released).
  const shown = versions[versions.length - 1];
  if (shown !== undefined) written.push(await writePage(shown.spec, siteDir, { root: '', versionBar: renderVersionBar(bar, shown.slug, { kind: 'root' }) }));
  const index = path.join(siteDir, 'versions.json');
  await writeFile(index, `${JSON.stringify({ versions: built }, null, 2)}\n`);
  written.push(index);
  const markdownFile = path.resolve(paths.markdownFile);
  await mkdir(path.dirname(markdownFile), { recursive: true });
  await writeFile(markdownFile, renderMarkdown(spec.document, options.command ?? DEFAULT_DOCS_COMMAND));
  written.push(markdownFile);
  return {
    written,
    channels: spec.document
      .channels()
      .all()
      .map((c) => c.address() ?? c.id()),
    messages: spec.document
      .messages()
      .all()
      .map((m) => m.name() ?? m.id()),
    versions: built,
    notes,
  };
}

/**
 * Compares the committed Markdown reference with what the contract produces now; writes nothing.
 * @returns the stale files (absolute paths); empty when everything is up to date.
 */
export async function checkDocs(paths: Pick<DocsPaths, 'input' | 'markdownFile'>, options: Pick<DocsOptions, 'command'> = {}): Promise<string[]> {
  const spec = await loadSpec(paths.input);
  const markdownFile = path.resolve(paths.markdownFile);
  const expected = renderMarkdown(spec.document, options.command ?? DEFAULT_DOCS_COMMAND);
  let actual: string | undefined;
  try {
    actual = await readFile(markdownFile, 'utf8');
  } catch {
    actual = undefined; // A missing file is as stale as a different one.
  }
  return actual === expected ? [] : [markdownFile];
}
