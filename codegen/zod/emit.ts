/**
 * JSON Schema (draft-07, as AsyncAPI uses it) to Zod 4 source text. It replaces json-schema-to-zod, which is
 * deprecated and wrong under zod 4 (`format: ipv4` becomes `z.string().ip()`, which zod 4 lacks; `$ref` becomes
 * `z.any()`; `oneOf` with `discriminator: type` loses its type; objects strip unknown keys that JSON Schema keeps).
 * The goal is parity with ajv 8 + ajv-formats 3 (`strict: false`,
 * `useDefaults: true`): whatever the emitted Zod accepts, ajv accepts, and the reverse, except where ajv-formats
 * departs from the JSON Schema Test Suite (src/contract/formats.ts lists those).
 *
 * One module per keyword group (keywords-*.ts), each function naming the spec section it implements; `$ref` inside
 * the schema is resolved here (refs.ts), so a schema emitted on its own needs no contract model. The official JSON
 * Schema Test Suite (draft 7) is the judge of fidelity: tests/codegen/zod/json-schema-test-suite.test.ts.
 *
 * How codegen uses it:
 * ```ts
 * const helpers = new Set<string>();
 * const expr = emitZod(schema, { refName, pointer: '', usedHelpers: helpers });
 * // after all schemas of the file: header lines
 * const imports = zodImports('../src/contract/index.js', helpers);
 * ```
 * The expression uses `z` from 'zod' and, by bare name, the format helpers of the runtime's contract face (src/contract/index.ts) recorded in `usedHelpers`.
 */
import { isSchemaObject, type JsonSchema, type SchemaObject } from './json-schema.js';
import type { ChildOptions, EmitState } from './state.js';
import { joinPointer } from '../input/json-pointer.js';
import { unsupportedAt } from './state.js';
import { UnsupportedSchemaError } from './errors.js';
import { emitApplicators } from './keywords-applicator.js';
import { emitConditional } from './keywords-conditional.js';
import { emitEnum } from './keywords-enum.js';
import { emitTypePart } from './keywords-type.js';
import { quote } from './source.js';
import { indexRefs, type RefIndex } from './refs.js';

export { UnsupportedSchemaError };
/** The schema type {@link emitZod} takes; defined in json-schema.ts. */
export type { JsonSchema };

/** What the caller tells the emitter. */
export interface ZodEmitContext {
  /** For a subschema (never the root being emitted), the identifier of an already-declared named export to reference instead of inlining, or undefined. */
  refName(schema: JsonSchema): string | undefined;
  /** JSON pointer of the root schema, the prefix of every pointer in the emitter's diagnostics (default `''`). */
  pointer?: string;
  /**
   * Receives the names of the contract face's format helpers the emitted expression uses (e.g. `isDateTime`). Share one set
   * across every schema of a generated file and pass it to {@link zodImports}.
   */
  usedHelpers?: Set<string>;
  /**
   * Emit the reader schema: wherever the JSON Schema says `additionalProperties: false`, unknown keys are stripped
   * (`z.object`) instead of refused (`z.strictObject`), so a peer on a newer contract that added optional fields is
   * still understood. Default false: the writer schema, strict like ajv.
   */
  reader?: boolean;
  /**
   * Receives one line per place where the inferred TypeScript type is wider than what the schema accepts (a
   * condition, a dependency, a pattern-keyed property, a recursive reference), for the type's doc comment. Each line
   * names the JSON pointer and what the type leaves out.
   */
  typeNotes?: string[];
}

/** Keywords (of drafts after 7) whose meaning the emitter cannot reproduce; each stops codegen with a diagnostic. */
const UNSUPPORTED_KEYWORDS: readonly (readonly [keyword: string, construct: string, hint: string])[] = [
  ['$dynamicRef', '$dynamicRef', 'dynamic references are not supported'],
  ['$recursiveRef', '$recursiveRef', 'recursive references are not supported'],
  ['dependentSchemas', 'dependentSchemas', 'a draft 2019-09 keyword; draft 7 writes it as "dependencies"'],
  ['dependentRequired', 'dependentRequired', 'a draft 2019-09 keyword; draft 7 writes it as "dependencies"'],
  ['prefixItems', 'prefixItems', 'a draft 2020-12 keyword; draft 7 writes a tuple as an "items" array'],
  ['unevaluatedProperties', 'unevaluatedProperties', 'unevaluated* keywords are not supported'],
  ['unevaluatedItems', 'unevaluatedItems', 'unevaluated* keywords are not supported'],
  ['minContains', 'minContains', 'minContains/maxContains are not supported'],
  ['maxContains', 'maxContains', 'minContains/maxContains are not supported'],
];

