/**
 * The generator's command line: an AsyncAPI document to Zod schemas, types and typed channels (and, with
 * --config-schema, a config module and its reference page). Run as the package's `mlx-codegen` bin (bin.ts, which
 * checks the optional peers first), directly (`node --import tsx codegen/cli.ts`), and, in this repository, as
 * `npm run codegen` through output/npm-entry.mjs, which answers an unchanged `--check` before loading this file and
 * passes a {@link RunRecorder} for the runs that finish. See `--help`.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RUNTIME_MODULE } from './emit/common.js';
import type { CodegenOptions } from './generate.js';
import { CodegenError, formatDiagnostic } from './input/diagnostics.js';
import { startFormatter } from './output/format.js';
import { SourceWatcher } from './output/watch.js';
import { staleFiles, writeFiles, type OutputFile } from './output/write.js';
import { runtimeModuleProblem } from './runtime-module.js';

/** A run that wrote its files, or checked them and found them up to date. */
export interface FinishedRun {
  /** Absolute paths of every file the output was made from. */
  sourceFiles: string[];
  files: OutputFile[];
  managedDirs: string[];
  /** The warnings the run printed, as printed. */
  warnings: string[];
}

/** Called after each {@link FinishedRun}; the npm script's run cache (output/run-cache.mjs) records it. */
export type RunRecorder = (run: FinishedRun) => void;

const HELP = `Usage: mlx-codegen [options]        (in this repository: npm run codegen -- [options])

Generates Zod schemas, types and typed channel functions from an AsyncAPI 3 document.

Options:
  --input <file>          AsyncAPI document (default: asyncapi.yaml)
  --output <dir>          output directory (default: generated)
  --runtime <specifier>   module the generated code imports the runtime from
                          (default: ${DEFAULT_RUNTIME_MODULE}; this repository: ../src/contract/index.js)
  --config-schema <file>  a config JSON Schema to emit config.ts and its reference page from (default: none;
                          this repository's npm script passes schemas/cluster-config.schema.json)
  --config-docs <file>    where the configuration reference goes (default: docs/configuration.md)
  --check                 write nothing; exit 1 and list the files that are stale
  --watch                 regenerate whenever the spec or a file it refers to changes
  --against <ref|file>    breaking-change gate: compare with the contract at a git ref or in another file; exit 1
                          when a breaking change comes without a major info.version bump (docs/contract-evolution.md)
  --help                  show this text

Exit status: 0 on success, 1 on a broken spec (each problem printed as file:line:col: message) or stale files,
2 when the generator cannot run (an unknown option, a missing peer dependency).`;

/** Parses the command line into codegen options and modes. */
function parseCommandLine(argv: string[]): { options: CodegenOptions; check: boolean; watchMode: boolean; help: boolean; against?: string | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      output: { type: 'string', default: 'generated' },
      runtime: { type: 'string', default: DEFAULT_RUNTIME_MODULE },
      'config-schema': { type: 'string' },
      'config-docs': { type: 'string', default: 'docs/configuration.md' },
      check: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      against: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const configSchema = values['config-schema'];
  return {
    options: { input: values.input ?? 'asyncapi.yaml', output: values.output, runtime: values.runtime, configSchema, configDocs: configSchema === undefined ? undefined : values['config-docs'] },
    check: values.check,
    watchMode: values.watch,
    help: values.help,
    against: values.against,
  };
}

/** One run: generate, then write or check. Returns the exit status and the files to watch. */
async function runOnce(options: CodegenOptions, check: boolean, recorder?: RunRecorder): Promise<{ status: number; sources: string[] }> {
  const started = performance.now();
  try {
    // Prettier starts loading on its worker thread now, on the other core, while this thread loads the parser.
    startFormatter();
    // Loaded here, not at the top: it brings @asyncapi/parser (about 1 s), which --against and --help do not need.
    const { generate } = await import('./generate.js');
    const result = await generate(options);
    const warnings = result.warnings.map((w) => formatDiagnostic(w));
    const runtimeProblem = runtimeModuleProblem(options.runtime ?? DEFAULT_RUNTIME_MODULE, options.output);
    if (runtimeProblem !== undefined) warnings.push(`codegen: warning: ${runtimeProblem}`);
    for (const w of warnings) console.error(w);
    const finished: FinishedRun = { sourceFiles: result.sourceFiles, files: result.files, managedDirs: result.managedDirs, warnings };
    const ms = Math.round(performance.now() - started);
    if (check) {
      const stale = staleFiles(result.files, result.managedDirs);
      if (stale.length > 0) {
        console.error(`codegen --check: ${String(stale.length)} file(s) are not what ${options.input} produces; run the same command without --check and commit them:`);
        for (const file of stale) console.error(`  ${path.relative(process.cwd(), file)}`);
        return { status: 1, sources: result.sourceFiles };
      }
      console.log(`codegen --check: ${String(result.files.length)} files up to date (${String(ms)} ms)`);
      recorder?.(finished);
      return { status: 0, sources: result.sourceFiles };
    }
    const changed = writeFiles(result.files, result.managedDirs);
    console.log(`codegen: ${String(result.files.length)} files, ${String(changed.length)} changed (${String(ms)} ms)`);
    recorder?.(finished);
    return { status: 0, sources: result.sourceFiles };
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    for (const d of error.diagnostics) console.error(formatDiagnostic(d));
    console.error(`codegen: stopped, nothing written (${String(error.diagnostics.filter((d) => d.severity === 'error').length)} problem(s))`);
    // The files the failed run read: the fix will be made in one of them.
    return { status: 1, sources: error.sourceFiles };
  }
}

/**
 * --watch: re-runs on a change of the spec, the config schema or any file the last run read (also when it failed),
 * and watches the files of each run anew; keeps going after errors.
 */
function watchMode(options: CodegenOptions, firstSources: string[], recorder: RunRecorder | undefined): void {
  const fixed = [path.resolve(options.input), ...(options.configSchema === undefined ? [] : [path.resolve(options.configSchema)])];
  let running = false;
  let again = false;
  const rerun = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const { sources } = await runOnce(options, false, recorder);
    running = false;
    watcher.watch([...fixed, ...sources]);
    if (again) {
      again = false;
      void rerun();
    }
  };
  const watcher = new SourceWatcher(() => { void rerun(); });
  watcher.watch([...fixed, ...firstSources]);
  console.log('codegen: watching for changes (Ctrl-C to stop)');
}

/** Runs the command line `argv` (without node and the script); sets `process.exitCode`. */
export async function runCli(argv: string[], recorder?: RunRecorder): Promise<void> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    console.error(`codegen: ${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    console.log(HELP);
    return;
  }
  if (parsed.against !== undefined) {
    // The gate reads the documents itself (no parser, no generation): codegen/evolution/.
    const { runGate } = await import('./evolution/index.js');
    process.exitCode = runGate(parsed.options.input, parsed.against);
    return;
  }
  const { status, sources } = await runOnce(parsed.options, parsed.check, recorder);
  if (parsed.watchMode && !parsed.check) watchMode(parsed.options, sources, recorder);
  else process.exitCode = status;
}

/** Whether this file is the process's script (`node --import tsx codegen/cli.ts`), not imported by an entry. */
function isProcessEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProcessEntry()) await runCli(process.argv.slice(2));
