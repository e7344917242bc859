/**
 * The raw source files of a contract (the spec and every file it reaches by `$ref`), kept with their YAML node
 * trees so that any JSON pointer can be turned into `line:col` in the file it really lives in. The parser resolves
 * `$ref`s and forgets where things came from; codegen needs both the origin (for diagnostics inside referenced
 * files) and the identity of each `$ref` target (so a shared schema is declared once).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { childPointer, pointerSegments } from './json-pointer.js';

/** A place in a source file: absolute file path plus a JSON pointer (`''` is the root). */
export interface SourceRef {
  file: string;
  pointer: string;
}

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** What a `$ref` or pointer walk found, or why it failed. */
export type FollowResult =
  { ok: true; at: SourceRef; value: unknown } | { ok: false; message: string; /** where the failing `$ref` (or missing key) is */ at: SourceRef };

interface LoadedFile {
  doc: Document | undefined;
  lines: LineCounter;
  value: unknown;
  /** Why the file cannot be read: its first syntax error (one line, without the YAML library's excerpt). */
  error?: string;
  /** Where that error is (1-based), when it is a syntax error (not a file that cannot be read at all). */
  syntaxAt?: Position;
}

/** The first line of a YAML library error, without its `at line L, column C:` (the position is reported apart). */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Most `$ref` hops followed in one walk; a longer chain is a cycle of pure references. */
const MAX_HOPS = 64;

// The pointer helpers of json-pointer.ts, re-exported for the modules that read sources through this one.
export { childPointer, pointerSegments } from './json-pointer.js';

