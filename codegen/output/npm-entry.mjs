// @ts-check
/**
 * What `npm run codegen` runs. A `--check` whose sources, output and generator are byte for byte those of a
 * recorded run gets that run's answer from run-cache.mjs at once, without tsx, the parser or prettier (about 0.3 s
 * for the whole process instead of several). Anything else runs cli.ts in this process (tsx registered here: no
 * second process, unlike the tsx command), which records each run that finishes for the next check. The package's
 * `mlx-codegen` bin (bin.ts) runs cli.ts without a cache: the flags and answers are the same.
 */
import { fileURLToPath } from 'node:url';
import { answerFromCache, recordRun, runContext } from './run-cache.mjs';

// Before any source is read: a source changed after this (less the settling time) keeps the run from being recorded.
const startedAt = Date.now();
const argv = process.argv.slice(2);
const context = runContext(argv, process.cwd(), fileURLToPath(new URL('..', import.meta.url)));

/** How generated files and messages name this command. */
const COMMAND = 'npm run codegen';

const cached = argv.includes('--check') ? answerFromCache(context) : undefined;
if (cached !== undefined) {
  for (const warning of cached.warnings) console.error(warning);
  console.log(`codegen --check: ${String(cached.files)} files up to date (sources unchanged since the last run, ${String(Math.round(performance.now()))} ms)`);
  // --strict fails on the recorded run's warnings, as the full run would.
  if (argv.includes('--strict') && cached.warnings.length > 0) {
    console.error(
      `codegen --strict: ${String(cached.warnings.length)} warning(s) above; fix them (or set a contract rule's severity: docs/codegen.md#contract-rules)`,
    );
    process.exitCode = 1;
  }
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = /** @type {typeof import('../cli.ts')} */ (await import('../cli.ts'));
  await runCli(argv, {
    command: COMMAND,
    recorder: (run) => {
      recordRun(context, startedAt, run);
    },
  });
}
