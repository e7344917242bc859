/**
 * The gate's verdict and its text. Each comparison (the base, and for a transitive mode every earlier release) lists
 * its changes with who they break and which side to upgrade first; a change the contract's compatibility mode does
 * not allow needs a major bump over that comparison's version; a version lower than the base's is an error; the
 * report ends with the upgrade order. Exit 1 on a violation or a lowered version, else 0.
 */
import { upgradeFirst, type Change } from './change.js';
import type { Json, LoadedContract } from './load.js';
import { allows, type CompatibilityMode } from './modes.js';
import { upgradeOrder, upgradeOrderText, type UpgradeOrder } from './upgrade.js';
import { compareVersions, isMajorBump, nextMajor } from '../versions/semver.js';

export { isMajorBump } from '../versions/semver.js';

/** The changes from one earlier version to the new contract. */
export interface Comparison {
  /** What the earlier version was read from: `ref:path`, a path, or a release's tag or folder. */
  readonly against: string;
  readonly versionBefore: string;
  readonly changes: readonly Change[];
  /** Whether info.version went up a major version over this one (for 0.x, a minor). */
  readonly majorBump: boolean;
  /** The changes the mode does not allow, when no major bump covers them. */
  readonly violations: readonly Change[];
}

export interface GateResult {
  readonly mode: CompatibilityMode;
  /** Whether the contract declares its mode (`info.x-compatibility`) or the default applies. */
  readonly modeDeclared: boolean;
  readonly versionAfter: string;
  /** The base's comparison first (`--against`), then, for a transitive mode, one per earlier release. */
  readonly comparisons: readonly Comparison[];
  /** The base's version, changes, breaking changes and bump (the first comparison). */
  readonly versionBefore: string;
  readonly changes: readonly Change[];
  readonly breaking: readonly Change[];
  readonly majorBump: boolean;
  /** Errors that fail the gate whatever the changes: a version lower than the base's. */
  readonly problems: readonly string[];
  /** The order the changes against the base allow (against every compared version, for a transitive mode). */
  readonly upgradeOrder: UpgradeOrder;
  readonly upgradeOrderReason: string | undefined;
  readonly status: 0 | 1;
}

/** The version of a loaded contract (`info.version`). */
export function versionOf(contract: LoadedContract): string {
  const info = contract.document.info as Record<string, Json> | undefined;
  return typeof info?.version === 'string' ? info.version : '0.0.0';
}

/** One comparison: its violations under `mode` unless a major bump over `versionBefore` covers them. */
export function compare(against: string, versionBefore: string, versionAfter: string, changes: readonly Change[], mode: CompatibilityMode): Comparison {
  const majorBump = isMajorBump(versionBefore, versionAfter);
  const violations = majorBump ? [] : changes.filter((c) => !allows(mode, c.breaks));
  return { against, versionBefore, changes, majorBump, violations };
}

/** The verdict over `comparisons` (the base's first). */
export function verdict(comparisons: readonly Comparison[], versionAfter: string, mode: CompatibilityMode, modeDeclared: boolean): GateResult {
  const base = comparisons[0] ?? { against: '', versionBefore: versionAfter, changes: [], majorBump: false, violations: [] };
  const problems: string[] = [];
  if (compareVersions(versionAfter, base.versionBefore) < 0) {
    problems.push(
      `info.version ${versionAfter} is lower than ${base.versionBefore}, the version of ${base.against}: a contract's version only goes up; raise it to ${base.versionBefore} or above`,
    );
  }
  const { order, reason } = upgradeOrder(comparisons.flatMap((c) => c.changes));
  const failed = problems.length > 0 || comparisons.some((c) => c.violations.length > 0);
  return {
    mode,
    modeDeclared,
    versionAfter,
    comparisons,
    versionBefore: base.versionBefore,
    changes: base.changes,
    breaking: base.changes.filter((c) => c.breaks !== 'none'),
    majorBump: base.majorBump,
    problems,
    upgradeOrder: order,
    upgradeOrderReason: reason,
    status: failed ? 1 : 0,
  };
}

const BREAKS_TEXT = { none: 'breaks nobody', readers: 'breaks readers', writers: 'breaks writers', both: 'breaks readers and writers' } as const;
const FIRST_TEXT = { any: 'any order', readers: 'upgrade readers first', writers: 'upgrade writers first', neither: 'no safe order' } as const;

/**
 * The report: per comparison a heading, one line per change (location, kind, who it breaks, the module that decided,
 * what changed, and which side to upgrade first), then the verdict, and last the upgrade order.
 * `guide` names the page that explains the rules (a path the reader can open).
 */
export function formatReport(result: GateResult, guide: string): string {
  const modeText = `${result.mode}${result.modeDeclared ? '' : ' (the default)'}`;
  const lines: string[] = [];
  for (const c of result.comparisons) {
    const breaking = c.changes.filter((change) => change.breaks !== 'none').length;
    lines.push(
      `contract ${c.versionBefore} (${c.against}) → ${result.versionAfter} (working tree), compatibility ${modeText}: ${String(c.changes.length)} change(s), ${String(breaking)} breaking`,
    );
    for (const change of c.changes) {
      const mark = c.violations.includes(change) ? ` [not allowed by ${result.mode}]` : '';
      lines.push(
        `  ${change.location}: ${change.kind}, ${BREAKS_TEXT[change.breaks]} [${change.decidedBy}]: ${change.detail}; ${FIRST_TEXT[upgradeFirst(change.breaks)]}${mark}`,
      );
    }
  }
  for (const problem of result.problems) lines.push(`codegen --against: ${problem}.`);
  const violations = result.comparisons.filter((c) => c.violations.length > 0);
  for (const c of violations) {
    lines.push(
      `codegen --against: ${String(c.violations.length)} change(s) since ${c.versionBefore} (${c.against}) that ${result.mode} does not allow, without a major version bump: raise info.version from ${c.versionBefore} to a new major (e.g. ${nextMajor(c.versionBefore)}), or make the change compatible (see ${guide}).`,
    );
  }
  if (violations.length === 0 && result.problems.length === 0) {
    const covered = result.comparisons.filter((c) => c.majorBump && c.changes.some((change) => !allows(result.mode, change.breaks)));
    if (covered.length > 0) lines.push(`codegen --against: breaking changes, matched by the major bump ${result.versionBefore} → ${result.versionAfter}.`);
    else if (result.comparisons.every((c) => c.changes.every((change) => change.breaks === 'none'))) lines.push('codegen --against: no breaking change.');
    else lines.push(`codegen --against: every breaking change is one ${result.mode} allows.`);
  }
  lines.push(upgradeOrderText(result.upgradeOrder, result.upgradeOrderReason));
  return lines.join('\n');
}

/** The result as JSON for CI (`--json`): every comparison with its changes, each with the side to upgrade first. */
export function reportJson(result: GateResult): string {
  return JSON.stringify(
    {
      mode: result.mode,
      modeDeclared: result.modeDeclared,
      versionAfter: result.versionAfter,
      status: result.status,
      problems: result.problems,
      upgradeOrder: result.upgradeOrder,
      upgradeOrderReason: result.upgradeOrderReason ?? null,
      comparisons: result.comparisons.map((c) => ({
        against: c.against,
        versionBefore: c.versionBefore,
        majorBump: c.majorBump,
        changes: c.changes.map((change) => ({ ...change, upgradeFirst: upgradeFirst(change.breaks), allowed: !c.violations.includes(change) })),
      })),
    },
    null,
    2,
  );
}
