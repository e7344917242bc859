/**
 * What `npm run docs` does, as functions the CLI and the tests share: build the site and the Markdown reference,
 * or check that the committed Markdown still matches the contract.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSpec } from './load.js';
import { renderMarkdown } from './render-markdown.js';
import { writeSite } from './render-html.js';

/** Inputs and outputs of a docs build; paths may be relative to the working directory. */
export interface DocsPaths {
  /** The AsyncAPI document (default `asyncapi.yaml`). */
  readonly input: string;
  /** The site directory (default `docs/site`). */
  readonly siteDir: string;
  /** The Markdown reference (default `docs/asyncapi.md`). */
  readonly markdownFile: string;
}

/** The repository's own layout. */
export const DEFAULT_PATHS: DocsPaths = {
  input: 'asyncapi.yaml',
  siteDir: path.join('docs', 'site'),
  markdownFile: path.join('docs', 'asyncapi.md'),
};

/** What a build wrote. */
export interface BuildResult {
  /** Absolute paths of every file written. */
  readonly written: string[];
  /** Channel addresses and message names of the contract, in spec order (what the page must show). */
  readonly channels: string[];
  readonly messages: string[];
}

/** Writes the site and the Markdown reference for the contract at `paths.input`. */
export async function buildDocs(paths: DocsPaths): Promise<BuildResult> {
  const spec = await loadSpec(paths.input);
  const siteDir = path.resolve(paths.siteDir);
  const siteFiles = await writeSite(spec, siteDir);
  const markdownFile = path.resolve(paths.markdownFile);
  await mkdir(path.dirname(markdownFile), { recursive: true });
  await writeFile(markdownFile, renderMarkdown(spec.document));
  return {
    written: [...siteFiles.map((f) => path.join(siteDir, f)), markdownFile],
    channels: spec.document
      .channels()
      .all()
      .map((c) => c.address() ?? c.id()),
    messages: spec.document
      .messages()
      .all()
      .map((m) => m.name() ?? m.id()),
  };
}

/**
 * Compares the committed Markdown reference with what the contract produces now; writes nothing.
 * @returns the stale files (absolute paths); empty when everything is up to date.
 */
export async function checkDocs(paths: Pick<DocsPaths, 'input' | 'markdownFile'>): Promise<string[]> {
  const spec = await loadSpec(paths.input);
  const markdownFile = path.resolve(paths.markdownFile);
  const expected = renderMarkdown(spec.document);
  let actual: string | undefined;
  try {
    actual = await readFile(markdownFile, 'utf8');
  } catch {
    actual = undefined; // A missing file is as stale as a different one.
  }
  return actual === expected ? [] : [markdownFile];
}
