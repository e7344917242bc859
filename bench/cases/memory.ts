/**
 * Client memory, each side in its own fresh process (RSS is per process): heap growth across connect, and peak
 * RSS during a publish burst of heartbeats (1M in a full run).
 */
import { runChild } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { median } from '../lib/stats.js';

interface BurstResult {
  heapGrowthMB: number;
  rssBeforeMB: number;
  peakRssMB: number;
  rate: number;
}

/** Heap growth and burst peak RSS, raw and typed, alternating which side goes first. */
export async function memoryFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.burst;
  const timeoutMs = ctx.quick ? 30_000 : 120_000;
  const run = (side: 'raw' | 'typed'): Promise<BurstResult> => runChild<BurstResult>('burst.ts', [side, ctx.url, String(n)], timeoutMs, ['--expose-gc']);
  const raw: BurstResult[] = [];
  const typed: BurstResult[] = [];
  for (let round = 0; round < ctx.sizes.burstRounds; round++) {
    if (round % 2 === 0) {
      raw.push(await run('raw'));
      typed.push(await run('typed'));
    } else {
      typed.push(await run('typed'));
      raw.push(await run('raw'));
    }
  }
  ctx.log(`burst peak RSS: raw ${raw.map((r) => r.peakRssMB.toFixed(0)).join(', ')} / typed ${typed.map((r) => r.peakRssMB.toFixed(0)).join(', ')} MB`);
  const pick = (rounds: BurstResult[], key: keyof BurstResult): number => median(rounds.map((r) => r[key]));
  const rounds = ctx.sizes.burstRounds;
  const count = n.toLocaleString('en-US');
  return [
    {
      metric: 'client heap growth after connect',
      unit: 'MB',
      raw: pick(raw, 'heapGrowthMB'),
      typed: pick(typed, 'heapGrowthMB'),
      rounds,
      targets: [{ kind: 'typedBelow', value: 50, source: 'floor' }],
      note: 'heapUsed after connect minus before, full GC on both ends, fresh process per side',
    },
    {
      metric: `peak RSS, ${count}-message publish burst`,
      unit: 'MB',
      raw: pick(raw, 'peakRssMB'),
      typed: pick(typed, 'peakRssMB'),
      rounds,
      targets: [{ kind: 'typedBelow', value: 200, source: 'issue' }],
      note: `${ctx.quick ? `--quick: ${count} messages instead of 1,000,000, ${rounds} round(s); ` : ''}RSS before the burst raw ${pick(raw, 'rssBeforeMB').toFixed(0)} / typed ${pick(typed, 'rssBeforeMB').toFixed(0)} MB (both under tsx); burst rate raw ${Math.round(pick(raw, 'rate')).toLocaleString('en-US')} / typed ${Math.round(pick(typed, 'rate')).toLocaleString('en-US')} msg/s`,
    },
  ];
}
