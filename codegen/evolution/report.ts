/**
 * The gate's verdict and its text: each change with its location, kind, who it breaks and the module that decided
 * it; exit 1 when a breaking change is not matched by a major bump of info.version, else 0.
 */
import type { Change } from './change.js';
import type { Json, LoadedContract } from './load.js';

export interface GateResult {
  readonly changes: readonly Change[];
  readonly versionBefore: string;
  readonly versionAfter: string;
  readonly breaking: readonly Change[];
  /** Whether info.version went up a major version (for 0.x, a minor: semver's "anything may change" is not used). */
  readonly majorBump: boolean;
  readonly status: 0 | 1;
}

/** The version of a loaded contract (`info.version`). */
export function versionOf(contract: LoadedContract): string {
  const info = contract.document.info as Record<string, Json> | undefined;
  return typeof info?.version === 'string' ? info.version : '0.0.0';
}

function parseSemver(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `after` is a major bump of `before`: its major is higher, or both are 0.x and its minor is higher. */
export function isMajorBump(before: string, after: string): boolean {
  const b = parseSemver(before);
  const a = parseSemver(after);
  if (b === undefined || a === undefined) return false;
  if (a[0] !== b[0]) return a[0] > b[0];
  return a[0] === 0 && a[1] > b[1];
}

export function verdict(changes: readonly Change[], versionBefore: string, versionAfter: string): GateResult {
  const breaking = changes.filter((c) => c.breaks !== 'none');
  const majorBump = isMajorBump(versionBefore, versionAfter);
  return { changes, versionBefore, versionAfter, breaking, majorBump, status: breaking.length > 0 && !majorBump ? 1 : 0 };
}

const BREAKS_TEXT = { none: 'breaks nobody', readers: 'breaks readers', writers: 'breaks writers', both: 'breaks readers and writers' } as const;

/** The report, one line per change, then the verdict. */
export function formatReport(result: GateResult, againstLabel: string): string {
  const lines = [`contract ${result.versionBefore} (${againstLabel}) → ${result.versionAfter} (working tree): ${String(result.changes.length)} change(s), ${String(result.breaking.length)} breaking`];
  for (const c of result.changes) lines.push(`  ${c.location}: ${c.kind}, ${BREAKS_TEXT[c.breaks]} [${c.decidedBy}]: ${c.detail}`);
  if (result.status === 1) {
    lines.push(`codegen --against: ${String(result.breaking.length)} breaking change(s) without a major version bump: raise info.version from ${result.versionBefore} to a new major (e.g. ${suggest(result.versionBefore)}), or make the change compatible (see docs/contract-evolution.md).`);
  } else if (result.breaking.length > 0) {
    lines.push(`codegen --against: breaking changes, matched by the major bump ${result.versionBefore} → ${result.versionAfter}.`);
  } else {
    lines.push('codegen --against: no breaking change.');
  }
  return lines.join('\n');
}

function suggest(version: string): string {
  const v = parseSemver(version);
  if (v === undefined) return '1.0.0';
  return v[0] === 0 ? `0.${String(v[1] + 1)}.0` : `${String(v[0] + 1)}.0.0`;
}
