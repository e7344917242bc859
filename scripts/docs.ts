/**
 * `npm run docs`: publishes the AsyncAPI contract for the team.
 *
 *   npm run docs                      writes docs/site/ (web page, offline) and docs/asyncapi.md
 *   npm run docs -- --check           exits 1 when docs/asyncapi.md is out of date; writes nothing
 *   npm run docs -- --serve [--port N]  builds, then serves docs/site on 127.0.0.1 (default port 8090)
 *   --input <file>                    another contract (default asyncapi.yaml)
 *   --out <dir>                       another site directory; the Markdown then goes to <dir>/asyncapi.md so a
 *                                     trial build never touches the committed file
 *   --markdown <file>                 where the Markdown reference goes (overrides the above)
 */
import path from 'node:path';
import { DEFAULT_PORT, USAGE, parseDocsArgs } from './docs/args.js';
import type { DocsCli } from './docs/args.js';
import { buildDocs, checkDocs } from './docs/build.js';
import { serveDirectory } from './docs/serve.js';

async function main(): Promise<number> {
  let cli: DocsCli;
  try {
    cli = parseDocsArgs(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    if (message === USAGE) {
      console.log(USAGE); // --help
      return 0;
    }
    console.error(message);
    return 2;
  }
  if (cli.mode === 'check') {
    const stale = await checkDocs(cli.paths);
    for (const file of stale) {
      console.error(
        `${path.relative(process.cwd(), file)} is out of date with ${cli.paths.input}: run \`npm run docs\` and commit it.`,
      );
    }
    if (stale.length === 0) console.log(`docs: ${cli.paths.markdownFile} is up to date.`);
    return stale.length === 0 ? 0 : 1;
  }
  const result = await buildDocs(cli.paths);
  for (const file of result.written) console.log(`wrote ${path.relative(process.cwd(), file)}`);
  if (cli.mode === 'build') return 0;
  const server = await serveDirectory(cli.paths.siteDir, { port: cli.port, fallbackToFreePort: cli.defaultPort });
  if (cli.defaultPort && server.port !== DEFAULT_PORT)
    console.log(`Port ${DEFAULT_PORT} is in use; using a free port instead.`);
  console.log(`Serving the AsyncAPI docs at ${server.url} (Ctrl-C stops).`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  console.log('Stopped the docs server.');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
