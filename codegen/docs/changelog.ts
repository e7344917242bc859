/**
 * A version's changelog page: what changed since the version before it, classified by the breaking-change gate's
 * own rules (codegen/evolution/): each change, whom it breaks (readers, writers, both or nobody), which side to
 * upgrade first, whether the newer version's compatibility mode allows it (or a major bump covers it), and the
 * upgrade order of the whole step.
 */
import { upgradeFirst } from '../evolution/change.js';
import type { LoadedContract } from '../evolution/load.js';
import { DEFAULT_MODE, readMode } from '../evolution/modes.js';
import { compare, verdict, versionOf, type GateResult } from '../evolution/report.js';
import { compareContracts } from '../evolution/structure.js';
import { upgradeOrderText } from '../evolution/upgrade.js';
import { escapeHtml } from './render-html.js';

/** The gate's result for the step from `before` (read from `beforeLabel`) to `after`. */
export function changelogOf(before: LoadedContract, beforeLabel: string, after: LoadedContract): GateResult {
  let mode = { mode: DEFAULT_MODE, declared: false };
  try {
    mode = readMode(after.document.info, after.label);
  } catch {
    // A release with a misspelt mode is history: its changelog is judged by the default.
  }
  const versionAfter = versionOf(after);
  const comparison = compare(beforeLabel, versionOf(before), versionAfter, compareContracts(before, after), mode.mode);
  return verdict([comparison], versionAfter, mode.mode, mode.declared);
}

const BREAKS = { none: 'nobody', readers: 'readers', writers: 'writers', both: 'readers and writers' } as const;
const FIRST = { any: 'any order', readers: 'readers first', writers: 'writers first', neither: 'no safe order' } as const;

/** The verdict in one sentence. */
function summary(result: GateResult): string {
  const comparison = result.comparisons[0];
  const mode = `${result.mode}${result.modeDeclared ? '' : ' (the default)'}`;
  if (result.problems.length > 0) return `Not a valid step: ${result.problems.join('; ')}.`;
  if (comparison === undefined || comparison.changes.length === 0) return `No change peers can see. Compatibility ${mode}.`;
  if (comparison.violations.length > 0) return `${String(comparison.violations.length)} change(s) that ${mode} does not allow, without a major version bump.`;
  if (comparison.majorBump && comparison.changes.some((c) => c.breaks !== 'none'))
    return `Breaking changes, matched by the major version bump. Compatibility ${mode}.`;
  return `Every change is one ${mode} allows.`;
}

/** The changelog page of `after` (its label `afterLabel`) against the version before it; `versionBar` at the top. */
export function renderChangelogHtml(title: string, afterLabel: string, result: GateResult, versionBar: string): string {
  const comparison = result.comparisons[0];
  const rows = (comparison?.changes ?? [])
    .map((c) => {
      const allowed = comparison?.violations.includes(c) === true ? 'no' : 'yes';
      return `<tr class="change" data-kind="${escapeHtml(c.kind)}" data-breaks="${c.breaks}" data-upgrade-first="${upgradeFirst(c.breaks)}"><td><code>${escapeHtml(c.location)}</code></td><td><code>${escapeHtml(c.kind)}</code></td><td>${BREAKS[c.breaks]}</td><td>${FIRST[upgradeFirst(c.breaks)]}</td><td>${allowed}</td><td>${escapeHtml(c.detail)}</td></tr>`;
    })
    .join('\n');
  const table =
    rows === ''
      ? '<p id="no-changes">No change that a peer on the other version would notice (descriptions, titles and examples are not compared).</p>'
      : `<table id="changes">
<thead><tr><th>Where</th><th>Change</th><th>Breaks</th><th>Upgrade</th><th>Allowed</th><th>What</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  const heading = `${title}: what changed in ${afterLabel} since ${comparison?.versionBefore ?? '?'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)}</title>
<link rel="icon" href="data:,">
<style>
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111827; }
main { padding: 1rem 1.5rem; max-width: 90rem; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid #d1d5db; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
code { font-size: 13px; word-break: break-all; }
</style>
</head>
<body>
${versionBar}<main>
<h1>${escapeHtml(heading)}</h1>
<p id="verdict">${escapeHtml(summary(result))}</p>
<p id="upgrade-order" data-order="${result.upgradeOrder}">${escapeHtml(upgradeOrderText(result.upgradeOrder, result.upgradeOrderReason))}</p>
${table}
<p>Readers receive a message, writers send it. A change that breaks readers is safe when every reader is upgraded before any writer; one that breaks writers, when every writer is upgraded first. Classified by the breaking-change gate, <code>--against</code>.</p>
</main>
</body>
</html>
`;
}
