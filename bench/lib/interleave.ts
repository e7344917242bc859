/**
 * The runner every side-by-side figure uses. Machine drift (other processes, frequency changes, a long GC) moves
 * slowly; with whole rounds one after the other it lands on one side and reads as a difference between them. Here
 * each round is cut into small chunks, and the sides take turns chunk by chunk in an order that rotates (raw3,
 * typed, raw2 / typed, raw2, raw3 / ...), so every side sees the same machine, first, middle and last equally often.
 * Each chunk is measured on its own and kept; bench/lib/ratios.ts pairs the chunks up into ratios with a spread.
 */

/** How one figure is run. */
export interface Plan {
  /** Timed rounds. */
  rounds: number;
  /** Chunks per round; each side measures one chunk per turn (1 for fresh-process figures: a chunk is a process). */
  chunks: number;
  /** One warm-up round (every side, interleaved the same way, discarded) before the timed rounds. */
  warmUp: boolean;
}

/** Order of the sides for turn `slot`: `names` rotated left by `slot` places. */
export function rotation<K extends string>(names: readonly K[], slot: number): K[] {
  const n = names.length;
  if (n === 0) return [];
  const shift = ((slot % n) + n) % n;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/**
 * Runs `plan.rounds * plan.chunks` turns; in each turn every side measures one chunk, in the rotated order of the
 * keys of `sides`. Returns each side's chunk results in time order, so index i of every side belongs to turn i.
 */
export async function interleave<K extends string, T>(plan: Plan, sides: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const names = Object.keys(sides) as K[];
  const out = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  const warm = plan.warmUp ? plan.chunks : 0;
  const turns = plan.rounds * plan.chunks;
  for (let slot = 0; slot < warm + turns; slot++) {
    for (const name of rotation(names, slot)) {
      const value = await sides[name]();
      if (slot >= warm) out[name].push(value);
    }
  }
  return out;
}

/** Work per chunk when a round of `total` is cut into `chunks` (at least 1). */
export function perChunk(total: number, chunks: number): number {
  return Math.max(1, Math.round(total / Math.max(1, chunks)));
}
