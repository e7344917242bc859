/**
 * generated/config.ts: the cluster configuration schema (schemas/cluster-config.schema.json) as
 * `ClusterConfigSchema`, with `ClusterConfig` (the parsed value, defaults applied: `z.infer`) and
 * `ClusterConfigInput` (what a file may contain: `z.input`), and `ClusterConfigRuleId`, the ids of the rules between
 * keys that the schema lists (`x-rules`), which the runtime's checks are keyed by. Same resolver and emitter as the
 * contract.
 */
import { docComment, emitOrDiagnose, literal } from './common.js';
import { CodegenError, diagnosticAt, type Diagnostic } from '../input/diagnostics.js';
import { configRules, RULES_KEYWORD } from '../model/config-rules.js';
import { SchemaResolver } from '../model/model.js';
import { Namer } from '../model/naming.js';
import type { SourceSet } from '../input/sources.js';
import { emitZod, zodImports } from '../zod/emit.js';

/**
 * The body of config.ts (without header); `runtime` is the module the format helpers come from. Throws
 * {@link CodegenError} on an unsupported or broken schema.
 */
export function emitConfig(schemaFile: string, sources: SourceSet, runtime: string): string {
  const diagnostics: Diagnostic[] = [];
  const root = sources.follow({ file: schemaFile, pointer: '' });
  if (!root.ok) throw new CodegenError([{ severity: 'error', file: schemaFile, line: 1, column: 1, message: root.message }]);
  const resolver = new SchemaResolver(sources, schemaFile, new Namer(['z']));
  resolver.declareRoot(root.at, 'ClusterConfig');
  diagnostics.push(...resolver.diagnostics);
  const parts: string[] = [];
  const helpers = new Set<string>();
  for (const named of resolver.schemas) {
    const schema = named.schema as Record<string, unknown>;
    const constant = `${named.name}Schema`;
    const expression = emitOrDiagnose(
      () => emitZod(schema, { refName: (s) => refIdentifier(resolver, schema, s), pointer: '', usedHelpers: helpers }),
      schema,
      named.name,
      sources,
      (o) => resolver.originOf(o),
      named.origin,
      diagnostics,
    );
    const description = typeof schema.description === 'string' ? schema.description : undefined;
    parts.push(`${docComment(description)}export const ${constant} = ${expression};`);
    parts.push(
      `${docComment(`The parsed configuration (defaults applied), as {@link ${constant}} returns it.`)}export type ${named.name} = z.infer<typeof ${constant}>;`,
    );
    if (named.name === 'ClusterConfig') {
      parts.push(`/** What a configuration file may contain before defaults are applied. */\nexport type ClusterConfigInput = z.input<typeof ${constant}>;`);
      parts.push(ruleIds(schema, (message) => diagnostics.push(diagnosticAt(sources, { file: schemaFile, pointer: `/${RULES_KEYWORD}` }, message))));
    }
  }
  if (diagnostics.length > 0) throw new CodegenError(diagnostics);
  return `${[zodImports(runtime, helpers).join('\n'), ...parts].join('\n\n')}\n`;
}

/** The constant a reference to a shared subschema is written as (never the root itself). */
function refIdentifier(resolver: SchemaResolver, root: object, schema: unknown): string | undefined {
  if (schema === root || typeof schema !== 'object' || schema === null) return undefined;
  const name = resolver.nameOf(schema);
  return name === undefined ? undefined : `${name}Schema`;
}

/** `ClusterConfigRuleId`: the ids of the schema's rules between keys (`never` when it lists none). */
function ruleIds(root: object, report: (message: string) => void): string {
  const { rules, problems } = configRules(root);
  problems.forEach(report);
  const union = rules.length === 0 ? 'never' : rules.map((rule) => literal(rule.id)).join(' | ');
  const comment = `The ids of the rules between keys (\`${RULES_KEYWORD}\` of the schema, where each rule's text is): the runtime has one check per id.`;
  return `${docComment(comment)}export type ClusterConfigRuleId = ${union};`;
}
