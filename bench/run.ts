/**
 * `npm run bench`: this package's typed, validated path against raw nats.js, side by side on one nats-server.
 * Prints a table with typed/raw ratios and the targets of the performance issue (met / NOT MET), or with `--json`
 * one JSON line per figure. Exit status 0 unless the harness itself fails; a missed target is reported, not fatal.
 */
import { clusterFigures } from './cases/cluster.js';
import { memoryFigures } from './cases/memory.js';
import { largeFigures } from './cases/large.js';
import { publishFigures } from './cases/publish.js';
import { pubsubFigures } from './cases/pubsub.js';
import { requestFigures } from './cases/request.js';
import { startupFigures } from './cases/startup.js';
import { USAGE, parseBenchArgs, type BenchArgs, type Group } from './lib/args.js';
import { FULL, QUICK, type BenchContext } from './lib/context.js';
import { jsonLine, renderTable, summarize, type Figure } from './lib/figures.js';
import { describeMachine } from './lib/machine.js';
import { EmbeddedNatsServer } from '../src/server/embedded-server.js';

const CASES: Record<Group, (ctx: BenchContext) => Promise<Figure[]>> = {
  startup: startupFigures,
  publish: publishFigures,
  pubsub: pubsubFigures,
  request: requestFigures,
  large: largeFigures,
  memory: memoryFigures,
  cluster: clusterFigures,
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
        figures.push({ metric: `${group} (failed)`, unit: '-', raw: null, typed: null, rounds: 0, targets: [], note: `FAILED: ${error instanceof Error ? error.message : String(error)}` });
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
    args.quick ? 120_000 : 900_000,
  );
  guard.unref();
  const machine = describeMachine();
  process.stderr.write(`${machine}\n`);
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
