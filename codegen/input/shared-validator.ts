/**
 * One AsyncAPI document validator per parser, not one per parse. The parser checks a document's structure with two
 * Spectral rules (`asyncapi-document-resolved` and `-unresolved`) whose schema function keeps its ajv instances per
 * parse (keyed by that parse's document inventory), so every parse compiles the AsyncAPI meta-schema again: about
 * 0.4 s of each `--watch` run. Here those two rules get one fixed key object, so the compiled validator is reused. The
 * key is all the schema function uses the inventory for; each rule still sees its own document and path.
 */

/** The part of a Spectral rule this module changes. */
interface RuleThen {
  function: (value: unknown, options: unknown, context: Record<string, unknown>) => unknown;
}

/** The rules whose schema function compiles the AsyncAPI meta-schema. */
export const DOCUMENT_RULES = ['asyncapi-document-resolved', 'asyncapi-document-unresolved'] as const;

/** Marks functions already wrapped, so sharing twice is harmless. */
const wrapped = new WeakSet<object>();

/**
 * Makes `parser`'s document-structure rules reuse one validator. Returns false (and changes nothing) when the
 * parser's insides are not as expected: parsing then works as before, only slower.
 */
export function shareDocumentValidator(parser: object): boolean {
  const rules = (parser as { spectral?: { ruleset?: { rules?: Record<string, { then?: unknown }> } } }).spectral?.ruleset?.rules;
  if (rules === undefined) return false;
  const targets = DOCUMENT_RULES.map((name) => rules[name]);
  if (
    !targets.every((rule) => rule !== undefined && Array.isArray(rule.then) && rule.then.every((t) => typeof (t as Partial<RuleThen>).function === 'function'))
  )
    return false;
  const inventory = {};
  for (const rule of targets) {
    const thens = (rule as { then: RuleThen[] }).then;
    (rule as { then: RuleThen[] }).then = thens.map((then) => {
      const original = then.function;
      if (wrapped.has(original)) return then;
      const shared: RuleThen['function'] = (value, options, context) => original(value, options, { ...context, documentInventory: inventory });
      // Spectral names the function in its error messages.
      Object.defineProperty(shared, 'name', { value: original.name });
      wrapped.add(shared);
      return { ...then, function: shared };
    });
  }
  return true;
}
