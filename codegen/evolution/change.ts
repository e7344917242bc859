/** One difference between two versions of a contract, as the gate reports it. */
export type Breaks = 'none' | 'readers' | 'writers' | 'both';

export interface Change {
  /** `file#/json/pointer` in the new contract (or the old one, for something removed). */
  readonly location: string;
  /** e.g. `field-became-required`, `enum-value-added`, `channel-removed`. */
  readonly kind: string;
  /**
   * Who breaks. `readers`: a reader refuses what a peer of the other version may now send or omit (a new enum value
   * reaching an old reader; a field an old writer omits reaching a new reader that requires it). `writers`: what
   * writers of the old range send is refused (a narrowed type, bound, pattern or enum). `both`, or `none`.
   */
  readonly breaks: Breaks;
  /** What changed, in words. */
  readonly detail: string;
  /** The module that decided: `structure` (channels, operations, messages) or `schemas` (payload schemas). */
  readonly decidedBy: 'structure' | 'schemas';
}

/** Combines two verdicts. */
export function worst(a: Breaks, b: Breaks): Breaks {
  if (a === b) return a;
  if (a === 'none') return b;
  if (b === 'none') return a;
  return 'both';
}
