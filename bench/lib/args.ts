/**
 * Command line of `npm run bench`: `--quick` (a short smoke run), `--json` (one JSON line per figure on stdout),
 * `--only <groups>` (run some groups, for profiling), `--soak` (the chaos soak instead of the figures), `--help`.
 */
import { parseArgs } from 'node:util';

/** Groups of figures, in run order. */
export const GROUPS = ['startup', 'publish', 'pubsub', 'request', 'large', 'memory', 'cluster', 'gateway', 'dashboard', 'permissions', 'tracing'] as const;

/** One group name. */
export type Group = (typeof GROUPS)[number];

/** What the command line asked for. */
export interface BenchArgs {
  quick: boolean;
  json: boolean;
  help: boolean;
  /** Run the chaos soak (bench/soak/soak.ts) instead of the figures; with --quick, its bounded size. */
  soak: boolean;
  groups: readonly Group[];
}

/** Usage text. */
export const USAGE = `Usage: npm run bench -- [--quick] [--json] [--only ${GROUPS.join(',')}] | --soak [--quick] [--json]

Measures this package's typed, validated path against raw nats.js on one nats-server, and checks the
targets of the performance issue.

Columns: raw v3 (nats.js 3, JSON.stringify / msg.json(), no validation: the baseline of every ratio and
target), raw v2 (nats.js 2 with JSONCodec, kept for one release to judge the move to v3), typed,
typed/raw v3 and v3/v2. Values are medians of the samples. In the cluster and gateway groups the raw
column is the layer below (streamInference to the worker; controller.infer in-process for the HTTP API).
In the permissions group both columns are typed: raw v3 is a plain nats-server (permissions OFF), typed
is one with per-node nkey users and their generated permissions (ON); OFF2/OFF rows (two plain
servers) show the noise; the target is ON no worse than OFF by more than max(10%, |OFF2/OFF - 1|).
In the tracing group both columns are typed too: raw v3 runs with no OpenTelemetry registered, typed with
the API but no tracer provider, an SDK whose sampler drops every span, or one recording every span; a
second run with none shows the noise; the target is the API alone within max(10%, |noise - 1|).

Method: each round is cut into small chunks and the sides take turns chunk by chunk in a rotating order,
so machine drift falls on all of them alike. A ratio is the median of the per-chunk ratios, shown with
their [min–max] as its noise band; targets are judged on the median. Latency: a chunk is a block of
sequential requests with its own percentiles. Fresh-process figures (burst RSS, codegen, config load,
embedded start): one sample per round, spread over rounds, none with one round.

  --quick        fewer messages and rounds (about a minute); used as a CI smoke step
  --json         one JSON line per figure on stdout:
                 {"metric","unit","typed","raw","ratio","spread":[min,max]|null,"rawV2":number|null}
                 (raw is raw v3; ratio is typed/raw v3)
  --only <list>  comma-separated groups to run (default: all)
  --soak         the chaos soak instead: 400 requests of 20 tokens, at most 20 in flight, on 4 worker
                 processes and a 3-node NATS cluster; a random worker SIGKILLed and started again under the
                 same id every 3-5 s, the controller's NATS node killed and started again once. Reports
                 completed, failures by class, hung, wrong text, moves, p50/p99 latency with and without
                 chaos, and the controller's RSS (--quick: 100 requests on 2 workers, one NATS node)
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
      soak: { type: 'boolean', default: false },
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
  return { quick: values.quick, json: values.json, help: values.help, soak: values.soak, groups };
}
