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
import { parseArgs } from 'node:util';
import { DEFAULT_PATHS, buildDocs, checkDocs } from './docs/build.js';
import type { DocsPaths } from './docs/build.js';
import { serveDirectory } from './docs/serve.js';

const DEFAULT_PORT = 8090;

const USAGE =
  'Usage: npm run docs -- [--check] [--serve [--port N]] [--input asyncapi.yaml] [--out docs/site] [--markdown docs/asyncapi.md]';

/** Parsed command line of the docs script. */
export interface DocsCli {
  readonly mode: 'build' | 'check' | 'serve';
  readonly paths: DocsPaths;
  readonly port: number;
  /** True when the port came from the default, so a taken port falls back to a free one. */
  readonly defaultPort: boolean;
}

/** Parses argv (without node and script); throws with the usage line on bad input. */
export function parseDocsArgs(argv: readonly string[]): DocsCli {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      check: { type: 'boolean', default: false },
      serve: { type: 'boolean', default: false },
      port: { type: 'string' },
      input: { type: 'string' },
      out: { type: 'string' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new Error(USAGE);
  if (values.check && values.serve) throw new Error(`--check and --serve cannot be combined.\n${USAGE}`);
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
      throw new Error(`--port must be a whole number from 0 to 65535, got "${values.port}".\n${USAGE}`);
    }
    port = Number(values.port);
  }
  const paths: DocsPaths = {
    input: values.input ?? DEFAULT_PATHS.input,
    siteDir: values.out ?? DEFAULT_PATHS.siteDir,
    markdownFile:
      values.markdown ?? (values.out === undefined ? DEFAULT_PATHS.markdownFile : path.join(values.out, 'asyncapi.md')),
  };
  const mode = values.check ? 'check' : values.serve ? 'serve' : 'build';
  return { mode, paths, port, defaultPort: values.port === undefined };
}

async function main(): Promise<number> {
  let cli: DocsCli;
  try {
    cli = parseDocsArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (cli.mode === 'check') {
    const stale = await checkDocs(cli.paths);
    for (const file of stale) {
      console.error(`${path.relative(process.cwd(), file)} is out of date with ${cli.paths.input}: run \`npm run docs\` and commit it.`);
    }
    if (stale.length === 0) console.log(`docs: ${cli.paths.markdownFile} is up to date.`);
    return stale.length === 0 ? 0 : 1;
  }
  const result = await buildDocs(cli.paths);
  for (const file of result.written) console.log(`wrote ${path.relative(process.cwd(), file)}`);
  if (cli.mode === 'build') return 0;
  const server = await serveDirectory(cli.paths.siteDir, { port: cli.port, fallbackToFreePort: cli.defaultPort });
  if (cli.defaultPort && server.port !== DEFAULT_PORT) console.log(`Port ${DEFAULT_PORT} is in use; using a free port instead.`);
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
