/**
 * Rule `message-docs`: every message says what it carries (`description` or `summary`) and shows at least one
 * example, which codegen checks against its payload schema. AsyncAPI makes both optional; the generated docs show
 * them, and an example is the one check that the schema means what its author thinks.
 */
import type { ContractRule, Finding } from './rule.js';

const text = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

export const messageDocs: ContractRule = {
  name: 'message-docs',
  description: 'every message has a description (or summary) and an example',
  defaultSeverity: 'warning',
  runs: 'always',
  check({ messages }) {
    const findings: Finding[] = [];
    for (const { at, value, name } of messages) {
      const missing = [
        ...(text(value.description) || text(value.summary) ? [] : ['a description (or summary) saying what it carries']),
        // `examples` that is not a list is the parser's error, not a missing example.
        ...(value.examples === undefined || (Array.isArray(value.examples) && value.examples.length === 0)
          ? ['an example (codegen checks each against the payload schema)']
          : []),
      ];
      if (missing.length > 0) findings.push({ at, message: `message "${name}" needs ${missing.join(' and ')}`, scope: [at] });
    }
    return findings;
  },
};
