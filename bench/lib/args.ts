/**
 * Command line of `npm run bench`: `--quick` (a short smoke run), `--json` (one JSON line per figure on stdout),
 * `--only <groups>` (run some groups, for profiling), `--help`.
 */
import { parseArgs } from 'node:util';

/** Groups of figures, in run order. */
export const GROUPS = ['startup', 'publish', 'pubsub', 'request', 'large', 'memory', 'cluster'] as const;

/** One group name. */
export type Group = (typeof GROUPS)[number];

/** What the command line asked for. */
export interface BenchArgs {
  quick: boolean;
  json: boolean;
  help: boolean;
  groups: readonly Group[];
}

/** Usage text. */
export const USAGE = `Usage: npm run bench -- [--quick] [--json] [--only ${GROUPS.join(',')}]

Measures this package's typed, validated path against raw nats.js (JSONCodec, no validation) on one
nats-server, and checks the targets of the performance issue.

  --quick        fewer messages and rounds (about 20 s); used as a CI smoke step
  --json         one JSON line per figure on stdout: {"metric","unit","typed","raw","ratio"}
  --only <list>  comma-separated groups to run (default: all)
  --help         this text`;

/** Parses `argv` (without node and script). Throws with the usage for unknown options or groups. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  let groups: readonly Group[] = GROUPS;
  if (values.only !== undefined) {
    const asked = values.only.split(',').map((g) => g.trim());
    const unknown = asked.filter((g) => !(GROUPS as readonly string[]).includes(g));
    if (unknown.length > 0) throw new Error(`Unknown group(s) ${unknown.join(', ')}; choose from ${GROUPS.join(', ')}.`);
    groups = GROUPS.filter((g) => asked.includes(g));
  }
  return { quick: values.quick, json: values.json, help: values.help, groups };
}
