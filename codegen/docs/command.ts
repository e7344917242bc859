/**
 * `mlx-codegen docs`: publishes a contract for the team, in any project (this repository's `npm run docs` runs it
 * too, through scripts/docs.ts).
 *
 *   mlx-codegen docs                    writes docs/site/ (every version, offline) and docs/asyncapi.md
 *   mlx-codegen docs --check            exits 1 when docs/asyncapi.md is out of date; writes nothing
 *   mlx-codegen docs --serve [--port N] builds, then serves docs/site on 127.0.0.1 (default port 8090)
 *
 * The site needs `@asyncapi/react-component` (the page's renderer, an optional dependency like the generator's
 * peers); without it the command names the package and the command that installs it. `--check` does not need it.
 */
import path from 'node:path';
import { guide } from '../guide.js';
import { peerRanges } from '../peers.js';
import { DEFAULT_PORT, parseDocsArgs, usage, type DocsCli } from './args.js';
import { buildDocs, checkDocs } from './build.js';
import { missingSiteAssets } from './render-html.js';
import { serveDirectory } from './serve.js';

/** How the command was started. */
export interface DocsCommandOptions {
  /** The command the user typed: `mlx-codegen docs`, or this repository's `npm run docs`. */
  readonly command: string;
  /** Resolves when --serve should stop (default: SIGINT or SIGTERM). */
  readonly stopSignal?: () => Promise<void>;
}

/** The message when the site's renderer is not installed: which package, why, and the command that installs it. */
export function missingRendererMessage(name: string, command: string, ranges: Readonly<Record<string, string>> = peerRanges()): string {
  const version = ranges[name];
  return [
    `${command}: cannot build the docs site: ${name} is not installed.`,
    `The site's page is rendered by ${name}; like the generator's peers it is optional, so projects that build no`,
    'site do not install it. Install it as a development dependency:',
    '',
    `  npm install --save-dev ${version === undefined ? name : `${name}@${version}`}`,
    '',
    `(\`${command} --check\` needs only the generator's peers.) Guide: ${guide('codegen.md', 'the-docs-site')}`,
  ].join('\n');
}

/** Runs the docs command with `argv` (after `docs`); returns the exit status. */
export async function runDocsCommand(argv: readonly string[], options: DocsCommandOptions): Promise<number> {
  const { command } = options;
  let cli: DocsCli;
  try {
    cli = parseDocsArgs(argv, command);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (cli.mode === 'help') {
    console.log(usage(command));
    return 0;
  }
  try {
    return await run(cli, options);
  } catch (error) {
    console.error(`${command}: ${(error as Error).message}`);
    return 1;
  }
}

async function run(cli: DocsCli, { command, stopSignal = untilSignal }: DocsCommandOptions): Promise<number> {
  if (cli.mode === 'check') {
    const stale = await checkDocs(cli.paths, { command });
    for (const file of stale) console.error(`${path.relative(process.cwd(), file)} is out of date with ${cli.paths.input}: run \`${command}\` and commit it.`);
    if (stale.length === 0) console.log(`docs: ${cli.paths.markdownFile} is up to date.`);
    return stale.length === 0 ? 0 : 1;
  }
  const missing = missingSiteAssets();
  if (missing !== undefined) {
    console.error(missingRendererMessage(missing, command));
    return 2;
  }
  const result = await buildDocs(cli.paths, { command, releases: cli.releases });
  for (const note of result.notes) console.error(`docs: note: ${note}`);
  for (const file of result.written) console.log(`wrote ${path.relative(process.cwd(), file)}`);
  const changelogs = result.versions.filter((v) => v.changelog !== undefined).length;
  console.log(
    `docs: ${String(result.versions.length)} version(s) (${result.versions.map((v) => v.label).join(', ')}), ${String(changelogs)} changelog(s) in ${cli.paths.siteDir}`,
  );
  if (cli.mode === 'build') return 0;
  const server = await serveDirectory(cli.paths.siteDir, { port: cli.port, fallbackToFreePort: cli.defaultPort });
  if (cli.defaultPort && server.port !== DEFAULT_PORT) console.log(`Port ${String(DEFAULT_PORT)} is in use; using a free port instead.`);
  console.log(`Serving the AsyncAPI docs at ${server.url} (Ctrl-C stops).`);
  await stopSignal();
  await server.close();
  console.log('Stopped the docs server.');
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
