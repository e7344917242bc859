/**
 * Start-up figures, typed side only (raw nats.js has no counterpart, so there is no ratio and no spread): embedded
 * server start to ready, config load and codegen cold in fresh processes, and `npm run codegen -- --check` as a
 * whole process (npm's own start-up included), as a developer or CI step meets it. Each is the median of its runs.
 */
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { runChild, timeCommand, type CommandRun } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { median, nowMs } from '../lib/stats.js';

interface ConfigTimes {
  importMs: number;
  coldMs: number;
  warmMs: number;
}

interface CodegenTimes {
  importMs: number;
  generateMs: number;
  totalMs: number;
  files: number;
  stale: number;
}

/** Embedded start, config load, codegen. */
export async function startupFigures(ctx: BenchContext): Promise<Figure[]> {
  const starts: number[] = [];
  for (let i = 0; i < ctx.sizes.embeddedRounds + 1; i++) {
    const server = new EmbeddedNatsServer();
    const began = nowMs();
    await server.start({ port: 0, httpPort: 0 });
    const ms = nowMs() - began;
    await server.stop();
    // The first start warms the binary lookup and the page cache: it is the warm-up.
    if (i > 0) starts.push(ms);
  }
  ctx.log(`embedded start: ${starts.map((s) => s.toFixed(1)).join(', ')} ms`);

  const configs: ConfigTimes[] = [];
  for (let i = 0; i < ctx.sizes.configRounds; i++) configs.push(await runChild<ConfigTimes>('config-load.ts', [], 60_000));
  ctx.log(`config load cold: ${configs.map((c) => c.coldMs.toFixed(1)).join(', ')} ms (import ${configs.map((c) => c.importMs.toFixed(0)).join(', ')} ms)`);

  const codegens: CodegenTimes[] = [];
  for (let i = 0; i < ctx.sizes.codegenRounds; i++) codegens.push(await runChild<CodegenTimes>('codegen.ts', [], 120_000));
  ctx.log(`codegen: ${codegens.map((c) => `${c.totalMs.toFixed(0)} (import ${c.importMs.toFixed(0)})`).join(', ')} ms`);
  const stale = codegens.some((c) => c.stale > 0);

  // One untimed run first: it fills the page cache and whatever run cache the command keeps for unchanged sources.
  const checks: CommandRun[] = [];
  for (let i = 0; i < ctx.sizes.checkRounds + 1; i++) {
    const run = await timeCommand('npm', ['run', 'codegen', '--', '--check'], 60_000);
    if (i > 0) checks.push(run);
  }
  const failedChecks = checks.filter((c) => c.code !== 0);
  ctx.log(`codegen --check: ${checks.map((c) => `${c.ms.toFixed(0)}${c.code === 0 ? '' : ` (exit ${String(c.code)})`}`).join(', ')} ms`);

  return [
    {
      metric: 'embedded server start to ready',
      unit: 'ms',
      raw: null,
      typed: median(starts),
      rounds: starts.length,
      targets: [
        { kind: 'typedBelow', value: 100, source: 'issue' },
        { kind: 'typedBelow', value: 2000, source: 'floor' },
      ],
      note: 'EmbeddedNatsServer.start() with port 0 / httpPort 0 until it accepts clients and /healthz answers',
    },
    {
      metric: 'config load, cold (first call in a fresh process)',
      unit: 'ms',
      raw: null,
      typed: median(configs.map((c) => c.coldMs)),
      rounds: configs.length,
      targets: [{ kind: 'typedBelow', value: 100, source: 'issue' }],
      note: `loadClusterConfig('config/cluster.yaml'); warm call ${median(configs.map((c) => c.warmMs)).toFixed(1)} ms; importing the package entry under tsx ${median(configs.map((c) => c.importMs)).toFixed(0)} ms, not counted`,
    },
    {
      metric: 'codegen (fresh process, import + generate + check)',
      unit: 'ms',
      raw: null,
      typed: median(codegens.map((c) => c.totalMs)),
      rounds: codegens.length,
      targets: [{ kind: 'typedBelow', value: 2000, source: 'issue' }],
      note: `${codegens[0]?.files ?? 0} files; import ${median(codegens.map((c) => c.importMs)).toFixed(0)} ms + generate ${median(codegens.map((c) => c.generateMs)).toFixed(0)} ms${stale ? '; generated/ is STALE' : ''}`,
    },
    {
      metric: 'codegen --check, unchanged sources (whole process)',
      unit: 'ms',
      raw: null,
      typed: median(checks.map((c) => c.ms)),
      rounds: checks.length,
      targets: [{ kind: 'typedBelow', value: 1000, source: 'issue' }],
      note: `\`npm run codegen -- --check\` from spawn to exit, npm start-up included, after one untimed run; range ${Math.min(...checks.map((c) => c.ms)).toFixed(0)}-${Math.max(...checks.map((c) => c.ms)).toFixed(0)} ms${
        failedChecks.length === 0 ? '' : `; ${failedChecks.length} run(s) exited non-zero: ${failedChecks[0]?.tail.split('\n').pop() ?? ''}`
      }`,
    },
  ];
}
