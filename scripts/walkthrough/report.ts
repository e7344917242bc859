/** Plain-text tables for the walkthrough report: workers, requests, and latency percentiles. */
import type { WorkerInfo } from '../../src/index.js';

/** One finished request, for the report. */
export interface RequestResult {
  requestId: string;
  workerId: string;
  /** Why the strategy chose that worker. */
  reason: string;
  prompt: string;
  tokens: number;
  text: string;
  /** From sending the request to the `done` event, as the controller saw it. */
  latencyMs: number;
  /** From sending the request to the first token. */
  firstTokenMs: number;
  outcome: 'done' | 'error';
}

/** Nearest-rank percentile of `values` (0 < p <= 100); 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** Renders rows as a left-aligned text table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The worker table, from the controller's registry. */
export function workersTable(workers: Iterable<WorkerInfo>): string {
  const rows = [...workers].map((w) => [
    w.workerId.slice(0, 8),
    `${w.registration?.hostname ?? w.name}:${w.port}`,
    w.chip,
    `${w.unifiedMemoryGB} GB`,
    w.supportedModelTiers.join(','),
    w.state,
    `${w.load}/${w.maxConcurrent}`,
    String(w.heartbeat?.metrics.totalRequestsHandled ?? 0),
  ]);
  return table(['worker', 'address', 'chip', 'memory', 'tiers', 'state', 'load', 'handled'], rows);
}

/** The request table and the latency summary. */
export function requestsReport(results: readonly RequestResult[]): string {
  const rows = results.map((r) => [
    r.requestId.slice(0, 8),
    r.workerId.slice(0, 8),
    r.outcome,
    String(r.tokens),
    ms(r.firstTokenMs),
    ms(r.latencyMs),
    r.prompt,
  ]);
  const latencies = results.map((r) => r.latencyMs);
  const tokens = results.reduce((sum, r) => sum + r.tokens, 0);
  return [
    table(['request', 'worker', 'outcome', 'tokens', 'first token', 'latency', 'prompt'], rows),
    '',
    `${results.length} requests, ${tokens} tokens streamed; latency p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
  ].join('\n');
}