/** Returns a Zod 4 expression (source text using `z` from 'zod' and the contract face's format helpers), e.g. `z.strictObject({ ... })`. */
export function emitZod(schema: JsonSchema, ctx: ZodEmitContext): string {
  const session: Session = {
    ctx,
    helpers: ctx.usedHelpers ?? new Set(),
    stack: new Set(),
    rootPointer: ctx.pointer ?? '',
    refs: indexRefs(schema),
    bindings: new Map(),
  };
  return emitNode(schema, createState(session.rootPointer, {}, session), session);
}

/**
 * The import lines the emitted expressions need: zod, and the format helpers they use, in sorted order.
 * `contractModule` is the module specifier of the runtime's contract face (e.g. '../src/contract/index.js', or the
 * package's `@mlx-serving/distributed/contract`).
 */
export function zodImports(contractModule: string, usedHelpers: ReadonlySet<string>): string[] {
  const lines = [`import { z } from 'zod';`];
  if (usedHelpers.size > 0) {
    lines.push(`import { ${[...usedHelpers].sort().join(', ')} } from '${contractModule}';`);
  }
  return lines;
}

interface Session {
  readonly ctx: ZodEmitContext;
  readonly helpers: Set<string>;
  /** The schema objects being emitted on the current path, to stop on a cycle instead of recursing forever. */
  readonly stack: Set<SchemaObject>;
  readonly rootPointer: string;
  /** Where the root's `$ref`s lead. */
  readonly refs: RefIndex;
  /** `$ref` targets being emitted on the current path: a reference back to one becomes `z.lazy` of its binding. */
  readonly bindings: Map<SchemaObject, Binding>;
}

interface Binding {
  readonly name: string;
  used: boolean;
}

function createState(pointer: string, options: ChildOptions, session: Session): EmitState {
  const inComposite = options.inComposite === true;
  const defaultsRefusedBy = options.defaultsRefusedBy;
  return {
    pointer,
    inComposite,
    defaultsRefusedBy,
    assumedType: options.assumedType,
    reader: session.ctx.reader === true,
    child(schema, path, options) {
      const childPointer = joinPointer(pointer, path);
      if (isSchemaObject(schema) && session.stack.has(schema)) {
        unsupportedAt(childPointer, 'recursive schema', 'a schema that contains itself cannot be emitted');
      }
      const name = session.ctx.refName(schema);
      if (name !== undefined) return name;
      const childState = createState(
        childPointer,
        {
          inComposite: options?.inComposite ?? inComposite,
          assumedType: options?.assumedType,
          defaultsRefusedBy: options?.defaultsRefusedBy ?? defaultsRefusedBy,
        },
        session,
      );
      return emitNode(schema, childState, session);
    },
    isNamed(schema) {
      return session.ctx.refName(schema) !== undefined;
    },
    helper(name) {
      session.helpers.add(name);
      return name;
    },
    unsupported(construct, hint, path = []) {
      return unsupportedAt(joinPointer(pointer, path), construct, hint);
    },
    typeNote(text) {
      const where = pointer === '' ? '/' : pointer;
      const line = `${where}: ${text}`;
      if (session.ctx.typeNotes !== undefined && !session.ctx.typeNotes.includes(line)) session.ctx.typeNotes.push(line);
    },
  };
}

/** Boolean schemas (core §4.3.2), then the keyword groups of a schema object, joined as a conjunction. */
function emitNode(schema: JsonSchema, state: EmitState, session: Session): string {
  if (schema === true) return 'z.unknown()';
  if (schema === false) return 'z.never()';
  if (!isSchemaObject(schema)) return state.unsupported('schema', 'a schema must be an object or a boolean');
  if (typeof schema.$ref === 'string') return emitRef(schema, schema.$ref, state, session);
  if (session.refs.isTarget(schema)) return emitTarget(schema, state, session);
  return emitObjectNode(schema, state, session);
}

