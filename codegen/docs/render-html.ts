/**
 * The docs web page: one index.html per contract version that embeds the already-parsed contract, plus the
 * react-component standalone bundle and its stylesheet, copied once to the site's assets/. No parser runs in the
 * browser and nothing is fetched from another host, so the page works offline (also when opened straight from disk).
 * `@asyncapi/react-component` is needed only here: projects that build no site need not install it.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from '@asyncapi/parser';
import type { LoadedSpec } from './load-spec.js';
import { withSampledExamples } from './sample.js';

/** Where an asset is, resolved from this file as an import would be (so a project's own install is found). */
const assetPath = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier));

/** Where the page's assets come from (inside node_modules) and the names they get under `assets/`. */
export const SITE_ASSETS = [
  { from: '@asyncapi/react-component/browser/standalone/without-parser.js', to: 'asyncapi-standalone.js' },
  { from: '@asyncapi/react-component/styles/default.min.css', to: 'asyncapi.min.css' },
] as const;

/** The react-component configuration: every section, the sidebar, and message examples shown open. */
export const VIEWER_CONFIG = {
  show: {
    sidebar: true,
    info: true,
    servers: true,
    operations: true,
    messages: true,
    messageExamples: true,
    schemas: true,
    errors: true,
  },
  expand: { messageExamples: true },
  sidebar: { showServers: 'byDefault', showOperations: 'byDefault' },
} as const;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * Makes JSON safe inside a `<script>` element: `<`, `>` and `&` only occur inside JSON strings, where their
 * `\u` escapes mean the same, so `</script>` or `<!--` in a description cannot end the element early.
 */
export function escapeJsonForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a page needs besides the contract: where the assets are, and the version bar (empty for none). */
export interface PageParts {
  /** The path from the page to the site's root, `''` or `'../../'`. */
  readonly root: string;
  /** HTML of the version switcher (version-bar.ts), or `''`. */
  readonly versionBar: string;
}

/** Renders index.html for a contract whose parser `stringify()` output is `stringified`. */
export function renderIndexHtml(title: string, stringified: string, parts: PageParts = { root: '', versionBar: '' }): string {
  const [script, css] = SITE_ASSETS;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${parts.root}assets/${css.to}">
<style>body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }</style>
</head>
<body>
${parts.versionBar}<div id="asyncapi"><noscript>This page needs JavaScript to render the AsyncAPI contract; the Markdown reference (asyncapi.md) has the same content.</noscript></div>
<script id="asyncapi-document" type="application/json">${escapeJsonForScript(stringified)}</script>
<script src="${parts.root}assets/${script.to}"></script>
<script>
  AsyncApiStandalone.render(
    {
      schema: document.getElementById('asyncapi-document').textContent,
      config: ${JSON.stringify(VIEWER_CONFIG)},
    },
    document.getElementById('asyncapi'),
  );
</script>
</body>
</html>
`;
}

/**
 * Whether the page's assets can be found (the optional `@asyncapi/react-component` is installed where the generator
 * is); the name of the missing package when not.
 */
export function missingSiteAssets(): string | undefined {
  try {
    for (const asset of SITE_ASSETS) assetPath(asset.from);
    return undefined;
  } catch {
    return SITE_ASSET_PACKAGE;
  }
}

/** The package the page's assets come from. */
export const SITE_ASSET_PACKAGE = '@asyncapi/react-component';

/** Copies the page's assets to `<outDir>/assets/`; returns the written paths, relative to `outDir`. */
export async function writeAssets(outDir: string): Promise<string[]> {
  const assetsDir = path.join(outDir, 'assets');
  await mkdir(assetsDir, { recursive: true });
  const written: string[] = [];
  for (const asset of SITE_ASSETS) {
    await copyFile(assetPath(asset.from), path.join(assetsDir, asset.to));
    written.push(`assets/${asset.to}`);
  }
  return written;
}

/** The page of one contract: index.html in `pageDir`, its assets under `parts.root`. */
export async function writePage(spec: LoadedSpec, pageDir: string, parts: PageParts): Promise<string> {
  await mkdir(pageDir, { recursive: true });
  const title = spec.document.info().title();
  // A message without examples gets a valid sampled one on the page instead of the page's own, possibly invalid one.
  const stringified = withSampledExamples(spec.document, () => stringify(spec.document)) ?? spec.stringified;
  const file = path.join(pageDir, 'index.html');
  await writeFile(file, renderIndexHtml(title, stringified, parts));
  return file;
}

/** Writes `<outDir>/index.html` and `<outDir>/assets/*` for one contract; returns the written paths, relative to `outDir`. */
export async function writeSite(spec: LoadedSpec, outDir: string): Promise<string[]> {
  const written = await writeAssets(outDir);
  await writePage(spec, outDir, { root: '', versionBar: '' });
  return [...written, 'index.html'];
}
