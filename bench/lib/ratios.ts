/**
 * From paired samples to what a figure reports: typed and raw values (medians of their samples), the typed/raw
 * ratio as the median of the per-pair ratios, and its spread, the smallest and largest per-pair ratio, so the noise
 * band stands next to the ratio. Pairs are chunks of the same turn (bench/lib/interleave.ts) or, for fresh-process
 * figures, the same round. Pure functions, unit-tested in tests/bench.
 */
import { median } from './stats.js';

/** [min, max] of a figure's per-pair ratios; null with fewer than two pairs. */
export type Spread = readonly [number, number];

/** A ratio and its band. */
export interface Band {
  /** Median of the per-pair ratios (null: no usable pair). */
  ratio: number | null;
  spread: Spread | null;
}

/** What a side-by-side figure reports. `rawV2` and `v3v2` are null when the figure has no raw v2 side. */
export interface Compared {
  typed: number | null;
  raw: number | null;
  rawV2: number | null;
  ratio: number | null;
  spread: Spread | null;
  v3v2: number | null;
  v3v2Spread: Spread | null;
}

/** `top[i] / bottom[i]` for every i both have, leaving out pairs that are not finite and positive. */
export function pairRatios(top: readonly number[], bottom: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(top.length, bottom.length); i++) {
    const a = top[i] ?? Number.NaN;
    const b = bottom[i] ?? Number.NaN;
    if (Number.isFinite(a) && Number.isFinite(b) && a >= 0 && b > 0) out.push(a / b);
  }
  return out;
}

/** The median of `ratios` and their [min, max] (null with fewer than two). */
export function band(ratios: readonly number[]): Band {
  if (ratios.length === 0) return { ratio: null, spread: null };
  const spread: Spread | null = ratios.length < 2 ? null : [Math.min(...ratios), Math.max(...ratios)];
  return { ratio: median(ratios), spread };
}

function mid(values: readonly number[] | null | undefined): number | null {
  const finite = (values ?? []).filter((v) => Number.isFinite(v));
  return finite.length === 0 ? null : median(finite);
}

/** Typed against raw (v3) and, when given, raw v3 against raw v2, each pair by pair. */
export function compare(typed: readonly number[], raw: readonly number[], rawV2: readonly number[] | null = null): Compared {
  const main = band(pairRatios(typed, raw));
  const migration = rawV2 === null ? { ratio: null, spread: null } : band(pairRatios(raw, rawV2));
  return { typed: mid(typed), raw: mid(raw), rawV2: mid(rawV2), ratio: main.ratio, spread: main.spread, v3v2: migration.ratio, v3v2Spread: migration.spread };
}
