/**
 * TEMPORARY stand-in for codegen/zod/emit.ts (owned by another helper) with the same signature, so the pipeline
 * can run before it lands. Deleted once the real emitter exists.
 */
export class UnsupportedSchemaError extends Error {
  readonly construct: string;
  readonly pointer: string;
  constructor(construct: string, pointer: string) {
    super(`unsupported schema construct "${construct}" at ${pointer || '(root)'}`);
    this.construct = construct;
    this.pointer = pointer;
  }
}

/** Context of one emission. */
export interface EmitContext {
  refName(schema: object): string | undefined;
  pointer?: string;
}

/** Import lines the emitted expressions need. */
export function zodImports(): string[] {
  return ["import { z } from 'zod';"];
}

/** A Zod 4 expression for `schema`. */
export function emitZod(schema: unknown, ctx: EmitContext): string {
  return emit(schema, ctx.pointer ?? '', ctx, true);
}

function emit(schema: unknown, pointer: string, ctx: EmitContext, root: boolean): string {
  if (schema === true) return 'z.unknown()';
  if (schema === false) return 'z.never()';
  if (typeof schema !== 'object' || schema === null) throw new UnsupportedSchemaError('non-object schema', pointer);
  if (!root) {
    const name = ctx.refName(schema);
    if (name !== undefined) return name;
  }
  const s = schema as Record<string, unknown>;
  if (s.not !== undefined) throw new UnsupportedSchemaError('not', `${pointer}/not`);
  if ('const' in s) return `z.literal(${JSON.stringify(s.const)})`;
  if (Array.isArray(s.enum)) return `z.enum(${JSON.stringify(s.enum.map(String))})`;
  for (const k of ['oneOf', 'anyOf'] as const) {
    const list = s[k];
    if (Array.isArray(list)) return `z.union([${list.map((x, i) => emit(x, `${pointer}/${k}/${String(i)}`, ctx, false)).join(', ')}])`;
  }
  if (Array.isArray(s.allOf)) return s.allOf.map((x, i) => emit(x, `${pointer}/allOf/${String(i)}`, ctx, false)).reduce((a, b) => `z.intersection(${a}, ${b})`);
  switch (s.type) {
    case 'string':
      return s.format === 'uuid' ? 'z.guid()' : 'z.string()';
    case 'integer':
      return 'z.number().int()';
    case 'number':
      return 'z.number()';
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'array':
      return `z.array(${emit(s.items ?? true, `${pointer}/items`, ctx, false)})`;
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      const fields = Object.entries(props).map(([k, v]) => `${JSON.stringify(k)}: ${emit(v, `${pointer}/properties/${k}`, ctx, false)}${required.has(k) ? '' : '.optional()'}`);
      if (s.type === undefined && s.properties === undefined) return 'z.unknown()';
      return `z.object({${fields.join(', ')}})`;
    }
    default:
      throw new UnsupportedSchemaError(`type ${JSON.stringify(s.type)}`, `${pointer}/type`);
  }
}
