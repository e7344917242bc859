// @ts-check
/**
 * The run cache behind `npm run codegen -- --check`'s fast answer (npm-entry.mjs). Plain JavaScript with node
 * built-ins only, so it runs before tsx and the parser are loaded: the whole check then takes a node start-up and a
 * few file reads. Types: run-cache.d.mts.
 *
 * A finished run (files written, or checked and up to date) is recorded in node_modules/.cache/mlx-codegen/, one
 * file per command line: the sha256 of the raw bytes of every source it read, of every file it produced, of every
 * file in each directory it owns, and a generator id (the generator's own files, the lockfiles, the node version).
 * A later `--check` with the same command line answers "up to date" only when every one of those is byte for byte the
 * same; anything else (a changed or missing file, a new file in the output directory, a comment-only edit, an
 * unreadable or foreign record) answers nothing, and the full run decides. So the fast answer is never "stale" and
 * never an "up to date" the full run would not give: it only repeats a full run's verdict on identical bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bumped when the record's layout or meaning changes: older records are then ignored. */
export const CACHE_FORMAT = 2;

/**
 * A source modified this close to (or after) the run's start may have changed while the run read it: such a run is
 * not recorded. Covers coarse file-system timestamps too.
 */
export const SETTLE_MS = 2000;

/** The flags that do not change what a run produces. */
const MODE_FLAGS = new Set(['--check', '--watch', '--strict']);

/** @param {string | Buffer} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * What identifies one command line's runs: the working directory, the arguments without the mode flags (in their
 * order and spelling: another spelling is another record), where the record lives, and the generator id.
 * @param {string[]} argv @param {string} cwd @param {string} generatorDir
 * @returns {import('./run-cache.d.mts').RunContext}
 */
export function runContext(argv, cwd, generatorDir) {
  const key = JSON.stringify({ cwd: path.resolve(cwd), args: argv.filter((arg) => !MODE_FLAGS.has(arg)) });
  const modules = path.join(path.resolve(cwd), 'node_modules');
  // Only where node_modules exists (npm's convention for tool caches); without it nothing is cached.
  const file = existsSync(modules) ? path.join(modules, '.cache', 'mlx-codegen', `${sha256(key)}.json`) : undefined;
  return { key, file, generator: generatorId(generatorDir) };
}

/**
 * sha256 of everything of the generator that decides its output: every file under `generatorDir`, the nearest
 * package-lock.json above it and the installed tree's node_modules/.package-lock.json beside it (the parser's and
 * prettier's versions), and the node version. Undefined when there is no lockfile: no caching then.
 * @param {string} generatorDir
 */
export function generatorId(generatorDir) {
  const hash = createHash('sha256');
  hash.update(`mlx-codegen run cache ${String(CACHE_FORMAT)} ${process.version}\n`);
  try {
    for (const file of listFiles(generatorDir)) {
      hash.update(`${path.relative(generatorDir, file)}\n`);
      hash.update(readFileSync(file));
      hash.update('\n\u0000\n');
    }
    let root = path.resolve(generatorDir);
    while (!existsSync(path.join(root, 'package-lock.json'))) {
      if (path.dirname(root) === root) return undefined;
      root = path.dirname(root);
    }
    for (const lock of [path.join(root, 'package-lock.json'), path.join(root, 'node_modules', '.package-lock.json')]) {
      hash.update(`${lock}\n`);
      hash.update(existsSync(lock) ? readFileSync(lock) : '(none)');
    }
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** Every file under `dir`, sorted. @param {string} dir @returns {string[]} */
function listFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(full));
    else found.push(full);
  }
  return found;
}

/**
 * What `dir` holds, by name in sorted order: the sha256 of each file, or "(not a file)". The contents count too: the
 * full check reads every file there to find generated files no longer produced.
 * @param {string} dir
 * @returns {Record<string, string>}
 */
function listing(dir) {
  /** @type {Record<string, string>} */
  const entries = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    entries[entry.name] = entry.isFile() ? sha256(readFileSync(path.join(dir, entry.name))) : '(not a file)';
  }
  return entries;
}

