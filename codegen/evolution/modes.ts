/**
 * Compatibility modes, by the names schema registries use (Confluent Schema Registry, Apicurio Registry): which
 * changes a new version may make without a major bump, and whether it is checked against the last version only or
 * against every released one (`_TRANSITIVE`). A contract declares its mode in `info.x-compatibility`; without one
 * the gate uses {@link DEFAULT_MODE}. docs/contract-evolution.md, "Compatibility modes", says why that default.
 */
import type { Breaks } from './change.js';

/** What each mode lets through without a major bump, and what it compares with. */
export const COMPATIBILITY_MODES = {
  /** New readers read what old writers send: nothing may break writers. Upgrade readers first. */
  BACKWARD: { allows: ['none', 'readers'], transitive: false },
  BACKWARD_TRANSITIVE: { allows: ['none', 'readers'], transitive: true },
  /** Old readers read what new writers send: nothing may break readers. Upgrade writers first. */
  FORWARD: { allows: ['none', 'writers'], transitive: false },
  FORWARD_TRANSITIVE: { allows: ['none', 'writers'], transitive: true },
  /** Both: nothing may break anybody. Upgrade in any order. */
  FULL: { allows: ['none'], transitive: false },
  FULL_TRANSITIVE: { allows: ['none'], transitive: true },
  /** No check: every change passes (the report still lists them, with the upgrade order). */
  NONE: { allows: ['none', 'readers', 'writers', 'both'], transitive: false },
} as const satisfies Record<string, { allows: readonly Breaks[]; transitive: boolean }>;

export type CompatibilityMode = keyof typeof COMPATIBILITY_MODES;

/**
 * The mode of a contract that declares none. Not Confluent's BACKWARD: a registry keeps data written with old
 * schemas that new consumers must read, while core NATS keeps nothing and a cluster is upgraded one node at a time in
 * no fixed order, so both directions matter. FULL is also what the gate did before modes existed.
 */
export const DEFAULT_MODE: CompatibilityMode = 'FULL';

/** The key in `info` that declares the mode. */
export const MODE_KEY = 'x-compatibility';

/** Whether `mode` lets a change that breaks `breaks` through without a major bump. */
export function allows(mode: CompatibilityMode, breaks: Breaks): boolean {
  return (COMPATIBILITY_MODES[mode].allows as readonly Breaks[]).includes(breaks);
}

/** Whether `mode` checks against every released version rather than the base alone. */
export function isTransitive(mode: CompatibilityMode): boolean {
  return COMPATIBILITY_MODES[mode].transitive;
}

/**
 * The mode `info.x-compatibility` declares, or the default when it is absent. Throws, naming the place and every
 * valid name, for a value that is not one of them (a misspelt mode must not fall back to the default silently).
 */
export function readMode(info: unknown, where: string): { mode: CompatibilityMode; declared: boolean } {
  const value = typeof info === 'object' && info !== null ? (info as Record<string, unknown>)[MODE_KEY] : undefined;
  if (value === undefined) return { mode: DEFAULT_MODE, declared: false };
  if (typeof value === 'string' && Object.hasOwn(COMPATIBILITY_MODES, value)) return { mode: value as CompatibilityMode, declared: true };
  throw new Error(
    `${where}#/info/${MODE_KEY}: ${JSON.stringify(value)} is not a compatibility mode; use one of ${Object.keys(COMPATIBILITY_MODES).join(', ')} (or leave it out for ${DEFAULT_MODE})`,
  );
}
