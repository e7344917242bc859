/**
 * The contract rules (one module each) and how a run applies them: each at the severity the project sets
 * (./config.ts) or by default where it applies, a `clean` rule only once the contract has no errors.
 */
import { type Diagnostic, diagnosticAt, hasErrors } from '../input/diagnostics.js';
import { readRuleSettings } from './config.js';
import { messageDocs } from './message-docs.js';
import { messageSendReceive } from './message-send-receive.js';
import { operationRole } from './operation-role.js';
import { operationTitle } from './operation-title.js';
import type { ContractRule, RuleContext } from './rule.js';

export type { ContractRule, RuleSeverity } from './rule.js';

/** Every rule, in the order docs/codegen.md lists them. */
export const RULES: readonly ContractRule[] = [messageDocs, operationTitle, operationRole, messageSendReceive];

/** What the rules found in a contract, given the problems found so far (`earlier`). */
export function checkRules(input: RuleContext, earlier: readonly Diagnostic[]): Diagnostic[] {
  const settings = readRuleSettings(input.sources, input.mainFile, RULES);
  const out: Diagnostic[] = [...settings.diagnostics];
  const clean = !hasErrors(earlier) && !hasErrors(settings.diagnostics);
  for (const rule of RULES) {
    if (rule.runs === 'clean' && (!clean || input.document === undefined)) continue;
    const configured = settings.severity.get(rule.name);
    const severity = configured ?? (rule.appliesByDefault?.(input) === false ? 'off' : rule.defaultSeverity);
    if (severity === 'off') continue;
    for (const finding of rule.check(input)) {
      out.push({ ...diagnosticAt(input.sources, finding.at, finding.message, severity), rule: rule.name, scope: finding.scope });
    }
  }
  return out;
}
