/** Plain-text tables for the walkthrough report: workers, requests, and latency percentiles. */
import type { KnownWorker, RequestResult } from './controller.js';

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
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The worker table. */
export function workersTable(workers: Iterable<KnownWorker>): string {
  const rows = [...workers].map(({ registration: r, lastHeartbeat: h }) => [
    r.workerId.slice(0, 8),
    `${r.hostname}:${r.port}`,
    r.hardware.chip,
    `${r.hardware.unifiedMemoryGB} GB`,
    r.capabilities.supportedModelTiers.join(','),
    h?.status ?? r.status,
    String(h?.metrics.totalRequestsHandled ?? 0),
  ]);
  return table(['worker', 'address', 'chip', 'memory', 'tiers', 'status', 'handled'], rows);
}

/** The request table and the latency summary. */
export function requestsReport(results: readonly RequestResult[]): string {
  const rows = results.map((r) => [r.requestId.slice(0, 8), r.workerId.slice(0, 8), r.outcome, String(r.tokens), ms(r.firstTokenMs), ms(r.latencyMs), r.prompt]);
  const latencies = results.map((r) => r.latencyMs);
  const tokens = results.reduce((sum, r) => sum + r.tokens, 0);
  return [
    table(['request', 'worker', 'outcome', 'tokens', 'first token', 'latency', 'prompt'], rows),
    '',
    `${results.length} requests, ${tokens} tokens streamed; latency p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
  ].join('\n');
}
