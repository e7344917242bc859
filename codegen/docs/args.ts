/**
 * The command line of `npm run docs`, parsed into what to do and where. Kept apart from scripts/docs.ts so tests
 * can parse arguments without running the command.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PATHS } from './build.js';
import type { DocsPaths } from './build.js';

/** The port `--serve` tries first; when it is taken a free one is used instead. */
export const DEFAULT_PORT = 8090;

/** One-line usage, printed with every argument error. */
export const USAGE =
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
  let values;
  try {
    ({ values } = parseArgs({
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
    }));
  } catch (error) {
    // node:util names the bad option ("Unknown option '--x'"); add how to call the script.
    throw new Error(`${(error as Error).message}\n${USAGE}`, { cause: error });
  }
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