/**
 * draft-07 core §8.3 `$ref`: the target is emitted in place; siblings of `$ref` are ignored, as draft 7 says. The
 * target's diagnostics point where it is written.
 */
function emitRef(schema: SchemaObject, ref: string, state: EmitState, session: Session): string {
  const found = session.refs.resolve(ref, session.refs.baseOf(schema));
  if ('error' in found) return state.unsupported('$ref', found.error, ['$ref']);
  const open = isSchemaObject(found.target) ? session.bindings.get(found.target) : undefined;
  if (open !== undefined) {
    state.typeNote('a recursive reference, typed unknown (TypeScript cannot infer a recursive type from an expression)');
    open.used = true;
    return `z.lazy(() => ${open.name})`;
  }
  const pointer = found.pointer === undefined ? joinPointer(state.pointer, ['$ref']) : session.rootPointer + found.pointer;
  const options = { inComposite: state.inComposite, defaultsRefusedBy: state.defaultsRefusedBy };
  return emitNode(found.target, createState(pointer, options, session), session);
}

/**
 * A `$ref` target. A reference back to it while it is being emitted (a recursive schema, see emitRef) becomes
 * `z.lazy` of a local binding, and the target is then wrapped in a function that declares it. The binding is typed
 * `z.ZodType`, so the recursive part infers as `unknown`: TypeScript cannot infer a recursive type from an expression.
 */
function emitTarget(schema: SchemaObject, state: EmitState, session: Session): string {
  const binding: Binding = { name: `ref${session.bindings.size}`, used: false };
  session.bindings.set(schema, binding);
  try {
    const expr = emitObjectNode(schema, state, session);
    if (!binding.used) return expr;
    return `((): z.ZodType => {\n  const ${binding.name}: z.ZodType = ${expr};\n  return ${binding.name};\n})()`;
  } finally {
    session.bindings.delete(schema);
  }
}

/** A schema object that is not a reference: refused keywords first, then its keywords, guarded against cycles. */
function emitObjectNode(schema: SchemaObject, state: EmitState, session: Session): string {
  for (const [keyword, construct, hint] of UNSUPPORTED_KEYWORDS) {
    if (keyword in schema) state.unsupported(construct, hint, [keyword]);
  }
  session.stack.add(schema);
  try {
    return emitKeywords(schema, state);
  } finally {
    session.stack.delete(schema);
  }
}

/**
 * A schema object is the conjunction of its keywords: the type constraint, enum/const, and the applicators. A
 * constraint that is only `type` is dropped when enum/const or an applicator already implies it, which keeps the
 * expression short and the inferred type narrow (e.g. a `z.discriminatedUnion` rather than an intersection).
 */
function emitKeywords(schema: SchemaObject, state: EmitState): string {
  const typePart = emitTypePart(schema, state);
  const typeOnly = typePart?.typeOnly === true;
  const singleType = typePart?.types?.length === 1 ? typePart.types[0] : undefined;
  const enumExpr = emitEnum(schema, typeOnly ? typePart.types : undefined, state);
  const applicators = emitApplicators(schema, singleType, state);
  const typeImplied = typeOnly && (enumExpr !== undefined || applicators.enforcesType);
  const conjuncts = [
    ...(typePart !== undefined && !typeImplied ? [typePart.expr] : []),
    ...(enumExpr === undefined ? [] : [enumExpr]),
    ...applicators.conjuncts,
  ];
  let expr =
    (conjuncts[0] ?? 'z.unknown()') +
    conjuncts
      .slice(1)
      .map((conjunct) => `.and(${conjunct})`)
      .join('');
  expr += applicators.not + emitConditional(schema, singleType, state);
  // Descriptions become metadata (z.globalRegistry); parsing never reads them.
  if (typeof schema.description === 'string') expr += `.describe(${quote(schema.description)})`;
  return expr;
}
