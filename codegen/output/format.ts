/**
 * Prettier formatting for generated TypeScript, run on a worker thread. Loading prettier and its first format cost
 * about 0.8 s of one core in a fresh process; the worker is started before the spec is parsed, so that cost runs on
 * the second core while the main thread parses. Only prettier's standalone build with the typescript and estree
 * plugins is loaded (the ones the `typescript` parser uses; same printer, same bytes as `prettier.format`).
 * Options are fixed, so output never depends on a config file or editor. If the worker cannot run, formatting
 * falls back to the main thread with the same plugins and options.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Prettier options, fixed so output never depends on a config file or editor. */
export const PRETTIER_OPTIONS = {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
  proseWrap: 'preserve',
  parser: 'typescript',
} as const;

/** URLs of the prettier modules, resolved from this package so the worker finds the same copy. */
function moduleUrls(): { standalone: string; plugins: string[] } {
  const require = createRequire(import.meta.url);
  const url = (id: string): string => pathToFileURL(require.resolve(id)).href;
  return { standalone: url('prettier/standalone'), plugins: [url('prettier/plugins/typescript'), url('prettier/plugins/estree')] };
}

/** The worker: loads prettier once, then answers `{ id, code }` with `{ id, text }` or `{ id, error }`. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  // CommonJS builds arrive as the default export of the namespace.
  const own = (m, key) => (m[key] === undefined && m.default !== undefined ? m.default : m);
  const prettier = own(await import(workerData.standalone), 'format');
  const plugins = await Promise.all(workerData.plugins.map(async (u) => {
    const m = await import(u);
    return m.parsers === undefined && m.printers === undefined && m.default !== undefined ? m.default : m;
  }));
  return { prettier, options: { ...workerData.options, plugins } };
})();
parentPort.on('message', async ({ id, code }) => {
  try {
    const { prettier, options } = await ready;
    parentPort.postMessage({ id, text: await prettier.format(code, options) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Reply {
  id: number;
  text?: string;
  error?: string;
}

interface Pending {
  resolve: (text: string) => void;
  reject: (error: Error) => void;
}

let worker: Worker | undefined;
let workerFailed = false;
let nextId = 0;
const pending = new Map<number, Pending>();

/** Rejects every request in flight and forgets the worker, so the next call falls back or starts a new one. */
function dropWorker(error: Error): void {
  workerFailed = true;
  worker = undefined;
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

/**
 * Starts the formatting worker (idempotent), so prettier loads while the caller does other work. The worker does not
 * keep the process alive while idle.
 */
export function startFormatter(): void {
  if (worker !== undefined || workerFailed) return;
  try {
    // execArgv: [] keeps tsx's loader out of the worker: it runs plain JavaScript only.
    const started = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ...moduleUrls(), options: PRETTIER_OPTIONS } });
    started.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (reply.text !== undefined) p.resolve(reply.text);
      else p.reject(new Error(`prettier failed on generated code: ${reply.error ?? 'unknown error'}`));
    });
    started.on('error', (error) => { dropWorker(error); });
    started.on('exit', () => {
      if (worker === started) dropWorker(new Error('the formatting worker exited'));
    });
    // After the listeners: adding a 'message' listener references the worker again.
    started.unref();
    worker = started;
  } catch {
    workerFailed = true;
  }
}

/** Formats TypeScript with the fixed prettier options, on the worker when it runs. */
export async function formatTypeScript(code: string): Promise<string> {
  startFormatter();
  const current = worker;
  if (current === undefined) return formatInProcess(code);
  const id = nextId++;
  const result = new Promise<string>((resolve, reject) => { pending.set(id, { resolve, reject }); });
  // Referenced while a request is in flight, so the process waits for the answer.
  current.ref();
  current.postMessage({ id, code });
  return result;
}

/** The fallback: the same standalone prettier and plugins on the calling thread. */
async function formatInProcess(code: string): Promise<string> {
  const [prettier, typescript, estree] = await Promise.all([import('prettier/standalone'), import('prettier/plugins/typescript'), import('prettier/plugins/estree')]);
  return prettier.format(code, { ...PRETTIER_OPTIONS, plugins: [typescript, estree] });
}
