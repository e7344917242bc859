/**
 * The command line of `mlx-codegen docs` (here: `npm run docs`), parsed into what to do and where. Kept apart from
 * command.ts so tests can parse arguments without running the command.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TAG_PATTERN, type ReleaseSource } from '../versions/releases.js';
import { DEFAULT_PATHS } from './build.js';
import type { DocsPaths } from './build.js';

/** The port `--serve` tries first; when it is taken a free one is used instead. */
export const DEFAULT_PORT = 8090;

/** The usage text for `command`, printed with every argument error and for --help. */
export function usage(command: string): string {
  const options = command.startsWith('npm run ') ? `${command} --` : command;
  return `Usage: ${options} [--check] [--serve [--port N]] [--input asyncapi.yaml] [--out docs/site] [--markdown docs/asyncapi.md] [--tags ${DEFAULT_TAG_PATTERN} | --versions <dir>]

Builds the contract's docs site (every released version with a version switcher and a changelog per version, and
the working tree's contract when it is newer) and its Markdown reference.
  --check             exit 1 when the Markdown reference is out of date; write nothing
  --serve [--port N]  build, then serve the site on 127.0.0.1 (default port ${String(DEFAULT_PORT)}; 0 picks a free one)
  --input <file>      the contract (default asyncapi.yaml)
  --out <dir>         the site directory (default docs/site; the Markdown then goes to <dir>/asyncapi.md)
  --markdown <file>   where the Markdown reference goes
  --tags <pattern>    released versions are the git tags matching this pattern (default ${DEFAULT_TAG_PATTERN})
  --versions <dir>    released versions are the folders of <dir>, each holding the contract, instead of tags`;
}

/** Parsed command line of the docs command. */
export interface DocsCli {
  readonly mode: 'build' | 'check' | 'serve' | 'help';
  readonly paths: DocsPaths;
  readonly releases: ReleaseSource;
  readonly port: number;
  /** True when the port came from the default, so a taken port falls back to a free one. */
  readonly defaultPort: boolean;
}

/** Parses argv (without node, the script and `docs`); throws with the usage text on bad input. */
export function parseDocsArgs(argv: readonly string[], command = 'mlx-codegen docs'): DocsCli {
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
        tags: { type: 'string' },
        versions: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node:util names the bad option ("Unknown option '--x'"); add how to call the command.
    throw new Error(`${(error as Error).message}\n${usage(command)}`, { cause: error });
  }
  if (values.check && values.serve) throw new Error(`--check and --serve cannot be combined.\n${usage(command)}`);
  if (values.tags !== undefined && values.versions !== undefined)
    throw new Error(`--tags and --versions cannot be combined: released versions come from one place.\n${usage(command)}`);
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
      throw new Error(`--port must be a whole number from 0 to 65535, got "${values.port}".\n${usage(command)}`);
    }
    port = Number(values.port);
  }
  const paths: DocsPaths = {
    input: values.input ?? DEFAULT_PATHS.input,
    siteDir: values.out ?? DEFAULT_PATHS.siteDir,
    markdownFile: values.markdown ?? (values.out === undefined ? DEFAULT_PATHS.markdownFile : path.join(values.out, 'asyncapi.md')),
  };
  const mode = values.help ? 'help' : values.check ? 'check' : values.serve ? 'serve' : 'build';
  return { mode, paths, releases: { tags: values.tags, versionsDir: values.versions }, port, defaultPort: values.port === undefined };
}
