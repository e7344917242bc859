/** cutAtStop: stop sequences inside a token, across tokens and at the start, the earliest of several, the source closed when one is met, and a property over random tokens. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAtStop } from '../../src/cluster/stop-sequences.js';

async function collect(tokens: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const token of tokens) out.push(token);
  return out;
}

/** A source that records how many tokens were taken from it and whether it was closed. */
function trackedSource(tokens: readonly string[]): { source: AsyncGenerator<string>; taken: () => number; closed: () => boolean } {
  let taken = 0;
  let closed = false;
  async function* source(): AsyncGenerator<string> {
    try {
      for (const token of tokens) {
        taken += 1;
        await Promise.resolve();
        yield token;
      }
    } finally {
      closed = true;
    }
  }
  return { source: source(), taken: () => taken, closed: () => closed };
}

/** The joined text of `tokens`, cut before the earliest occurrence of any of `stops`. */
function expectedText(tokens: readonly string[], stops: readonly string[]): string {
  const text = tokens.join('');
  const cuts = stops.map((stop) => text.indexOf(stop)).filter((at) => at !== -1);
  return cuts.length === 0 ? text : text.slice(0, Math.min(...cuts));
}

/**
 * Whether `text` already decides where the output ends: it contains a stop, and no longer stop could still
 * complete from an earlier start (the text from that start is a proper prefix of a stop).
 */
function decided(text: string, stops: readonly string[]): boolean {
  const cuts = stops.map((stop) => text.indexOf(stop)).filter((at) => at !== -1);
  if (cuts.length === 0) return false;
  const at = Math.min(...cuts);
  for (let start = 0; start < at; start++) {
    const tail = text.slice(start);
    if (stops.some((stop) => stop.length > tail.length && stop.startsWith(tail))) return false;
  }
  return true;
}

describe('cutAtStop', () => {
  it.each([
    ['a stop inside one token', ['Hello world', '!'], ['o w'], 'Hell'],
    ['a stop spanning tokens', ['ab', 'cS', 'T', 'OPd', 'e'], ['STOP'], 'abc'],
    ['a stop that ends one token and starts the next', ['x<|e', 'nd|>y'], ['<|end|>'], 'x'],
    ['a stop at the very start', ['STOP', 'more'], ['STOP'], ''],
    ['a stop never met', ['one', ' two', ' three'], ['four'], 'one two three'],
    ['a partial stop at the end is flushed', ['ab', 'ST', 'O'], ['STOP'], 'abSTO'],
    ['a partial stop that turns out not to be one is let through', ['aS', 'TX', 'STOP'], ['STOP'], 'aSTX'],
    ['of several stops the earliest wins', ['one two', ' three'], ['three', 'two'], 'one '],
    ['of overlapping stops the earliest start wins', ['abcd'], ['cd', 'bcd'], 'a'],
    ['a longer stop that starts earlier wins even when a shorter one completes first', ['a', 'S', 'T', 'x'], ['aST', 'S'], ''],
    ['a longer stop that turns out not to be one leaves the shorter one', ['a', 'S', 'x'], ['aST', 'S'], 'a'],
  ])('%s', async (_name, tokens, stops, expected) => {
    const out = await collect(cutAtStop(tokens, stops));
    expect(out.join('')).toBe(expected);
    expect(out.every((token) => token !== '')).toBe(true);
  });

  it('without stop sequences passes every token through unchanged', async () => {
    const tokens = ['a', '', 'b c', 'STOP'];
    expect(await collect(cutAtStop(tokens, undefined))).toEqual(tokens);
    expect(await collect(cutAtStop(tokens, []))).toEqual(tokens);
  });

  it('yields nothing at all when the stop comes first', async () => {
    expect(await collect(cutAtStop(['ST', 'OP', 'x'], ['STOP']))).toEqual([]);
  });

  it('holds back only what could still start a stop', async () => {
    // "b" cannot start "STOP", so it leaves at once; "S" waits for the next token.
    expect(await collect(cutAtStop(['ab', 'cS', 'x'], ['STOP']))).toEqual(['ab', 'c', 'Sx']);
  });

  it('closes the source when a stop is met, without taking another token', async () => {
    const tracked = trackedSource(['a', 'b', 'STOP', 'c', 'd']);
    expect((await collect(cutAtStop(tracked.source, ['STOP']))).join('')).toBe('ab');
    expect(tracked.closed()).toBe(true);
    expect(tracked.taken()).toBe(3);
  });

  it('closes the source when the consumer stops early', async () => {
    const tracked = trackedSource(['a', 'b', 'c']);
    for await (const token of cutAtStop(tracked.source, ['STOP'])) {
      expect(token).toBe('a');
      break;
    }
    expect(tracked.closed()).toBe(true);
    expect(tracked.taken()).toBe(1);
  });

  it('property: the output is the input cut before the earliest stop, and the source is closed once one is met', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'S', 'T'), maxLength: 6 });
    const stop = fc.string({ unit: fc.constantFrom('a', 'b', 'S', 'T'), minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 8 }), fc.array(stop, { minLength: 1, maxLength: 4 }), async (tokens, stops) => {
        const tracked = trackedSource(tokens);
        const out = await collect(cutAtStop(tracked.source, stops));
        const expected = expectedText(tokens, stops);
        expect(out.join('')).toBe(expected);
        expect(out.every((token) => token !== '')).toBe(true);
        expect(tracked.closed()).toBe(true);
        if (expected.length < tokens.join('').length) {
          // A stop was met: the tokens taken decide the cut, and no token was taken once it was decided.
          const consumed = tokens.slice(0, tracked.taken()).join('');
          expect(expectedText([consumed], stops)).toBe(expected);
          expect(decided(tokens.slice(0, tracked.taken() - 1).join(''), stops)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
