/**
 * `npm run bench`: this package's typed, validated path against raw nats.js, side by side on one nats-server.
 *
 * Columns: raw v3 (nats.js 3, the baseline of every ratio and target), raw v2 (nats.js 2, kept for one release so
 * the runtime's move to v3 is judged by numbers), typed, typed/raw v3 and v3/v2, samples, targets (met / NOT MET).
 *
 * Method (bench/lib/interleave.ts, bench/lib/ratios.ts): each round is cut into small chunks and the sides take
 * turns chunk by chunk, in a rotating order, after one warm-up round; every chunk is measured on its own. A ratio
 * is the median of the per-chunk ratios, printed with their [min–max] (its noise band); values are medians of
 * the chunks; targets are judged on the median ratio. Latency chunks are blocks of sequential requests with their
 * own percentiles. Fresh-process figures pair sides by round: the spread is over rounds, or none with one round.
 *
 * Output: the table, or with `--json` one line per figure, {"metric","unit","typed","raw","ratio","spread","rawV2"}.
 * Exit status 0 unless the harness itself fails; a missed target is reported, not fatal.
 */
import { clusterFigures } from './cases/cluster.js';
import { dashboardFigures } from './cases/dashboard.js';
import { gatewayFigures } from './cases/gateway.js';
import { memoryFigures } from './cases/memory.js';
import { largeFigures } from './cases/large.js';
import { permissionsFigures } from './cases/permissions.js';
import { publishFigures } from './cases/publish.js';
import { pubsubFigures } from './cases/pubsub.js';
import { requestFigures } from './cases/request.js';
import { startupFigures } from './cases/startup.js';
import { tracingFigures } from './cases/tracing.js';
import { USAGE, parseBenchArgs, type BenchArgs, type Group } from './lib/args.js';
import { FULL, QUICK, type BenchContext } from './lib/context.js';
import { jsonLine, renderTable, summarize, type Figure } from './lib/figures.js';
import { describeMachine } from './lib/machine.js';
import { FULL_SOAK, QUICK_SOAK, renderSoakReport, runSoak } from './soak/soak.js';
import { EmbeddedNatsServer } from '../src/server/embedded-server.js';

const CASES: Record<Group, (ctx: BenchContext) => Promise<Figure[]>> = {
  startup: startupFigures,
  publish: publishFigures,
  pubsub: pubsubFigures,
  request: requestFigures,
  large: largeFigures,
  memory: memoryFigures,
  cluster: clusterFigures,
  gateway: gatewayFigures,
  dashboard: dashboardFigures,
  permissions: permissionsFigures,
  tracing: tracingFigures,
};

/** Runs the groups asked for; returns the figures and whether any group failed to measure. */
async function runBench(args: BenchArgs): Promise<{ figures: Figure[]; failed: boolean }> {
  const began = performance.now();
  const log = (line: string): void => {
    process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1)}s] ${line}\n`);
  };
  const server = new EmbeddedNatsServer();
  await server.start({ port: 0, httpPort: 0 });
  const figures: Figure[] = [];
  let failed = false;
  try {
    const ctx: BenchContext = { url: server.getUrl(), httpPort: server.getHttpPort() ?? 0, quick: args.quick, sizes: args.quick ? QUICK : FULL, log };
    log(`nats-server at ${ctx.url}; ${args.quick ? 'quick' : 'full'} run of ${args.groups.join(', ')}`);
    for (const group of args.groups) {
      try {
        figures.push(...(await CASES[group](ctx)));
      } catch (error) {
        failed = true;
        log(`group ${group} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        figures.push({
          metric: `${group} (failed)`,
          unit: '-',
          raw: null,
          typed: null,
          rounds: 0,
          targets: [],
          note: `FAILED: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    log(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await server.stop();
  }
  return { figures, failed };
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  // A hard bound on the whole run, so CI never hangs on it.
  const guard = setTimeout(
    () => {
      console.error('bench: the run exceeded its time bound; giving up');
      process.exit(1);
    },
    args.quick ? 420_000 : 2_400_000,
  );
  guard.unref();
  const machine = describeMachine();
  process.stderr.write(`${machine}\n`);
  if (args.soak) return soak(args, machine);
  const { figures, failed } = await runBench(args);
  if (args.json) {
    for (const figure of figures) console.log(jsonLine(figure));
  } else {
    const summary = summarize(figures);
    console.log(`\n${machine}\n\n${renderTable(figures)}\n`);
    console.log(`Targets: ${summary.met} met, ${summary.missed.length} not met${summary.missed.length > 0 ? ` (${summary.missed.join('; ')})` : ''}.`);
  }
  return failed ? 1 : 0;
}

/** `--soak`: the chaos soak and its report. */
async function soak(args: BenchArgs, machine: string): Promise<number> {
  const began = performance.now();
  const report = await runSoak({
    ...(args.quick ? QUICK_SOAK : FULL_SOAK),
    log: (line) => process.stderr.write(`[soak ${((performance.now() - began) / 1000).toFixed(1)}s] ${line}\n`),
  });
  if (args.json) console.log(JSON.stringify(report));
  else console.log(`\n${machine}\n\n${renderSoakReport(report)}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; should a stray handle remain, do not let it hold CI.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    console.error('bench: the harness failed:', error);
    process.exit(1);
  },
);
