/**
 * A publish-to-subscribe round with flow control shared by both sides: the publisher sends in chunks, yields to
 * the event loop between chunks (the subscriber shares the process), and pauses while too many messages are in
 * flight, so nats-server never drops a slow consumer and the figure is what the subscriber can take.
 */
import { nowMs, waitUntil, yieldToLoop } from './stats.js';

/** A subscriber's counters, updated by its handler. */
export interface Counter {
  received: number;
  /** When `received` reached `target` (set by {@link count}). */
  doneAt: number;
  target: number;
}

/** A fresh counter. */
export function counter(): Counter {
  return { received: 0, doneAt: 0, target: Number.POSITIVE_INFINITY };
}

/** Counts one message (called by a subscriber's handler). */
export function count(c: Counter): void {
  c.received += 1;
  if (c.received === c.target) c.doneAt = nowMs();
}

/** Result of one round. */
export interface FlowResult {
  /** Messages per second received at the subscriber. */
  rate: number;
  /** Messages that did not arrive before the time cap. */
  missing: number;
}

/**
 * Publishes `n` messages through `sendChunk(count)` (which publishes `count` messages) in chunks of `chunk`, keeps
 * at most `window` in flight, and resolves when the subscriber counted all of them (or `timeoutMs` passed).
 */
export async function flowRound(
  c: Counter,
  n: number,
  chunk: number,
  window: number,
  sendChunk: (count: number) => void | Promise<void>,
  timeoutMs: number,
): Promise<FlowResult> {
  const base = c.received;
  c.target = base + n;
  c.doneAt = 0;
  const started = nowMs();
  const deadline = started + timeoutMs;
  let sent = 0;
  while (sent < n && nowMs() < deadline) {
    if (sent - (c.received - base) > window) {
      await waitUntil(() => sent - (c.received - base) <= window / 2, deadline - nowMs());
    }
    const size = Math.min(chunk, n - sent);
    await sendChunk(size);
    sent += size;
    await yieldToLoop();
  }
  await waitUntil(() => c.received >= c.target, Math.max(0, deadline - nowMs()));
  const got = c.received - base;
  const end = got >= n ? c.doneAt : nowMs();
  return { rate: got / ((end - started) / 1000), missing: n - got };
}
