/** Types of run-cache.mjs (plain JavaScript, so that npm-entry.mjs can run it before tsx is loaded). */

/** One command line's identity and where its record lives. */
export interface RunContext {
  /** The working directory and the arguments without --check and --watch, as JSON. */
  key: string;
  /** The record's path; undefined when the working directory has no node_modules. */
  file: string | undefined;
  /** sha256 of the generator's files, lockfiles and node version; undefined when there is no lockfile. */
  generator: string | undefined;
}

/** What a finished run hands over (cli.ts's FinishedRun). */
export interface FinishedRunData {
  sourceFiles: readonly string[];
  files: readonly { path: string; content: string }[];
  managedDirs: readonly string[];
  warnings: readonly string[];
}

/** A record on disk. */
export interface RunRecord {
  format: number;
  key: string;
  generator: string;
  /** Absolute path to the sha256 of its raw bytes. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  /** Each directory the run owns: the sha256 of each file in it by name (sorted), or "(not a file)". */
  listings: Record<string, Record<string, string>>;
  warnings: readonly string[];
}

/** The fast answer to an unchanged `--check`. */
export interface CachedAnswer {
  files: number;
  warnings: string[];
}

export const CACHE_FORMAT: number;
export const SETTLE_MS: number;
export function runContext(argv: readonly string[], cwd: string, generatorDir: string): RunContext;
export function generatorId(generatorDir: string): string | undefined;
export function answerFromCache(context: RunContext): CachedAnswer | undefined;
export function recordRun(context: RunContext, startedAt: number, run: FinishedRunData, settleMs?: number): boolean;
