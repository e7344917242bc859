/**
 * Prettier formatting for generated TypeScript, run on a worker thread (format-worker.ts). Loading prettier and its
 * first format cost about 0.8 s of one core in a fresh process; the worker is started before the spec is parsed, so
 * that cost runs on the second core while the main thread parses. The prettier setup (standalone build, typescript
 * and estree plugins, fixed options) is prettier.ts, shared with the fallback: if the worker cannot start, or stops
 * before answering, formatting runs on the main thread with the same setup, so the bytes are the same either way.
 */
import { Worker } from 'node:worker_threads';
import { FORMAT_WORKER_DATA, type FormatReply, type FormatRequest } from './format-worker.js';
import { loadPrettier, type Formatter } from './prettier.js';

export { PRETTIER_OPTIONS } from './prettier.js';

interface Pending {
  code: string;
  resolve: (text: string) => void;
  reject: (error: Error) => void;
}

let worker: Worker | undefined;
let workerFailed = false;
let nextId = 0;
const pending = new Map<number, Pending>();
let inProcess: Promise<Formatter> | undefined;

/**
 * The worker's file and flags. Compiled (the package's dist/codegen/output/format.js, run by the `mlx-codegen` bin
 * under plain node), this module starts the compiled format-worker.js beside it with no flags; tsx is not installed
 * there. Run from source (this file is format.ts: `npm run codegen`, vitest), it starts format-worker.ts with tsx's
 * loader, as below.
 */
function workerStart(): { file: URL; execArgv: string[] } {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  if (!fromSource) return { file: new URL('./format-worker.js', import.meta.url), execArgv: [] };
  return { file: new URL('./format-worker.ts', import.meta.url), execArgv: workerExecArgv() };
}

/**
 * From source, the worker runs a TypeScript file, so tsx's loader has to be registered in the worker itself. On
 * Node 20 the flag `npm run codegen` runs under (`--import tsx`) registers tsx on the main thread only: a worker
 * inheriting it loads format-worker.ts without it and fails (ERR_UNKNOWN_FILE_EXTENSION), and vitest's processes
 * have no tsx at all.
 * tsx's `register()` API registers in whichever thread calls it, so the worker starts with one preload that calls it.
 * That preload is the worker's only flag: nothing else of the parent's (tsx's preflight, vitest's `--conditions`)
 * reaches it. tsx is resolved from this file, so the working directory does not matter.
 */
function workerExecArgv(): string[] {
  const register = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register();`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}

/** Forgets the worker and formats what it still owed on the main thread; later calls format there too. */
function dropWorker(): void {
  workerFailed = true;
  worker = undefined;
  const owed = [...pending.values()];
  pending.clear();
  for (const p of owed) formatInProcess(p.code).then(p.resolve, p.reject);
}

/**
 * Starts the formatting worker (idempotent), so prettier loads while the caller does other work. The worker does not
 * keep the process alive while idle.
 */
export function startFormatter(): void {
  if (worker !== undefined || workerFailed) return;
  try {
    const { file, execArgv } = workerStart();
    const started = new Worker(file, { execArgv, workerData: FORMAT_WORKER_DATA });
    started.on('message', (reply: FormatReply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (reply.text !== undefined) p.resolve(reply.text);
      else p.reject(new Error(`prettier failed on generated code: ${reply.error ?? 'unknown error'}`));
    });
    started.on('error', () => {
      if (worker === started) dropWorker();
    });
    started.on('exit', () => {
      if (worker === started) dropWorker();
    });
    // After the listeners: adding a 'message' listener references the worker again.
    started.unref();
    worker = started;
  } catch {
    workerFailed = true;
  }
}

/**
 * The last few formatted texts by their input: in `--watch` most modules come out of a run exactly as before (a
 * schema edit leaves config.ts, contract.ts and index.ts alone), and formatting is a pure function of the text,
 * so they are not sent to prettier again.
 */
const recent = new Map<string, Promise<string>>();
const RECENT_LIMIT = 16;

/** Formats TypeScript with the fixed prettier options, on the worker when it runs; the same text is formatted once. */
export function formatTypeScript(code: string): Promise<string> {
  const known = recent.get(code);
  if (known !== undefined) {
    // Most recently used last, so the oldest goes first.
    recent.delete(code);
    recent.set(code, known);
    return known;
  }
  const formatted = formatUncached(code);
  recent.set(code, formatted);
  // A failure is not kept: the next run tries again.
  formatted.catch(() => recent.delete(code));
  for (const oldest of recent.keys()) {
    if (recent.size <= RECENT_LIMIT) break;
    recent.delete(oldest);
  }
  return formatted;
}

async function formatUncached(code: string): Promise<string> {
  startFormatter();
  const current = worker;
  if (current === undefined) return formatInProcess(code);
  const id = nextId++;
  const result = new Promise<string>((resolve, reject) => {
    pending.set(id, { code, resolve, reject });
  });
  // Referenced while a request is in flight, so the process waits for the answer.
  current.ref();
  current.postMessage({ id, code } satisfies FormatRequest);
  return result;
}

/** The fallback: the same prettier setup on the calling thread, loaded once. */
async function formatInProcess(code: string): Promise<string> {
  inProcess ??= loadPrettier();
  return (await inProcess)(code);
}
