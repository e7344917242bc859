/**
 * Stream integrity on the reading side. Core NATS delivers at most once and a slow consumer drops messages, so
 * every token carries its `index`: duplicates are dropped, tokens that arrive early wait in a small reorder
 * window, and a gap that the window cannot close fails the stream with `StreamGapError`. `done.totalTokens`
 * must equal the count delivered. A corrupted sequence is never handed out as text.
 */
import { StreamGapError } from './errors.js';

/** Default size of the reorder window: tokens that may wait for an earlier one. */
export const DEFAULT_REORDER_WINDOW = 64;

/** Puts the tokens of one stream back in order. */
export class TokenSequencer<T extends { index: number }> {
  /** The index the next delivered token must have. */
  private expected: number;
  private readonly early = new Map<number, T>();

  /** `firstIndex`: where this stream starts (0, or the tokens already delivered before a migration). */
  constructor(
    private readonly requestId: string,
    firstIndex = 0,
    private readonly window = DEFAULT_REORDER_WINDOW,
  ) {
    this.expected = firstIndex;
  }

  /** How many tokens were delivered in order (the index the next one must have). */
  get delivered(): number {
    return this.expected;
  }

  /** True while some token waits for an earlier one. */
  get waiting(): boolean {
    return this.early.size > 0;
  }

  /**
   * Takes one token; returns the tokens now deliverable, in order (empty for a duplicate or an early one).
   * Throws `StreamGapError` when more tokens wait than the window holds.
   */
  push(token: T): T[] {
    if (token.index < this.expected || this.early.has(token.index)) return [];
    if (token.index > this.expected) {
      this.early.set(token.index, token);
      if (this.early.size > this.window) throw this.gap(`more than ${this.window} tokens arrived after a missing one`);
      return [];
    }
    const ready = [token];
    this.expected += 1;
    for (let next = this.early.get(this.expected); next !== undefined; next = this.early.get(this.expected)) {
      this.early.delete(this.expected);
      ready.push(next);
      this.expected += 1;
    }
    return ready;
  }

  /** The gap that keeps waiting tokens back, as an error (for the reorder timeout). */
  gapError(why: string): StreamGapError {
    return this.gap(why);
  }

  /** Checks the end of the stream: nothing waits and `totalTokens` tokens were delivered. */
  finish(totalTokens: number): StreamGapError | undefined {
    if (this.early.size === 0 && totalTokens === this.expected) return undefined;
    if (totalTokens > this.expected) {
      const missing: number[] = [];
      for (let i = this.expected; i < totalTokens && missing.length < 1000; i++) if (!this.early.has(i)) missing.push(i);
      return new StreamGapError(this.requestId, missing, `done says ${totalTokens} tokens, ${this.expected} arrived in order`);
    }
    if (this.early.size > 0) return this.gap(`the stream ended with tokens waiting`);
    return new StreamGapError(this.requestId, [], `done says ${totalTokens} tokens, but ${this.expected} were delivered`);
  }

  private gap(why: string): StreamGapError {
    const highest = Math.max(...this.early.keys());
    const missing: number[] = [];
    for (let i = this.expected; i < highest && missing.length < 1000; i++) if (!this.early.has(i)) missing.push(i);
    return new StreamGapError(this.requestId, missing, why);
  }
}
