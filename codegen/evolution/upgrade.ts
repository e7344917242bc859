/**
 * The upgrade order a set of changes allows: which side of each changed message must run the new contract first so
 * that no peer refuses another's messages during a rolling upgrade (./change.ts says what `readers` and `writers`
 * mean). Readers first and writers first cannot both hold for one set of changes, and a change that breaks both
 * sides allows no order at all: then the versions cannot run side by side, and the upgrade is a major version that
 * stops every node and starts them on the new contract together.
 */
import { upgradeFirst, type Change } from './change.js';

export type UpgradeOrder = 'any-order' | 'readers-first' | 'writers-first' | 'no-safe-order';

/** The order `changes` allow, and for no safe order, why (the first change of each kind that rules one out). */
export function upgradeOrder(changes: readonly Change[]): { order: UpgradeOrder; reason: string | undefined } {
  const both = changes.find((c) => c.breaks === 'both');
  if (both !== undefined) return { order: 'no-safe-order', reason: `${both.kind} at ${both.location} breaks readers and writers` };
  const readers = changes.find((c) => upgradeFirst(c.breaks) === 'readers');
  const writers = changes.find((c) => upgradeFirst(c.breaks) === 'writers');
  if (readers !== undefined && writers !== undefined) {
    return {
      order: 'no-safe-order',
      reason: `${readers.kind} at ${readers.location} needs readers upgraded first, ${writers.kind} at ${writers.location} writers first`,
    };
  }
  if (readers !== undefined) return { order: 'readers-first', reason: undefined };
  if (writers !== undefined) return { order: 'writers-first', reason: undefined };
  return { order: 'any-order', reason: undefined };
}

/** The last line of every gate report. */
export function upgradeOrderText(order: UpgradeOrder, reason: string | undefined): string {
  switch (order) {
    case 'any-order':
      return 'upgrade order: any order (no change breaks a peer on the other version)';
    case 'readers-first':
      return 'upgrade order: readers first (upgrade every node that receives a changed message before any node that sends it)';
    case 'writers-first':
      return 'upgrade order: writers first (upgrade every node that sends a changed message before any node that receives it)';
    case 'no-safe-order':
      return `upgrade order: no safe order: plan a major version (${reason ?? 'the changes break both sides'}; stop the nodes and start them on the new contract together)`;
  }
}
