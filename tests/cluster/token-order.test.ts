/** TokenSequencer: the in-order delivery rules, as tables. */
import { describe, expect, it } from 'vitest';
import { StreamGapError } from '../../src/cluster/errors.js';
import { TokenSequencer } from '../../src/cluster/token-order.js';

const t = (index: number): { index: number } => ({ index });

/** Feeds indexes; returns the delivered indexes, or the gap error's missing list. */
function feed(indexes: number[], window = 4, first = 0): { delivered: number[]; missing?: readonly number[] } {
  const sequencer = new TokenSequencer('r', first, window);
  const delivered: number[] = [];
  try {
    for (const i of indexes) delivered.push(...sequencer.push(t(i)).map((x) => x.index));
  } catch (error) {
    return { delivered, missing: (error as StreamGapError).missing };
  }
  return { delivered };
}

describe('TokenSequencer', () => {
  it.each([
    ['in order', [0, 1, 2], [0, 1, 2]],
    ['a duplicate is dropped', [0, 1, 1, 2, 0], [0, 1, 2]],
    ['out of order inside the window arrives in order', [0, 2, 1, 3], [0, 1, 2, 3]],
    ['a late duplicate of a waiting token is dropped', [1, 1, 0], [0, 1]],
    ['reversed', [3, 2, 1, 0], [0, 1, 2, 3]],
  ])('%s', (_name, input, expected) => {
    expect(feed(input)).toEqual({ delivered: expected });
  });

  it('a gap wider than the window fails with the missing indexes', () => {
    expect(feed([0, 2, 3, 4, 5, 6], 4)).toEqual({ delivered: [0], missing: [1] });
    expect(feed([0, 3, 5, 6, 7, 8], 4)).toEqual({ delivered: [0], missing: [1, 2, 4] });
  });

  it('starts where a migrated stream continues', () => {
    expect(feed([5, 6, 4, 7], 4, 4)).toEqual({ delivered: [4, 5, 6, 7] });
    expect(feed([1, 2, 3], 4, 4)).toEqual({ delivered: [] });
  });

  it('finish checks done.totalTokens against what was delivered', () => {
    const s = new TokenSequencer('req', 0, 4);
    s.push(t(0));
    s.push(t(1));
    expect(s.finish(2)).toBeUndefined();
    const short = s.finish(4);
    expect(short).toBeInstanceOf(StreamGapError);
    expect(short?.missing).toEqual([2, 3]);
    expect(short?.message).toMatch(/request req.*done says 4 tokens, 2 arrived/);
    expect(s.finish(1)?.message).toMatch(/done says 1 tokens, but 2 were delivered/);
    s.push(t(3));
    expect(s.finish(4)?.missing).toEqual([2]);
    expect(s.gapError('timeout').missing).toEqual([2]);
  });
});
