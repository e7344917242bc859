/**
 * The formatting worker thread that format.ts starts: loads prettier once, then answers each `{ id, code }` with
 * `{ id, text }` or `{ id, error }`, in the order the requests arrive. Imported anywhere else (a test, the main
 * thread), it only exports {@link answer} and starts nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadPrettier, type Formatter } from './prettier.js';

/** A request from format.ts. */
export interface FormatRequest {
  id: number;
  code: string;
}

/** The answer to one {@link FormatRequest}: the formatted text, or prettier's error message. */
export interface FormatReply {
  id: number;
  text?: string;
  error?: string;
}

/** What format.ts passes as `workerData`, so that only the thread it starts runs the message loop. */
export const FORMAT_WORKER_DATA = { role: 'codegen-format' } as const;

/** Formats one request; a failure (prettier's, or loading prettier) becomes the reply's `error`. */
export async function answer({ id, code }: FormatRequest, formatter: Promise<Formatter>): Promise<FormatReply> {
  try {
    const format = await formatter;
    return { id, text: await format(code) };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (!isMainThread && port !== null && (workerData as Partial<typeof FORMAT_WORKER_DATA> | null)?.role === FORMAT_WORKER_DATA.role) {
  // Starts loading at once: requests that arrive meanwhile wait for it.
  const ready = loadPrettier();
  // A failed load becomes every reply's error; keep it from also surfacing as an unhandled rejection.
  ready.catch(() => undefined);
  port.on('message', (request: FormatRequest) => {
    void answer(request, ready).then((reply) => {
      port.postMessage(reply);
    });
  });
}
