/**
 * Helpers shared by the emitters: JSDoc comments, string literals, property keys, and turning an emitter's
 * unsupported-construct error into a located diagnostic.
 */
import { diagnosticAt, type Diagnostic } from '../input/diagnostics.js';
import { isIdentifier } from '../model/naming.js';
import { joinPointer, pointerSegments } from '../input/json-pointer.js';
import type { SourceRef, SourceSet } from '../input/sources.js';
import { UnsupportedSchemaError } from '../zod/emit.js';

/** A JSDoc block for `text` (undefined or blank gives nothing). `*\/` inside the text cannot end the comment. */
export function docComment(text: string | undefined, indent = ''): string {
  if (text === undefined || text.trim() === '') return '';
  const lines = text.trim().replace(/\*\//g, '*\\/').split(/\r?\n/);
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === '' ? '' : ` ${l}`}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

/**
 * The module specifier generated code imports the runtime's contract face from (defineChannel, format helpers), unless
 * the caller names another (`--runtime`): the package's `./contract` export, so the output can live anywhere in a
 * project that depends on the package. This repository's own output passes `../src/contract/index.js` instead.
 */
export const DEFAULT_RUNTIME_MODULE = '@mlx-serving/distributed/contract';

/** A property key as written in an object literal. */
export function propertyKey(key: string): string {
  return isIdentifier(key) ? key : JSON.stringify(key);
}

/** A string literal. */
export function literal(value: string): string {
  return JSON.stringify(value);
}

/**
 * Where `pointer` (relative to the resolved `root`) is written: the origin of the deepest resolved object on the
 * way, plus the rest of the pointer.
 */
export function locateInResolved(root: object, pointer: string, originOf: (o: object) => SourceRef | undefined, fallback: SourceRef): SourceRef {
  let node: unknown = root;
  let best: SourceRef = originOf(root) ?? fallback;
  let rest: string[] = [];
  for (const segment of pointerSegments(pointer)) {
    const next: unknown = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
    if (next === undefined) {
      rest.push(segment);
      node = undefined;
      continue;
    }
    node = next;
    const origin = typeof next === 'object' && next !== null ? originOf(next) : undefined;
    if (origin !== undefined) {
      best = origin;
      rest = [];
    } else rest.push(segment);
  }
  return { file: best.file, pointer: joinPointer(best.pointer, rest) };
}

/** Runs `emit`; an unsupported construct becomes a diagnostic naming it, at the place it is written. */
export function emitOrDiagnose(
  emit: () => string,
  root: object,
  what: string,
  sources: SourceSet,
  originOf: (o: object) => SourceRef | undefined,
  fallback: SourceRef,
  diagnostics: Diagnostic[],
): string {
  try {
    return emit();
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    const at = locateInResolved(root, error.pointer.replace(/^#/, ''), originOf, fallback);
    const hint = / at [^:]*: (.*)$/s.exec(error.message)?.[1];
    diagnostics.push(diagnosticAt(sources, at, `${what}: unsupported schema construct "${error.construct}"${hint === undefined ? '' : ` (${hint})`}`));
    return 'z.never()';
  }
}