/** A stable key for a source location. */
export function refKey(ref: SourceRef): string {
  return `${ref.file}#${ref.pointer}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `$ref` string of a reference object, or undefined. */
export function refOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.$ref === 'string' ? value.$ref : undefined;
}

/** Reads and caches source files; resolves pointers and `$ref`s across them. */
export class SourceSet {
  private readonly files = new Map<string, LoadedFile>();

  /** Every file read so far (absolute paths), in the order they were first read. */
  get paths(): string[] {
    return [...this.files.keys()];
  }

  /** The raw text of a file already read (or read now). */
  text(file: string): string {
    return readFileSync(file, 'utf8');
  }

  private load(file: string): LoadedFile {
    const cached = this.files.get(file);
    if (cached !== undefined) return cached;
    const lines = new LineCounter();
    let loaded: LoadedFile;
    try {
      const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: false });
      const first = doc.errors[0];
      const pos = first?.linePos?.[0];
      loaded =
        first === undefined
          ? { doc, lines, value: doc.toJS() as unknown }
          : {
              doc,
              lines,
              value: undefined,
              error: firstLine(first.message),
              syntaxAt: pos === undefined ? { line: 1, column: 1 } : { line: pos.line, column: pos.col },
            };
    } catch (error) {
      loaded = { doc: undefined, lines, value: undefined, error: firstLine((error as Error).message) };
    }
    this.files.set(file, loaded);
    return loaded;
  }

  /** The first syntax error of a file already read, with its position; undefined when it parsed (or was not read). */
  syntaxError(file: string): { message: string; at: Position } | undefined {
    const loaded = this.files.get(file);
    if (loaded?.error === undefined || loaded.syntaxAt === undefined) return undefined;
    return { message: loaded.error, at: loaded.syntaxAt };
  }

  /** The parsed value at `ref`, without following `$ref`s; undefined when absent or unreadable. */
  valueAt(ref: SourceRef): unknown {
    let value = this.load(ref.file).value;
    for (const segment of pointerSegments(ref.pointer)) {
      if (Array.isArray(value)) value = value[Number(segment)];
      else if (isRecord(value)) value = value[segment];
      else return undefined;
    }
    return value;
  }

  /** Line and column (1-based) of the node at `ref`, or of its nearest existing ancestor. */
  position(ref: SourceRef): Position {
    return this.span(ref).start;
  }

  /**
   * Where the node at `ref` (or its nearest existing ancestor) starts and ends, as 1-based lines and columns; the end
   * is where its value ends (for a map or a list, after its last entry).
   */
  span(ref: SourceRef): { start: Position; end: Position } {
    const loaded = this.load(ref.file);
    const { startOffset, endOffset } = this.locate(loaded, ref.pointer);
    const at = (offset: number): Position => {
      const pos = loaded.lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
    return { start: at(startOffset), end: at(endOffset) };
  }

  /** Whether `position` in `file` lies within the node at `ref` (both ends included). */
  contains(ref: SourceRef, file: string, position: Position): boolean {
    if (ref.file !== file) return false;
    const { start, end } = this.span(ref);
    const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.column <= b.column);
    return before(start, position) && before(position, end);
  }

  /** Offsets of the node at `pointer`, or of its nearest existing ancestor. */
  private locate(loaded: LoadedFile, pointer: string): { startOffset: number; endOffset: number } {
    let node: unknown = loaded.doc?.contents;
    const start = (n: unknown): number | undefined => (n as Node | null)?.range?.[0];
    const end = (n: unknown): number | undefined => (n as Node | null)?.range?.[1];
    let offset = start(node) ?? 0;
    let endOffset = end(node) ?? offset;
    for (const segment of pointerSegments(pointer)) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === segment);
        next = pair?.value ?? pair?.key;
      } else if (isSeq(node)) {
        next = node.items[Number(segment)];
      }
      if (next === undefined || start(next) === undefined) break;
      node = next;
      offset = start(next) ?? offset;
      endOffset = end(next) ?? offset;
    }
    return { startOffset: offset, endOffset };
  }

  /** Resolves a `$ref` string written in `from` to a source location (not yet checked to exist). */
  resolveRef(from: SourceRef, ref: string): SourceRef | { error: string } {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) return { error: `remote $ref "${ref}" is not supported: codegen reads local files only` };
    if (fragment !== '' && !fragment.startsWith('/')) return { error: `$ref "${ref}" uses an anchor; only JSON pointers ("#/...") are supported` };
    const file = filePart === '' ? from.file : path.resolve(path.dirname(from.file), decodeURI(filePart));
    return { file, pointer: fragment };
  }

  /**
   * Walks `pointer` from the root of `file`, following every `$ref` met on the way and at the end, so the
   * result is where the value really lives.
   */
  follow(start: SourceRef): FollowResult {
    let at: SourceRef = { file: start.file, pointer: '' };
    const segments = pointerSegments(start.pointer);
    let hops = 0;
    const hop = (): FollowResult | undefined => {
      for (;;) {
        const loaded = this.load(at.file);
        if (loaded.error !== undefined) return { ok: false, message: `cannot read ${path.basename(at.file)}: ${loaded.error}`, at };
        const value = this.valueAt(at);
        const ref = refOf(value);
        if (ref === undefined) return undefined;
        if (++hops > MAX_HOPS) return { ok: false, message: `circular $ref "${ref}"`, at: { file: at.file, pointer: childPointer(at.pointer, '$ref') } };
        const refAt = { file: at.file, pointer: childPointer(at.pointer, '$ref') };
        const target = this.resolveRef(at, ref);
        if ('error' in target) return { ok: false, message: target.error, at: refAt };
        const targetFile = this.load(target.file);
        if (targetFile.value === undefined && targetFile.error !== undefined) {
          const reason = targetFile.error.startsWith('ENOENT') ? 'file not found' : targetFile.error;
          return { ok: false, message: `cannot resolve $ref "${ref}": ${reason}`, at: refAt };
        }
        if (this.valueAt(target) === undefined) {
          return {
            ok: false,
            message: `cannot resolve $ref "${ref}": ${target.pointer || '(root)'} does not exist in ${path.basename(target.file)}`,
            at: refAt,
          };
        }
        at = target;
      }
    };
    const first = hop();
    if (first !== undefined) return first;
    for (const segment of segments) {
      const parent = this.valueAt(at);
      const next = { file: at.file, pointer: childPointer(at.pointer, segment) };
      if (!(isRecord(parent) || Array.isArray(parent)) || this.valueAt(next) === undefined) {
        return { ok: false, message: `${start.pointer} does not exist`, at: next };
      }
      at = next;
      const failed = hop();
      if (failed !== undefined) return failed;
    }
    return { ok: true, at, value: this.valueAt(at) };
  }
}
