/**
 * The files the dashboard page loads, all served by the node (the page needs no network): the page itself
 * (`page/`, shipped with the package next to the compiled code's sources) and uPlot's script and style from
 * node_modules. Read once at start and kept in memory (about 80 KB); only these paths exist, so no request can name
 * another file.
 */
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One file to serve. */
export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** URL path -> file of page/. */
const PAGE: Readonly<Record<string, readonly [string, string]>> = {
  '/': ['index.html', HTML],
  '/assets/dashboard.js': ['dashboard.js', JS],
  '/assets/dashboard.css': ['dashboard.css', CSS],
};

/** URL path -> module path of a library file. */
const LIBRARY: Readonly<Record<string, readonly [string, string]>> = {
  '/assets/uPlot.iife.min.js': ['uplot/dist/uPlot.iife.min.js', JS],
  '/assets/uPlot.min.css': ['uplot/dist/uPlot.min.css', CSS],
};

/**
 * The page's folder: beside this module when it runs from src/ (tsx, tests), or src/cluster/dashboard/page in the
 * package root when it runs compiled from dist/src/cluster/dashboard/.
 */
async function pageFolder(): Promise<string> {
  const candidates = [new URL('./page/', import.meta.url), new URL('../../../../src/cluster/dashboard/page/', import.meta.url)];
  for (const candidate of candidates) {
    const folder = fileURLToPath(candidate);
    try {
      await access(`${folder}index.html`);
      return folder;
    } catch {
      // Not this one.
    }
  }
  throw new Error(`The dashboard page was not found (looked in ${candidates.map((c) => fileURLToPath(c)).join(' and ')}); the package is incomplete.`);
}

/** Reads every file the page needs. Rejects when one is missing (an incomplete install). */
export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const folder = await pageFolder();
  const require = createRequire(import.meta.url);
  const assets = new Map<string, Asset>();
  for (const [path, [file, contentType]] of Object.entries(PAGE)) assets.set(path, { body: await readFile(`${folder}${file}`), contentType });
  for (const [path, [module, contentType]] of Object.entries(LIBRARY)) assets.set(path, { body: await readFile(require.resolve(module)), contentType });
  return assets;
}
