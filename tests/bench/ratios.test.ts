// The benchmark's ratio arithmetic: per-pair ratios, their median and [min, max] spread, and what a figure reports.
import { describe, expect, it } from 'vitest';
import { band, compare, pairRatios } from '../../bench/lib/ratios.js';

describe('pairRatios', () => {
  it('divides pair by pair, as far as both lists go', () => {
    expect(pairRatios([2, 3, 8, 100], [1, 3, 4])).toEqual([2, 1, 2]);
  });

  it('leaves out pairs that cannot make a ratio (zero or negative bottom, NaN, infinity, negative top)', () => {
    expect(pairRatios([1, 1, Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 6], [0, -2, 1, 1, 1, 5, 3])).toEqual([0, 2]);
  });
});

describe('band', () => {
  it('is the median of the ratios with their min and max', () => {
    expect(band([1.1, 0.9, 1.0, 1.3, 0.95])).toEqual({ ratio: 1.0, spread: [0.9, 1.3] });
  });

  it('takes the middle two for an even count', () => {
    expect(band([1, 2, 3, 4])).toEqual({ ratio: 2.5, spread: [1, 4] });
  });

  it('has no spread with one ratio, and nothing without any', () => {
    expect(band([1.2])).toEqual({ ratio: 1.2, spread: null });
    expect(band([])).toEqual({ ratio: null, spread: null });
  });
});

describe('compare', () => {
  it('reports medians of the values and the median of the per-pair ratios, which may differ from their quotient', () => {
    const result = compare([10, 30, 20], [10, 10, 40], [5, 20, 40]);
    expect(result.typed).toBe(20);
    expect(result.raw).toBe(10);
    expect(result.rawV2).toBe(20);
    // pairs: 10/10, 30/10, 20/40
    expect(result.ratio).toBe(1);
    expect(result.spread).toEqual([0.5, 3]);
    // raw v3 / raw v2 pairs: 10/5, 10/20, 40/40
    expect(result.v3v2).toBe(1);
    expect(result.v3v2Spread).toEqual([0.5, 2]);
  });

  it('has no v2 figures without a v2 side', () => {
    const result = compare([2, 4], [1, 2]);
    expect(result).toMatchObject({ rawV2: null, v3v2: null, v3v2Spread: null, ratio: 2, spread: [2, 2] });
  });

  it('is empty when a side measured nothing', () => {
    expect(compare([], [1, 2])).toMatchObject({ typed: null, raw: 1.5, ratio: null, spread: null });
  });
});
