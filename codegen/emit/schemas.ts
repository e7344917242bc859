/**
 * generated/schemas.ts: one Zod schema per named schema (message payloads and shared `$ref` targets), each with
 * its `z.infer` type under the same name, declared after the schemas it uses.
 */
import { docComment, emitOrDiagnose } from './common.js';
import type { Diagnostic } from '../input/diagnostics.js';
import type { ContractModel } from '../model/model.js';
import type { SourceSet } from '../input/sources.js';
import { emitZod, zodImports } from '../zod/emit.js';

/** The body of schemas.ts (without header), and the problems met. `runtime`: the module the format helpers come from. */
export function emitSchemas(model: ContractModel, sources: SourceSet, runtime: string): { code: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parts: string[] = [];
  const helpers = new Set<string>();
  for (const named of model.schemas) {
    const constant = `${named.name}Schema`;
    if (named.aliasOf !== undefined) {
      parts.push(`/** Same payload as {@link ${named.aliasOf}}. */\nexport const ${constant} = ${named.aliasOf}Schema;`);
      parts.push(`/** Same payload as {@link ${named.aliasOf}}. */\nexport type ${named.name} = ${named.aliasOf};`);
      continue;
    }
    const schema = named.schema as Record<string, unknown>;
    const expression = emitOrDiagnose(
      () => emitZod(schema, { refName: (s) => (s === schema || typeof s !== 'object' ? undefined : refIdentifier(model, s)), pointer: '', usedHelpers: helpers }),
      schema,
      named.name,
      sources,
      model.originOf,
      named.origin,
      diagnostics,
    );
    const description = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
    parts.push(`/** Zod schema of {@link ${named.name}}. */\nexport const ${constant} = ${expression};`);
    parts.push(`${docComment(description ?? `Validated by {@link ${constant}}.`)}export type ${named.name} = z.infer<typeof ${constant}>;`);
  }
  const code = [zodImports(runtime, helpers).join('\n'), ...parts].join('\n\n');
  return { code: `${code}\n`, diagnostics };
}

/** The constant a reference to a shared schema is written as. */
function refIdentifier(model: ContractModel, schema: object): string | undefined {
  const name = model.nameOf(schema);
  return name === undefined ? undefined : `${name}Schema`;
}
