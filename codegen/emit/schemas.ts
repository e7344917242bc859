/**
 * generated/schemas.ts: one Zod schema per named schema (message payloads and shared `$ref` targets), each with
 * its `z.infer` type under the same name, declared after the schemas it uses. Each also gets a reader schema
 * (`<Name>ReaderSchema`): the same checks, but objects closed by `additionalProperties: false` strip unknown keys
 * instead of refusing them (tolerant reader, strict writer). Where nothing differs, the reader is the writer; where
 * only the root object differs, the reader is the writer's `.strip()`.
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
  // Named schemas whose reader differs from their writer: references to them use `<Name>ReaderSchema` in readers.
  const tolerant = new Set<string>();
  for (const named of model.schemas) {
    const constant = `${named.name}Schema`;
    const readerConstant = `${named.name}ReaderSchema`;
    if (named.aliasOf !== undefined) {
      parts.push(`/** Same payload as {@link ${named.aliasOf}}. */\nexport const ${constant} = ${named.aliasOf}Schema;`);
      parts.push(`/** Reader schema of {@link ${named.aliasOf}}. */\nexport const ${readerConstant} = ${named.aliasOf}ReaderSchema;`);
      if (tolerant.has(named.aliasOf)) tolerant.add(named.name);
      parts.push(`/** Same payload as {@link ${named.aliasOf}}. */\nexport type ${named.name} = ${named.aliasOf};`);
      continue;
    }
    const schema = named.schema as Record<string, unknown>;
    // Where the inferred type is wider than the schema (a condition, a pattern-keyed property...), the emitter says so.
    const typeNotes: string[] = [];
    const expression = emitOrDiagnose(
      () =>
        emitZod(schema, {
          refName: (s) => (s === schema || typeof s !== 'object' ? undefined : refIdentifier(model, s)),
          pointer: '',
          usedHelpers: helpers,
          typeNotes,
        }),
      schema,
      named.name,
      sources,
      model.originOf,
      named.origin,
      diagnostics,
    );
    const readerRef = (s: unknown): string | undefined => {
      if (s === schema || typeof s !== 'object' || s === null) return undefined;
      const name = model.nameOf(s);
      return name === undefined ? undefined : tolerant.has(name) ? `${name}ReaderSchema` : `${name}Schema`;
    };
    const readerExpression = emitOrDiagnose(
      () => emitZod(schema, { refName: readerRef, pointer: '', usedHelpers: helpers, reader: true }),
      schema,
      named.name,
      sources,
      model.originOf,
      named.origin,
      [],
    );
    const description = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
    parts.push(`/** Zod schema of {@link ${named.name}}. */\nexport const ${constant} = ${expression};`);
    if (readerExpression === expression) {
      parts.push(
        `/** Reader schema of {@link ${named.name}}: nothing to strip, the same as {@link ${constant}}. */\nexport const ${readerConstant} = ${constant};`,
      );
    } else if (stripsOnlyTheRoot(expression, readerExpression)) {
      tolerant.add(named.name);
      parts.push(
        `/** Reader schema of {@link ${named.name}}: {@link ${constant}}, but unknown properties are stripped, not refused. */\nexport const ${readerConstant} = ${constant}.strip();`,
      );
    } else {
      tolerant.add(named.name);
      parts.push(
        `/** Reader schema of {@link ${named.name}}: as {@link ${constant}}, but unknown properties of closed objects are stripped, not refused. */\nexport const ${readerConstant} = ${readerExpression};`,
      );
    }
    const comment = [description ?? `Validated by {@link ${constant}}.`, ...typeNotesSection(typeNotes, constant)].join('\n');
    parts.push(`${docComment(comment)}export type ${named.name} = z.infer<typeof ${constant}>;`);
  }
  const code = [zodImports(runtime, helpers).join('\n'), ...parts].join('\n\n');
  return { code: `${code}\n`, diagnostics };
}

/**
 * Whether the reader differs from the writer only in the root object (`z.strictObject` there, `z.object` here), and
 * the writer is that object alone, with at most a description: then the reader is the writer's `.strip()` (same
 * shape and checks, unknown keys stripped), written once instead of in full.
 */
function stripsOnlyTheRoot(writer: string, reader: string): boolean {
  const STRICT = 'z.strictObject(';
  if (!writer.startsWith(STRICT) || reader !== `z.object(${writer.slice(STRICT.length)}`) return false;
  return /^z\.strictObject\(\{[\s\S]*\}\)(\.describe\((['"])(?:\\.|(?!\2)[^\\])*\2\))?$/.test(writer);
}

/** The lines a type's doc comment adds where the type is wider than its schema (none when it is exact). */
function typeNotesSection(notes: readonly string[], constant: string): string[] {
  if (notes.length === 0) return [];
  return ['', `The type is wider than the schema here; {@link ${constant}} checks the rest at run time:`, ...notes.map((note) => `- ${note}`)];
}

/** The constant a reference to a shared schema is written as. */
function refIdentifier(model: ContractModel, schema: object): string | undefined {
  const name = model.nameOf(schema);
  return name === undefined ? undefined : `${name}Schema`;
}
