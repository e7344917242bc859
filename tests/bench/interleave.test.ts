// The benchmark's interleaved runner: sides take turns chunk by chunk in a rotating order, warm-up discarded.
import { describe, expect, it } from 'vitest';
import { interleave, perChunk, rotation } from '../../bench/lib/interleave.js';

describe('rotation', () => {
  it('rotates the sides left by the turn number, so each is first, middle and last equally often', () => {
    const names = ['raw3', 'typed', 'raw2'] as const;
    expect(rotation(names, 0)).toEqual(['raw3', 'typed', 'raw2']);
    expect(rotation(names, 1)).toEqual(['typed', 'raw2', 'raw3']);
    expect(rotation(names, 2)).toEqual(['raw2', 'raw3', 'typed']);
    expect(rotation(names, 3)).toEqual(['raw3', 'typed', 'raw2']);
  });

  it('alternates two sides and copes with none', () => {
    expect(rotation(['a', 'b'], 1)).toEqual(['b', 'a']);
    expect(rotation([], 5)).toEqual([]);
  });
});

describe('interleave', () => {
  it("runs a warm-up round, then rounds x chunks turns, keeping each side's chunks in time order", async () => {
    const calls: string[] = [];
    let clock = 0;
    const side = (name: string) => (): Promise<number> => {
      calls.push(name);
      clock += 1;
      return Promise.resolve(clock);
    };
    const out = await interleave({ rounds: 2, chunks: 2, warmUp: true }, { a: side('a'), b: side('b'), c: side('c') });
    // 2 warm-up turns + 4 timed turns, three sides each.
    expect(calls).toHaveLength(18);
    expect(calls.slice(0, 9)).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(out.a).toHaveLength(4);
    expect(out.b).toHaveLength(4);
    expect(out.c).toHaveLength(4);
    // Turn i of every side ran within the same three calls: values of one turn are neighbours in time.
    for (let i = 0; i < 4; i++) {
      const turn = [out.a[i] ?? 0, out.b[i] ?? 0, out.c[i] ?? 0];
      expect(Math.max(...turn) - Math.min(...turn)).toBeLessThanOrEqual(2);
    }
  });

  it('keeps everything without a warm-up (fresh-process figures: one chunk per round)', async () => {
    const out = await interleave({ rounds: 3, chunks: 1, warmUp: false }, { x: () => Promise.resolve(1), y: () => Promise.resolve(2) });
    expect(out).toEqual({ x: [1, 1, 1], y: [2, 2, 2] });
  });
});

describe('perChunk', () => {
  it('cuts a round into chunks of at least one', () => {
    expect(perChunk(30_000, 10)).toBe(3000);
    expect(perChunk(5, 10)).toBe(1);
    expect(perChunk(100, 0)).toBe(100);
  });
});
