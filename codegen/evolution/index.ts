/**
 * `codegen --against <git-ref | path>`: the breaking-change gate. Loads the current contract and an older one
 * (./load.ts), diffs channels, operations and messages (./structure.ts) and payload schemas by direction
 * (./schemas.ts), and reports (./report.ts). docs/contract-evolution.md has the rules.
 */
import { loadContract, loadWorkingTree } from './load.js';
import { compareContracts } from './structure.js';
import { formatReport, verdict, versionOf, type GateResult } from './report.js';

export type { GateResult } from './report.js';
export type { Change, Breaks } from './change.js';

/** Compares `input` (the working tree) with `against`; returns the result and its report text. */
export function compareAgainst(input: string, against: string): { result: GateResult; report: string } {
  const before = loadContract(against, input);
  const after = loadWorkingTree(input);
  const result = verdict(compareContracts(before, after), versionOf(before), versionOf(after));
  return { result, report: formatReport(result, before.label) };
}

/** Runs the gate and prints its report; returns the exit status (2 when a contract cannot be read). */
export function runGate(input: string, against: string): number {
  try {
    const { result, report } = compareAgainst(input, against);
    (result.status === 0 ? console.log : console.error)(report);
    return result.status;
  } catch (error) {
    console.error(`codegen --against: ${(error as Error).message}`);
    return 2;
  }
}
