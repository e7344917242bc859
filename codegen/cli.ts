/**
 * The generator's command line: an AsyncAPI document to Zod schemas, types and typed channels (and, with
 * --config-schema, a config module and its reference page); `--against`, the breaking-change gate; and the `docs`
 * command, the contract's docs site (docs/command.ts). Run as the package's `mlx-codegen` bin (bin.ts, which checks
 * the optional peers first), directly (`node --import tsx codegen/cli.ts`), and, in this repository, as
 * `npm run codegen` through output/npm-entry.mjs, which answers an unchanged `--check` before loading this file and
 * passes a {@link RunRecorder} for the runs that finish. See `--help`.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RUNTIME_MODULE } from './emit/common.js';
import type { CodegenOptions } from './generate.js';
import { guide } from './guide.js';
import { CodegenError, formatDiagnostic } from './input/diagnostics.js';
import { startFormatter } from './output/format.js';
import { SourceWatcher } from './output/watch.js';
import { DEFAULT_COMMAND, staleFiles, writeFiles, type OutputFile } from './output/write.js';
import { moduleSystemProblems } from './project/module-system.js';
import { runtimeModuleProblem } from './runtime-module.js';
import { DEFAULT_TAG_PATTERN } from './versions/releases.js';

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

/** How the CLI was started. */
export interface CliOptions {
  /** Records each finished run (the npm script's run cache). */
  recorder?: RunRecorder | undefined;
  /**
   * The command the user typed, named in generated headers and in messages: `mlx-codegen` (the bin), or this
   * repository's `npm run codegen`.
   */
  command?: string | undefined;
}

function help(command: string): string {
  return `Usage: ${command} [options]
       ${command} docs [options]      the contract's docs site and Markdown reference (${command} docs --help)

Generates Zod schemas, types and typed channel functions from an AsyncAPI 3 document.

Options:
  --input <file>          AsyncAPI document (default: asyncapi.yaml)
  --output <dir>          output directory (default: generated)
  --runtime <specifier>   module the generated code imports the runtime from
                          (default: ${DEFAULT_RUNTIME_MODULE}; this repository: ../src/contract/index.js)
  --config-schema <file>  a config JSON Schema to emit config.ts and its reference page from (default: none)
  --config-docs <file>    where the configuration reference goes (default: docs/configuration.md)
  --check                 write nothing; exit 1 and list the files that are stale
  --strict                exit 1 on any warning too (a contract rule, a project set-up problem); CI uses it
  --watch                 regenerate whenever the spec or a file it refers to changes
  --against <ref|file>    breaking-change gate: compare with the contract at a git ref or in another file, under
                          the contract's compatibility mode (info.x-compatibility); exit 1 on a change the mode does
                          not allow without a major info.version bump, or a version lower than the base's
  --json                  with --against: print the result as JSON (for CI)
  --tags <pattern>        released versions are the git tags matching this pattern (default: ${DEFAULT_TAG_PATTERN}); a
                          _TRANSITIVE mode compares with each
  --versions <dir>        released versions are the folders of <dir>, each holding the contract, instead of tags
  --help                  show this text

Exit status: 0 on success, 1 on a broken spec (each problem printed as file:line:col: message), stale files, a
warning under --strict, or a failed gate, 2 when the generator cannot run (an unknown option, a missing peer
dependency, a contract the gate cannot read). Guide: ${guide('codegen.md')}`;
}

interface CommandLine {
  options: CodegenOptions;
  check: boolean;
  strict: boolean;
  watchMode: boolean;
  help: boolean;
  against: string | undefined;
  json: boolean;
  tags: string | undefined;
  versions: string | undefined;
}

/** Parses the command line into codegen options and modes. */
function parseCommandLine(argv: string[], command: string): CommandLine {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      output: { type: 'string', default: 'generated' },
      runtime: { type: 'string', default: DEFAULT_RUNTIME_MODULE },
      'config-schema': { type: 'string' },
      'config-docs': { type: 'string', default: 'docs/configuration.md' },
      check: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      against: { type: 'string' },
      json: { type: 'boolean', default: false },
      tags: { type: 'string' },
      versions: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const configSchema = values['config-schema'];
  if (values.json && values.against === undefined) throw new Error("--json goes with --against <ref|file>: it prints the gate's result as JSON");
  return {
    options: {
      input: values.input ?? 'asyncapi.yaml',
      output: values.output,
      runtime: values.runtime,
      configSchema,
      configDocs: configSchema === undefined ? undefined : values['config-docs'],
      command,
    },
    check: values.check,
    strict: values.strict,
    watchMode: values.watch,
    help: values.help,
    against: values.against,
    json: values.json,
    tags: values.tags,
    versions: values.versions,
  };
}

