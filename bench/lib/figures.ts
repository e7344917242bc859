/**
 * Figures and targets: what the benchmark reports, the performance targets (and the product's absolute floors),
 * and the two outputs (a readable table, or one JSON line per figure). "raw" is raw nats.js v3, the baseline of
 * every ratio and target; raw nats.js v2 is an extra column while the runtime's move from v2 to v3 is judged.
 */
import type { Spread } from './ratios.js';

/** What a figure must reach. `ratio*` compare typed/raw; `typed*` bound the typed value alone. */
export interface Target {
  kind: 'ratioAtLeast' | 'ratioAtMost' | 'typedBelow' | 'typedAbove';
  value: number;
  /** Where the target comes from: the performance targets, the product's floors, or the noise of the measurement. */
  source: 'issue' | 'floor' | 'noise';
}

/** One line of the report. `raw` is null when raw nats.js has no counterpart (codegen, config load...). */
export interface Figure {
  metric: string;
  unit: string;
  typed: number | null;
  /** Raw nats.js v3 (or, where the note says so, the figure's own baseline). */
  raw: number | null;
  /** Raw nats.js v2, where the figure measures it. */
  rawV2?: number | null;
  /** typed/raw as the median of per-pair ratios (bench/lib/ratios.ts); when absent, typed / raw. */
  ratio?: number | null;
  /** [min, max] of the per-pair typed/raw ratios; null or absent when there was one pair. */
  spread?: Spread | null;
  /** raw v3 / raw v2, median of per-pair ratios, and its spread. */
  v3v2?: number | null;
  v3v2Spread?: Spread | null;
  targets: Target[];
  /** Timed rounds. */
  rounds: number;
  /** Chunks per round, when the sides were interleaved chunk by chunk (a sample is a chunk, not a round). */
  chunks?: number;
  /** Anything the reader must know (fewer messages in --quick, messages lost, a failure). */
  note?: string;
}

/** The figure's typed/raw ratio: the paired median when measured so, else typed / raw; null when a side is missing. */
export function ratioOf(figure: Figure): number | null {
  if (figure.ratio !== undefined) return figure.ratio;
  if (figure.typed === null || figure.raw === null || figure.raw === 0) return null;
  return figure.typed / figure.raw;
}

/** Whether `figure` meets `target` (null: not measured). */
export function meets(figure: Figure, target: Target): boolean | null {
  const ratio = ratioOf(figure);
  switch (target.kind) {
    case 'ratioAtLeast':
      return ratio === null ? null : ratio >= target.value;
    case 'ratioAtMost':
      return ratio === null ? null : ratio <= target.value;
    case 'typedBelow':
      return figure.typed === null ? null : figure.typed < target.value;
    case 'typedAbove':
      return figure.typed === null ? null : figure.typed > target.value;
  }
}

/** Human form of a target, e.g. `>= 1.0x raw` or `< 100 ms`. */
export function describeTarget(target: Target, unit: string): string {
  const floor = target.source === 'floor' ? ' (floor)' : target.source === 'noise' ? ' (noise)' : '';
  switch (target.kind) {
    case 'ratioAtLeast':
      return `>= ${target.value.toFixed(2)}x raw${floor}`;
    case 'ratioAtMost':
      return `<= ${target.value.toFixed(2)}x raw${floor}`;
    case 'typedBelow':
      return `< ${formatValue(target.value, unit)} ${unit}${floor}`;
    case 'typedAbove':
      return `> ${formatValue(target.value, unit)} ${unit}${floor}`;
  }
}

/** A value with the precision its unit deserves. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '-';
  if (unit === 'msg/s' || unit === 'req/s' || unit === 'bytes' || unit === 'MB/s') {
    return Math.round(value).toLocaleString('en-US');
  }
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A ratio with its band, e.g. `1.04x [0.91–1.12]`, or `-`. */
export function formatRatio(ratio: number | null | undefined, spread: Spread | null | undefined): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '-';
  const band = spread === null || spread === undefined ? '' : ` [${spread[0].toFixed(2)}–${spread[1].toFixed(2)}]`;
  return `${ratio.toFixed(2)}x${band}`;
}

/**
 * The JSON line of a figure: the fields in their order (metric, unit, typed, raw, ratio; raw is raw v3),
 * then `spread` ([min, max] of the per-pair ratios, or null) and `rawV2` (raw nats.js v2, or null).
 */
export function jsonLine(figure: Figure): string {
  const round = (value: number | null | undefined): number | null =>
    value === null || value === undefined || Number.isNaN(value) ? null : Number(value.toPrecision(6));
  const spread = figure.spread === null || figure.spread === undefined ? null : [round(figure.spread[0]), round(figure.spread[1])];
  return JSON.stringify({
    metric: figure.metric,
    unit: figure.unit,
    typed: round(figure.typed),
    raw: round(figure.raw),
    ratio: round(ratioOf(figure)),
    spread,
    rawV2: round(figure.rawV2),
  });
}

const HEADER = ['figure', 'unit', 'raw v3', 'raw v2', 'typed', 'typed/raw v3 [min–max]', 'v3/v2 [min–max]', 'samples', 'target'];
/** Columns 2..7 hold numbers: right-aligned. */
const NUMERIC = new Set([2, 3, 4, 5, 6, 7]);

/**
 * The readable table: figure, unit, raw v3, raw v2, typed (medians of the samples), typed/raw v3 and v3/v2 (median
 * of the per-pair ratios, [min–max] of them), samples (rounds x chunks), targets with met / NOT MET, then the notes.
 */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const verdicts = f.targets.map((t) => {
      const ok = meets(f, t);
      return `${describeTarget(t, f.unit)}: ${ok === null ? 'not measured' : ok ? 'met' : 'NOT MET'}`;
    });
    const samples = f.chunks !== undefined && f.chunks > 1 ? `${f.rounds}x${f.chunks}` : String(f.rounds);
    return [
      f.metric,
      f.unit,
      formatValue(f.raw, f.unit),
      formatValue(f.rawV2 ?? null, f.unit),
      formatValue(f.typed, f.unit),
      formatRatio(ratioOf(f), f.spread),
      formatRatio(f.v3v2, f.v3v2Spread),
      samples,
      verdicts.join('; ') || '-',
    ];
  });
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (NUMERIC.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const notes = figures.filter((f) => f.note !== undefined).map((f) => `  ${f.metric}: ${f.note ?? ''}`);
  if (notes.length > 0) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}

/** Counts of targets met, not met and not measured. */
export function summarize(figures: readonly Figure[]): { met: number; missed: string[]; unmeasured: string[] } {
  let met = 0;
  const missed: string[] = [];
  const unmeasured: string[] = [];
  for (const f of figures) {
    for (const t of f.targets) {
      const ok = meets(f, t);
      const label = `${f.metric} ${describeTarget(t, f.unit)}`;
      if (ok === null) unmeasured.push(label);
      else if (ok) met += 1;
      else missed.push(label);
    }
  }
  return { met, missed, unmeasured };
}
