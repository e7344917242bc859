/**
 * `codegen --against <git-ref | path>`: the breaking-change gate. Loads the current contract and an older one
 * (./load.ts), diffs channels, operations and messages (./structure.ts) and payload schemas by direction
 * (./schemas.ts), applies the contract's compatibility mode (./modes.ts; a transitive mode also compares with every
 * released version, ../versions/releases.ts), and reports with the upgrade order (./report.ts, ./upgrade.ts).
 * docs/contract-evolution.md has the rules.
 */
import { guide } from '../guide.js';
import { listReleases, type ReleaseSource } from '../versions/releases.js';
import { compareVersions } from '../versions/semver.js';
import { loadContract, loadWorkingTree } from './load.js';
import { isTransitive, readMode } from './modes.js';
import { compare, formatReport, reportJson, verdict, versionOf, type Comparison, type GateResult } from './report.js';
import { compareContracts } from './structure.js';

export type { GateResult, Comparison } from './report.js';
export type { Change, Breaks, UpgradeFirst } from './change.js';
export type { UpgradeOrder } from './upgrade.js';
export type { CompatibilityMode } from './modes.js';

/** What the gate compares: the working tree's contract with `against`, and for a transitive mode with every release. */
export interface GateOptions {
  readonly input: string;
  readonly against: string;
  /** Where a transitive mode finds the released versions (git tags by default). */
  readonly releases?: ReleaseSource | undefined;
  /** Print the result as JSON (for CI) instead of the report. */
  readonly json?: boolean | undefined;
}

/** Compares `input` (the working tree) with `against`; returns the result, its report text and notes about releases. */
export function compareAgainst(input: string, against: string, releases?: ReleaseSource): { result: GateResult; report: string; notes: string[] } {
  const before = loadContract(against, input);
  const after = loadWorkingTree(input);
  const { mode, declared } = readMode(after.document.info, input);
  const versionAfter = versionOf(after);
  const comparisons: Comparison[] = [compare(before.label, versionOf(before), versionAfter, compareContracts(before, after), mode)];
  const notes: string[] = [];
  if (isTransitive(mode)) {
    const listed = listReleases(input, releases);
    notes.push(...listed.notes);
    const baseText = JSON.stringify(before.document);
    for (const release of listed.releases) {
      // Every earlier release, but not the base again.
      if (compareVersions(release.version, versionAfter) > 0 || JSON.stringify(release.contract.document) === baseText) continue;
      comparisons.push(compare(release.origin, release.version, versionAfter, compareContracts(release.contract, after), mode));
    }
  }
  const result = verdict(comparisons, versionAfter, mode, declared);
  return { result, report: formatReport(result, guide('contract-evolution.md')), notes };
}

/** Runs the gate and prints its report (or JSON); returns the exit status (2 when a contract cannot be read). */
export function runGate(options: GateOptions): number {
  try {
    const { result, report, notes } = compareAgainst(options.input, options.against, options.releases);
    for (const note of notes) console.error(`codegen --against: note: ${note}`);
    if (options.json === true) console.log(reportJson(result));
    else (result.status === 0 ? console.log : console.error)(report);
    return result.status;
  } catch (error) {
    const message = `codegen --against: ${(error as Error).message}`;
    if (options.json === true) console.log(JSON.stringify({ status: 2, error: message }, null, 2));
    console.error(message);
    return 2;
  }
}