/** The warnings about the project the output goes into: the runtime module it imports, and its module system. */
function projectWarnings(options: CodegenOptions): string[] {
  const runtime = runtimeModuleProblem(options.runtime ?? DEFAULT_RUNTIME_MODULE, options.output);
  return [
    ...(runtime === undefined ? [] : [runtime]),
    ...moduleSystemProblems(options.output, guide('codegen.md', 'running-the-generator-in-another-project')),
  ].map((problem) => `codegen: warning: ${problem}`);
}

/** One run: generate, then write or check. Returns the exit status and the files to watch. */
async function runOnce(
  options: CodegenOptions,
  mode: { check: boolean; strict: boolean },
  recorder?: RunRecorder,
): Promise<{ status: number; sources: string[] }> {
  const started = performance.now();
  try {
    // Prettier starts loading on its worker thread now, on the other core, while this thread loads the parser.
    startFormatter();
    // Loaded here, not at the top: it brings @asyncapi/parser (about 1 s), which --against and --help do not need.
    const { generate } = await import('./generate.js');
    const result = await generate(options);
    const warnings = [...result.warnings.map((w) => formatDiagnostic(w)), ...projectWarnings(options)];
    for (const w of warnings) console.error(w);
    const finished: FinishedRun = { sourceFiles: result.sourceFiles, files: result.files, managedDirs: result.managedDirs, warnings };
    const ms = Math.round(performance.now() - started);
    const strictFailure = mode.strict && warnings.length > 0;
    const strictText = `codegen --strict: ${String(warnings.length)} warning(s) above; fix them (or set a contract rule's severity: ${guide('codegen.md', 'contract-rules')})`;
    if (mode.check) {
      const stale = staleFiles(result.files, result.managedDirs);
      if (stale.length > 0) {
        console.error(
          `codegen --check: ${String(stale.length)} file(s) are not what ${options.input} produces; run the same command without --check and commit them:`,
        );
        for (const file of stale) console.error(`  ${path.relative(process.cwd(), file)}`);
        return { status: 1, sources: result.sourceFiles };
      }
      console.log(`codegen --check: ${String(result.files.length)} files up to date (${String(ms)} ms)`);
      recorder?.(finished);
      if (strictFailure) console.error(strictText);
      return { status: strictFailure ? 1 : 0, sources: result.sourceFiles };
    }
    if (strictFailure) {
      console.error(`${strictText}; nothing written`);
      return { status: 1, sources: result.sourceFiles };
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
    const { sources } = await runOnce(options, { check: false, strict: false }, recorder);
    running = false;
    watcher.watch([...fixed, ...sources]);
    if (again) {
      again = false;
      void rerun();
    }
  };
  const watcher = new SourceWatcher(() => {
    void rerun();
  });
  watcher.watch([...fixed, ...firstSources]);
  console.log('codegen: watching for changes (Ctrl-C to stop)');
}

/** Runs the command line `argv` (without node and the script); sets `process.exitCode`. */
export async function runCli(argv: string[], cli: CliOptions = {}): Promise<void> {
  const command = cli.command ?? DEFAULT_COMMAND;
  if (argv[0] === 'docs') {
    // The docs site loads the parser and reads the site's assets: only for this command.
    const { runDocsCommand } = await import('./docs/command.js');
    process.exitCode = await runDocsCommand(argv.slice(1), { command: `${command} docs` });
    return;
  }
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv, command);
  } catch (error) {
    console.error(`codegen: ${(error as Error).message}\n\n${help(command)}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    console.log(help(command));
    return;
  }
  if (parsed.against !== undefined) {
    // The gate reads the documents itself (no parser, no generation): codegen/evolution/.
    const { runGate } = await import('./evolution/index.js');
    process.exitCode = runGate({
      input: parsed.options.input,
      against: parsed.against,
      json: parsed.json,
      releases: { tags: parsed.tags, versionsDir: parsed.versions },
    });
    return;
  }
  const { status, sources } = await runOnce(parsed.options, { check: parsed.check, strict: parsed.strict }, cli.recorder);
  if (parsed.watchMode && !parsed.check) watchMode(parsed.options, sources, cli.recorder);
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
