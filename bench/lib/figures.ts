/**
 * Figures and targets: what the benchmark reports, the performance targets (and the product's absolute floors),
 * and the two outputs (a readable table, or one JSON line per figure).
 */

/** What a figure must reach. `ratio*` compare typed/raw; `typed*` bound the typed value alone. */
export interface Target {
  kind: 'ratioAtLeast' | 'ratioAtMost' | 'typedBelow' | 'typedAbove';
  value: number;
  /** Where the target comes from. */
  source: 'issue' | 'floor';
}

/** One line of the report. `raw` is null when raw nats.js has no counterpart (codegen, config load...). */
export interface Figure {
  metric: string;
  unit: string;
  typed: number | null;
  raw: number | null;
  targets: Target[];
  /** Rounds the median was taken over. */
  rounds: number;
  /** Anything the reader must know (fewer messages in --quick, messages lost, a failure). */
  note?: string;
}

/** typed/raw, or null when either side is missing. */
export function ratioOf(figure: Figure): number | null {
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
  const floor = target.source === 'floor' ? ' (floor)' : '';
  switch (target.kind) {
    case 'ratioAtLeast':
      return `>= ${target.value.toFixed(1)}x raw${floor}`;
    case 'ratioAtMost':
      return `<= ${target.value.toFixed(1)}x raw${floor}`;
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

/** The JSON line of a figure, exactly the fields the issue asks for. */
export function jsonLine(figure: Figure): string {
  const round = (value: number | null): number | null => (value === null || Number.isNaN(value) ? null : Number(value.toPrecision(6)));
  return JSON.stringify({ metric: figure.metric, unit: figure.unit, typed: round(figure.typed), raw: round(figure.raw), ratio: round(ratioOf(figure)) });
}

/** The readable table: figure, unit, raw, typed, typed/raw, rounds (medians), targets with met / NOT MET, then the notes. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const ratio = ratioOf(f);
    const verdicts = f.targets.map((t) => {
      const ok = meets(f, t);
      return `${describeTarget(t, f.unit)}: ${ok === null ? 'not measured' : ok ? 'met' : 'NOT MET'}`;
    });
    return [f.metric, f.unit, formatValue(f.raw, f.unit), formatValue(f.typed, f.unit), ratio === null ? '-' : `${ratio.toFixed(2)}x`, String(f.rounds), verdicts.join('; ') || '-'];
  });
  const header = ['figure', 'unit', 'raw nats.js', 'typed', 'typed/raw', 'rounds', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
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
