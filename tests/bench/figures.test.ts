// The benchmark's outputs: the JSON line (key order fixed by the issue) and the ratio with its band in the table.
import { describe, expect, it } from 'vitest';
import { formatRatio, jsonLine, meets, ratioOf, renderTable, type Figure } from '../../bench/lib/figures.js';

const chunked: Figure = {
  metric: 'publish throughput (300 B heartbeat)',
  unit: 'msg/s',
  typed: 123_456.789,
  raw: 100_000,
  rawV2: 90_000,
  ratio: 1.04,
  spread: [0.91, 1.12],
  v3v2: 1.1,
  v3v2Spread: [1.0, 1.2],
  rounds: 5,
  chunks: 10,
  targets: [{ kind: 'ratioAtLeast', value: 1.3, source: 'issue' }],
};

describe('jsonLine', () => {
  it('keeps metric, unit, typed, raw, ratio first, then spread and rawV2', () => {
    const line = jsonLine(chunked);
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['metric', 'unit', 'typed', 'raw', 'ratio', 'spread', 'rawV2']);
    expect(JSON.parse(line)).toEqual({ metric: chunked.metric, unit: 'msg/s', typed: 123_457, raw: 100_000, ratio: 1.04, spread: [0.91, 1.12], rawV2: 90_000 });
  });

  it('writes null for what a figure lacks, and typed/raw as the ratio when no paired ratio was taken', () => {
    const line = JSON.parse(jsonLine({ metric: 'm', unit: 'ms', typed: 30, raw: 20, rounds: 1, targets: [] })) as Record<string, unknown>;
    expect(line).toEqual({ metric: 'm', unit: 'ms', typed: 30, raw: 20, ratio: 1.5, spread: null, rawV2: null });
  });
});

describe('ratios and targets', () => {
  it('judges a target on the paired median ratio, not on typed / raw', () => {
    expect(ratioOf(chunked)).toBe(1.04);
    expect(meets(chunked, { kind: 'ratioAtLeast', value: 1.0, source: 'issue' })).toBe(true);
    expect(meets(chunked, { kind: 'ratioAtLeast', value: 1.2, source: 'issue' })).toBe(false);
  });

  it('prints a ratio with its band, or alone, or a dash', () => {
    expect(formatRatio(1.04, [0.91, 1.12])).toBe('1.04x [0.91–1.12]');
    expect(formatRatio(0.94, null)).toBe('0.94x');
    expect(formatRatio(null, [1, 2])).toBe('-');
  });

  it('shows both raw columns, the band, v3/v2 and rounds x chunks in the table', () => {
    const table = renderTable([chunked]);
    const row = table.split('\n')[2] ?? '';
    expect(table.split('\n')[0]).toMatch(/raw v3\s+raw v2\s+typed\s+typed\/raw v3 \[min–max\]\s+v3\/v2 \[min–max\]\s+samples/);
    expect(row).toContain('100,000');
    expect(row).toContain('90,000');
    expect(row).toContain('1.04x [0.91–1.12]');
    expect(row).toContain('1.10x [1.00–1.20]');
    expect(row).toContain('5x10');
    expect(row).toContain('>= 1.30x raw: NOT MET');
  });
});
