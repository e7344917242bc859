/**
 * Rule `operation-title`: every operation has a `title`, a short human name for what it does (the docs site and the
 * Markdown reference show it; a summary or description can say more).
 */
import { operationsOf } from './walk.js';
import type { ContractRule, Finding } from './rule.js';

export const operationTitle: ContractRule = {
  name: 'operation-title',
  description: 'every operation has a title',
  defaultSeverity: 'warning',
  runs: 'clean',
  check(context) {
    const findings: Finding[] = [];
    for (const { id, at, json } of operationsOf(context)) {
      if (typeof json.title === 'string' && json.title.trim() !== '') continue;
      findings.push({ at, message: `operation "${id}" has no title: add a short "title" saying what it does (the docs show it)`, scope: [at] });
    }
    return findings;
  },
};
