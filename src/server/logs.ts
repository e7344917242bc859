/**
 * What EmbeddedNatsServer does with nats-server's output: split it into lines, scrub anything credential-like,
 * keep the most recent ones in a bounded ring, and read the few facts it needs from them (level, port in use).
 */
import type { EmbeddedLogLevel } from './config.js';

// Defined with the rest of the redaction rules; EmbeddedNatsServer takes it from here.
export { redactLogLine } from '../base/redaction.js';

/** A fixed-size ring of the most recent lines: memory stays bounded however chatty the server is. */
export class LogRing {
  private readonly buffer: string[] = [];
  private next = 0;

  /** @param capacity how many lines to keep (at least 1). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LogRing capacity must be a positive integer, got ${capacity}`);
  }

  /** Adds a line, dropping the oldest when full. */
  push(line: string): void {
    if (this.buffer.length < this.capacity) this.buffer.push(line);
    else this.buffer[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept lines, oldest first (a copy). */
  lines(): string[] {
    if (this.buffer.length < this.capacity) return [...this.buffer];
    return [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
  }
}

/**
 * Returns a function that takes output chunks and calls `onLine` once per complete line (without the newline).
 * `flush()` hands over a last line that had no newline. Partial lines are capped so a stream without newlines
 * cannot grow memory without bound.
 */
export function createLineSplitter(onLine: (line: string) => void, maxLineLength = 16_384): { write(chunk: Buffer | string): void; flush(): void } {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        onLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > maxLineLength) {
        onLine(pending.slice(0, maxLineLength));
        pending = '';
      }
    },
    flush() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

/** The level of a nats-server log line, from its `[INF]`-style tag; untagged output (usage text, panics) counts as error. */
export function serverLineLevel(line: string): EmbeddedLogLevel {
  const tag = /\[(TRC|DBG|INF|WRN|ERR|FTL)\]/.exec(line)?.[1];
  switch (tag) {
    case 'TRC':
    case 'DBG':
      return 'debug';
    case 'INF':
      return 'info';
    case 'WRN':
      return 'warn';
    default:
      return 'error';
  }
}

/** The port named in nats-server's "bind: address already in use" failure, if `line` is one. */
export function portInUseFrom(line: string): number | undefined {
  if (!line.includes('address already in use')) return undefined;
  // "listen tcp 127.0.0.1:4222: bind: address already in use" (also "[::1]:4222").
  const port = /listen tcp \S*:(\d+): bind: address already in use/.exec(line)?.[1];
  return port === undefined ? undefined : Number(port);
}
