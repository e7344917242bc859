/**
 * The codegen pipeline, as the CLI and the tests run it: load and check the contract, build the model, emit
 * every file in memory, format it and stamp its header. Nothing is written here, so a failure anywhere leaves
 * the output untouched; output.ts writes or checks the result.
 */
import path from 'node:path';
import { renderConfigDocs } from './config-docs.js';
import { emitChannels } from './emit-channels.js';
import { emitConfig } from './emit-config.js';
import { emitContract, emitIndex } from './emit-index.js';
import { emitSchemas } from './emit-schemas.js';
import { CodegenError, loadContract, type Diagnostic } from './load.js';
import { buildModel } from './model.js';
import { formatTypeScript, markdownHeader, tsHeader, type OutputFile } from './output.js';
import { SourceSet } from './sources.js';

/** What to generate. Paths may be relative to the current directory. */
export interface CodegenOptions {
  /** The AsyncAPI document. */
  input: string;
  /** The directory for the TypeScript output (a sibling of the runtime's src/). */
  output: string;
  /** The cluster configuration JSON Schema; skipped when undefined. */
  configSchema?: string | undefined;
  /** Where the configuration reference is written; only with `configSchema`. */
  configDocs?: string | undefined;
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
  const loaded = await loadContract(options.input);
  const model = buildModel(loaded.document, loaded.sources, loaded.file);
  const baseDir = path.dirname(loaded.file);
  const outDir = path.resolve(options.output);

  const schemas = emitSchemas(model, loaded.sources);
  const channels = emitChannels(model, loaded.sources);
  const problems = [...schemas.diagnostics, ...channels.diagnostics];
  const modules: { name: string; body: string; primary: string; sources: string[] }[] = [
    { name: 'schemas', body: schemas.code, primary: loaded.file, sources: model.sourceFiles },
    { name: 'channels', body: channels.code, primary: loaded.file, sources: model.sourceFiles },
    { name: 'contract', body: emitContract(model.info), primary: loaded.file, sources: [loaded.file] },
  ];
  const files: OutputFile[] = [];
  const sourceFiles = [...model.sourceFiles];
  if (options.configSchema !== undefined) {
    const configFile = path.resolve(options.configSchema);
    const configSources = new SourceSet();
    try {
      modules.push({ name: 'config', body: emitConfig(configFile, configSources), primary: configFile, sources: configSources.paths });
      if (options.configDocs !== undefined) {
        const schema = configSources.valueAt({ file: configFile, pointer: '' }) as object;
        files.push({ path: path.resolve(options.configDocs), content: markdownHeader(configSources.paths, baseDir) + renderConfigDocs(schema) });
      }
    } catch (error) {
      if (!(error instanceof CodegenError)) throw error;
      problems.push(...error.diagnostics);
    }
    sourceFiles.push(...configSources.paths);
  }
  if (problems.length > 0) throw new CodegenError([...problems, ...loaded.warnings, ...model.warnings]);

  modules.push({ name: 'index', body: emitIndex(modules.map((m) => m.name)), primary: loaded.file, sources: sourceFiles });
  for (const m of modules) {
    const formatted = await formatTypeScript(m.body);
    files.unshift({ path: path.join(outDir, `${m.name}.ts`), content: `${tsHeader(m.primary, m.sources, baseDir)}\n${formatted}` });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, warnings: [...loaded.warnings, ...model.warnings], sourceFiles: [...new Set(sourceFiles)], managedDirs: [outDir] };
}
