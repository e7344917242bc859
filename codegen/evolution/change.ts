/**
 * One difference between two versions of a contract, as the gate reports it, and who it breaks. Every message has
 * writers (the nodes that send it) and readers (the nodes that receive it); during an upgrade some of each run the
 * old contract and some the new one. A change can break a peer in two directions:
 * - `readers`: readers still on the old contract refuse what upgraded writers send (a new enum value, a field that
 *   became optional). Safe when every reader of the message is upgraded before any writer: readers first.
 * - `writers`: what writers still on the old contract send is refused by upgraded readers (a narrowed type or bound,
 *   a new required field). Safe when every writer is upgraded before any reader: writers first.
 * - `both`: each direction breaks (an address or a type changed): no upgrade order is safe.
 * - `none`: peers on either version understand each other.
 * In schema-registry terms, a change that breaks no writer is backward compatible (new readers read old data), one
 * that breaks no reader is forward compatible, and one that breaks nobody is fully compatible (./modes.ts).
 */
export type Breaks = 'none' | 'readers' | 'writers' | 'both';

export interface Change {
  /** `file#/json/pointer` in the new contract (or the old one, for something removed). */
  readonly location: string;
  /** e.g. `field-became-required`, `enum-value-added`, `channel-removed`. */
  readonly kind: string;
  /** Who breaks: see {@link Breaks}. */
  readonly breaks: Breaks;
  /** What changed, in words. */
  readonly detail: string;
  /** The module that decided: `structure` (channels, operations, messages) or `schemas` (payload schemas). */
  readonly decidedBy: 'structure' | 'schemas';
}

/** Which side of a message must run the new contract first for a change to break nobody during the upgrade. */
export type UpgradeFirst = 'any' | 'readers' | 'writers' | 'neither';

/** The side to upgrade first for a change that breaks `breaks`: the side that would otherwise refuse the other's messages. */
export function upgradeFirst(breaks: Breaks): UpgradeFirst {
  return { none: 'any', readers: 'readers', writers: 'writers', both: 'neither' }[breaks] as UpgradeFirst;
}

/** Combines two verdicts. */
export function worst(a: Breaks, b: Breaks): Breaks {
  if (a === b) return a;
  if (a === 'none') return b;
  if (b === 'none') return a;
  return 'both';
}
