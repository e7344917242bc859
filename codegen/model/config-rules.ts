/**
 * The rules between keys of a configuration schema: its root's `x-rules`, a list of `{ id, text }`. The text is the
 * one home of each rule's wording (docs/configuration.md renders it); the id names the runtime's check of that rule
 * (src/cluster/config-rules.ts keys its checks by the `ClusterConfigRuleId` that generated/config.ts declares).
 */

/** The root keyword that lists a configuration schema's rules between keys. */
export const RULES_KEYWORD = 'x-rules';

/** One rule between keys: a stable id (kebab-case) and the sentence the docs show. */
export interface ConfigRuleText {
  readonly id: string;
  readonly text: string;
}

/** The rules of `schema`'s root, and a problem for each entry that is not `{ id, text }` or repeats an id. */
export function configRules(schema: object): { rules: ConfigRuleText[]; problems: string[] } {
  const listed: unknown = (schema as Record<string, unknown>)[RULES_KEYWORD];
  const rules: ConfigRuleText[] = [];
  const problems: string[] = [];
  if (listed === undefined) return { rules, problems };
  if (!Array.isArray(listed)) return { rules, problems: [`${RULES_KEYWORD} must be a list of { id, text }`] };
  listed.forEach((entry: unknown, index) => {
    const { id, text } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(id) || typeof text !== 'string' || text.trim() === '') {
      problems.push(`${RULES_KEYWORD}[${index}] must be { "id": "kebab-case-id", "text": "a non-empty sentence" }`);
    } else if (rules.some((rule) => rule.id === id)) {
      problems.push(`${RULES_KEYWORD}[${index}]: the id ${JSON.stringify(id)} is listed twice`);
    } else {
      rules.push({ id, text });
    }
  });
  return { rules, problems };
}
