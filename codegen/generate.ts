/**
 * The codegen pipeline, as the CLI and the tests run it: load and check the contract, build the model, emit
 * every file in memory, format it and stamp its header. Nothing is written here, so a failure anywhere leaves
 * the output untouched; the CLI writes or checks the result (`writeFiles`, `staleFiles` of output/write.ts).
 */
import path from 'node:path';
import { renderConfigDocs } from './docs/config-docs.js';
import { emitChannels } from './emit/channels.js';
import { emitConfig } from './emit/config.js';
import { emitContract, emitIndex } from './emit/index.js';
import { emitPermissions } from './emit/permissions.js';
import { emitSchemas } from './emit/schemas.js';
import { DEFAULT_RUNTIME_MODULE } from './emit/common.js';
import { CodegenError, dedupeDiagnostics, hasErrors, withoutWarningsAboutErrors, type Diagnostic } from './input/diagnostics.js';
import { checkContract, modelScopes, withoutFollowOns } from './model/contract.js';
import { formatTypeScript, startFormatter } from './output/format.js';
import { markdownHeader, tsHeader, type Meanings, type OutputFile } from './output/write.js';
import { SourceSet } from './input/sources.js';

/** What to generate. Paths may be relative to the current directory. */
export interface CodegenOptions {
  /** The AsyncAPI document. */
  input: string;
  /** The directory for the TypeScript output. */
  output: string;
  /** The cluster configuration JSON Schema; skipped when undefined. */
  configSchema?: string | undefined;
  /** Where the configuration reference is written; only with `configSchema`. */
  configDocs?: string | undefined;
  /**
   * The module specifier the generated code imports the runtime's contract face from: by default the package's
   * `@mlx-serving/distributed/contract`; this repository's own output uses `../src/contract/index.js`.
   */
  runtime?: string | undefined;
  /** The command generated files name as their maker (default `mlx-codegen`; this repository's npm script passes its own). */
  command?: string | undefined;
}

/** Everything a run produced. */
export interface CodegenResult {
  files: OutputFile[];
  warnings: Diagnostic[];
  /** Absolute paths of every file the output depends on (for --watch). */
  sourceFiles: string[];
  /** Directories whose generated files this run owns (stale ones are removed). */
  managedDirs: string[];
}

/** Runs the pipeline. Rejects with a {@link CodegenError} listing every problem. */
export async function generate(options: CodegenOptions): Promise<CodegenResult> {
  // Prettier loads on a worker thread while the spec is parsed here; the config output, which does not depend on
  // the spec, is emitted and sent for formatting first, so it formats during the parse too.
  startFormatter();
  const config =
    options.configSchema === undefined ? undefined : emitConfigFiles(options.configSchema, options.configDocs, options.runtime ?? DEFAULT_RUNTIME_MODULE);
  try {
    return await generateFrom(options, config);
  } catch (error) {
    // The worker stays referenced while a request is in flight: let the config's finish before reporting.
    await config?.module?.formatted.catch(() => undefined);
    throw error;
  }
}

/** The rest of the pipeline, once the config output is under way. */
async function generateFrom(options: CodegenOptions, config: ConfigOutput | undefined): Promise<CodegenResult> {
  // Every problem of the contract is collected, from loading to emitting, and reported together.
  const loaded = await checkContract(options.input);
  const { model } = loaded;
  const baseDir = path.dirname(loaded.file);
  const outDir = path.resolve(options.output);
  if (model === undefined)
    throw new CodegenError(dedupeDiagnostics([...loaded.diagnostics, ...(config?.problems ?? [])]), [...loaded.sources.paths, ...(config?.sources ?? [])]);

  const runtime = options.runtime ?? DEFAULT_RUNTIME_MODULE;
  const schemas = emitSchemas(model, loaded.sources, runtime);
  const channels = emitChannels(model, loaded.sources, runtime);
  const problems = [
    ...loaded.diagnostics,
    ...withoutFollowOns([...schemas.diagnostics, ...channels.diagnostics], loaded.diagnostics, modelScopes(model, loaded.file), loaded.sources),
  ];
  const modules: { name: string; body: string; primary: string; sources: string[]; formatted?: Promise<string> }[] = [
    { name: 'schemas', body: schemas.code, primary: loaded.file, sources: model.sourceFiles },
    { name: 'channels', body: channels.code, primary: loaded.file, sources: model.sourceFiles },
    { name: 'contract', body: emitContract(model.info), primary: loaded.file, sources: [loaded.file] },
  ];
  // A contract whose operations name no role has no permissions to say.
  if (model.roles.length > 0) modules.push({ name: 'permissions', body: emitPermissions(model.roles), primary: loaded.file, sources: model.sourceFiles });
  const files: OutputFile[] = [];
  const sourceFiles = [...model.sourceFiles];
  // Each source is read and parsed once for all the headers of this run.
  const meanings: Meanings = new Map();
  if (config !== undefined) {
    if (config.module !== undefined) modules.push(config.module);
    if (config.docs !== undefined)
      files.push({ path: path.resolve(config.docs.path), content: markdownHeader(config.sources, baseDir, meanings, options.command) + config.docs.body });
    problems.push(...config.problems);
    sourceFiles.push(...config.sources);
  }
  if (hasErrors(problems)) throw new CodegenError(dedupeDiagnostics(withoutWarningsAboutErrors(problems, loaded.sources)), sourceFiles);

  modules.push({ name: 'index', body: emitIndex(modules.map((m) => m.name)), primary: loaded.file, sources: sourceFiles });
  // All requests go out at once; the worker answers them in order.
  const formatted = await Promise.all(modules.map((m) => m.formatted ?? formatTypeScript(m.body)));
  modules.forEach((m, i) => {
    files.unshift({
      path: path.join(outDir, `${m.name}.ts`),
      content: `${tsHeader(m.primary, m.sources, baseDir, meanings, options.command)}\n${formatted[i] ?? ''}`,
    });
  });
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  // Every file read counts for --watch and the run cache, also the package.json whose rule settings applied (it is no
  // source of the generated code, so no header names it).
  return {
    files,
    warnings: dedupeDiagnostics(withoutWarningsAboutErrors(problems, loaded.sources)),
    sourceFiles: [...new Set([...sourceFiles, ...loaded.sources.paths])],
    managedDirs: [outDir],
  };
}

/** The config module and its reference page, emitted before the spec is parsed; problems are kept for later. */
interface ConfigOutput {
  module?: { name: string; body: string; primary: string; sources: string[]; formatted: Promise<string> };
  docs?: { path: string; body: string };
  problems: Diagnostic[];
  sources: string[];
}

/** Emits config.ts (sent for formatting at once) and the configuration reference from the config schema. */
function emitConfigFiles(configSchema: string, configDocs: string | undefined, runtime: string): ConfigOutput {
  const configFile = path.resolve(configSchema);
  const configSources = new SourceSet();
  const out: ConfigOutput = { problems: [], sources: [] };
  try {
    const body = emitConfig(configFile, configSources, runtime);
    const formatted = formatTypeScript(body);
    // Awaited later; a parse failure in between must not leave an unhandled rejection.
    formatted.catch(() => undefined);
    out.module = { name: 'config', body, primary: configFile, sources: configSources.paths, formatted };
    if (configDocs !== undefined) {
      const schema = configSources.valueAt({ file: configFile, pointer: '' }) as object;
      out.docs = { path: configDocs, body: renderConfigDocs(schema) };
    }
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    out.problems.push(...error.diagnostics);
  }
  out.sources = configSources.paths;
  return out;
}
