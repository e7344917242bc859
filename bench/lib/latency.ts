/** Request/reply measurements shared by the request and permissions groups: a block of sequential requests, and a slice with a fixed number in flight. */
import { nowMs, percentile } from './stats.js';

/** Percentiles of one block of requests, in microseconds. */
export interface Latency {
  p50: number;
  p90: number;
  p99: number;
}

/** Latency percentiles of `n` requests sent one after the other, in microseconds. */
export async function sequence(n: number, once: () => Promise<void>): Promise<Latency> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const started = nowMs();
    await once();
    samples[i] = (nowMs() - started) * 1000;
  }
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

/** Requests per second for `total` requests, `inFlight` at a time. */
export async function concurrent(total: number, inFlight: number, once: () => Promise<void>): Promise<number> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      await once();
    }
  };
  const began = nowMs();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((nowMs() - began) / 1000);
}
