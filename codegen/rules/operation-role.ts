/**
 * Rule `operation-role`: every operation has exactly one tag, the role of the node that performs it. The roles are
 * what generated/permissions.ts grants (docs/codegen.md, "Permissions"): an untagged operation grants nobody
 * anything, and one with two tags is performed by two kinds of node, which a contract of one sender and one receiver
 * per message does not mean.
 */
import { childPointer } from '../input/sources.js';
import { namesRoles, operationsOf } from './walk.js';
import type { ContractRule, Finding } from './rule.js';

export const operationRole: ContractRule = {
  name: 'operation-role',
  description: 'every operation has exactly one tag: the role that performs it',
  defaultSeverity: 'warning',
  appliesByDefault: namesRoles,
  runs: 'clean',
  check(context) {
    const findings: Finding[] = [];
    for (const { id, at, operation } of operationsOf(context)) {
      const tags = operation
        .tags()
        .all()
        .map((tag) => tag.name());
      if (tags.length === 1) continue;
      const message =
        tags.length === 0
          ? `operation "${id}" names no role: tag it with the one role that performs it (tags: [{ name: <role> }]); roles are what the generated permissions grant`
          : `operation "${id}" has ${String(tags.length)} tags (${tags.join(', ')}): tag it with exactly one role, the one that performs it, and give the other role an operation of its own`;
      findings.push({ at: tags.length === 0 ? at : { file: at.file, pointer: childPointer(at.pointer, 'tags') }, message, scope: [at] });
    }
    return findings;
  },
};