/**
 * The recorded answer for an unchanged `--check`: the number of files and the warnings the recorded run printed;
 * undefined unless every recorded byte is still the same.
 * @param {import('./run-cache.d.mts').RunContext} context
 * @returns {import('./run-cache.d.mts').CachedAnswer | undefined}
 */
export function answerFromCache(context) {
  if (context.file === undefined || context.generator === undefined) return undefined;
  try {
    const record = /** @type {Partial<import('./run-cache.d.mts').RunRecord>} */ (JSON.parse(readFileSync(context.file, 'utf8')));
    if (record.format !== CACHE_FORMAT || record.key !== context.key || record.generator !== context.generator) return undefined;
    const { inputs, outputs, listings, warnings } = record;
    if (!isHashes(inputs) || !isHashes(outputs) || typeof listings !== 'object' || listings === null || !Array.isArray(warnings)) return undefined;
    for (const [file, hash] of [...Object.entries(inputs), ...Object.entries(outputs)]) {
      if (sha256(readFileSync(file)) !== hash) return undefined;
    }
    for (const [dir, entries] of Object.entries(listings)) {
      if (JSON.stringify(listing(dir)) !== JSON.stringify(entries)) return undefined;
    }
    return { files: Object.keys(outputs).length, warnings: warnings.map(String) };
  } catch {
    // No record, a foreign one, or a file that went away: the full run decides.
    return undefined;
  }
}

/**
 * When `file` last changed: the later of its modification time (which tools can set back) and its status change
 * time (which they cannot; a rename or a write sets it).
 * @param {string} file
 */
function changedAt(file) {
  const { mtimeMs, ctimeMs } = statSync(file);
  return Math.max(mtimeMs, ctimeMs);
}

/** A non-empty map of paths to hashes. @param {unknown} value @returns {value is Record<string, string>} */
function isHashes(value) {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0 && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * Records a finished run, unless a source changed after `startedAt - SETTLE_MS` (it may have changed while the run
 * read it). Never throws: a cache that cannot be written only costs the next check its speed.
 * @param {import('./run-cache.d.mts').RunContext} context
 * @param {number} startedAt when the run started (ms since the epoch), taken before any source was read
 * @param {import('./run-cache.d.mts').FinishedRunData} run
 * @param {number} [settleMs] the settling time (tests shorten it)
 * @returns {boolean} whether it was recorded
 */
export function recordRun(context, startedAt, run, settleMs = SETTLE_MS) {
  if (context.file === undefined || context.generator === undefined) return false;
  try {
    const settled = (/** @type {string} */ file) => changedAt(file) <= startedAt - settleMs;
    /** @type {Record<string, string>} */
    const inputs = {};
    for (const file of run.sourceFiles) {
      // Hashed before the time is looked at: a change after the stat is then a change after the hashed read.
      const hash = sha256(readFileSync(file));
      if (!settled(file)) return false;
      inputs[file] = hash;
    }
    /** @type {Record<string, string>} */
    const outputs = {};
    for (const file of run.files) outputs[file.path] = sha256(file.content);
    /** @type {Record<string, Record<string, string>>} */
    const listings = {};
    for (const dir of run.managedDirs) {
      const entries = listing(dir);
      // A file that appeared or changed in the output directory during the run may be one the run did not see.
      if (!Object.keys(entries).every((name) => Object.hasOwn(outputs, path.join(dir, name)) || settled(path.join(dir, name)))) return false;
      listings[dir] = entries;
    }
    /** @type {import('./run-cache.d.mts').RunRecord} */
    const record = { format: CACHE_FORMAT, key: context.key, generator: context.generator, inputs, outputs, listings, warnings: run.warnings };
    mkdirSync(path.dirname(context.file), { recursive: true });
    const tmp = `${context.file}.${String(process.pid)}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record, null, 1)}\n`);
    renameSync(tmp, context.file);
    return true;
  } catch {
    return false;
  }
}
