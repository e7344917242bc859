/**
 * Client memory, each side in its own fresh process (RSS is per process): heap growth across connect, and peak
 * RSS during a publish burst of heartbeats (1M in a full run), typed against raw nats.js v3 and v2. A round runs the
 * three children one after the other, in an order that rotates from round to round; ratios pair sides of the same
 * round, so the spread is over rounds (none with one round).
 */
import { runChild } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { interleave } from '../lib/interleave.js';
import { compare } from '../lib/ratios.js';
import { median } from '../lib/stats.js';

interface BurstResult {
  heapGrowthMB: number;
  rssBeforeMB: number;
  peakRssMB: number;
  rate: number;
}

/** Heap growth and burst peak RSS, raw v3, typed and raw v2. */
export async function memoryFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.burst;
  const timeoutMs = ctx.quick ? 30_000 : 120_000;
  const run = (side: 'raw2' | 'raw3' | 'typed') => (): Promise<BurstResult> =>
    runChild<BurstResult>('burst.ts', [side, ctx.url, String(n)], timeoutMs, ['--expose-gc']);
  const rounds = ctx.sizes.burstRounds;
  const sides = await interleave({ rounds, chunks: 1, warmUp: false }, { raw3: run('raw3'), typed: run('typed'), raw2: run('raw2') });
  const values =
    (key: keyof BurstResult) =>
    (results: BurstResult[]): number[] =>
      results.map((r) => r[key]);
  const pick = (key: keyof BurstResult) => compare(values(key)(sides.typed), values(key)(sides.raw3), values(key)(sides.raw2));
  const mid = (key: keyof BurstResult, results: BurstResult[]): number => median(values(key)(results));
  const peak = pick('peakRssMB');
  ctx.log(`burst peak RSS: raw3 ${(peak.raw ?? 0).toFixed(0)} / raw2 ${(peak.rawV2 ?? 0).toFixed(0)} / typed ${(peak.typed ?? 0).toFixed(0)} MB`);
  const count = n.toLocaleString('en-US');
  const rate = (results: BurstResult[]): string => Math.round(mid('rate', results)).toLocaleString('en-US');
  return [
    {
      metric: 'client heap growth after connect',
      unit: 'MB',
      ...pick('heapGrowthMB'),
      rounds,
      targets: [{ kind: 'typedBelow', value: 50, source: 'floor' }],
      note: 'heapUsed after connect minus before, full GC on both ends, fresh process per side',
    },
    {
      metric: `peak RSS, ${count}-message publish burst`,
      unit: 'MB',
      ...peak,
      rounds,
      targets: [{ kind: 'typedBelow', value: 200, source: 'issue' }],
      note: `${ctx.quick ? `--quick: ${count} messages instead of 1,000,000, ${rounds} round(s); ` : ''}RSS before the burst raw3 ${mid('rssBeforeMB', sides.raw3).toFixed(0)} / raw2 ${mid('rssBeforeMB', sides.raw2).toFixed(0)} / typed ${mid('rssBeforeMB', sides.typed).toFixed(0)} MB (all under tsx); burst rate raw3 ${rate(sides.raw3)} / raw2 ${rate(sides.raw2)} / typed ${rate(sides.typed)} msg/s`,
    },
  ];
}
