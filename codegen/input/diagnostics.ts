/**
 * How codegen reports problems: a {@link Diagnostic} is one problem at a file, line and column; a
 * {@link CodegenError} carries all of them, and {@link formatDiagnostic} prints one as `file:line:col: message`.
 */
import path from 'node:path';
import type { SourceRef, SourceSet } from './sources.js';

/** One problem, located in a file. Lines and columns are 1-based. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  /** The contract rule that found it (codegen/rules/), for a rule's finding; printed after the message. */
  rule?: string;
  /**
   * The parts of the contract the problem is about (a channel, an operation, a message). A warning is left out when
   * an error lies inside one of them: the error is the cause, and the warning only follows from it (a channel whose
   * one message `$ref` is broken "declares no messages").
   */
  scope?: readonly SourceRef[];
}

/** Thrown when the contract cannot be turned into code; carries every problem found. */
export class CodegenError extends Error {
  readonly diagnostics: Diagnostic[];
  /**
   * Absolute paths of every source file the failed run read (the spec, the files it reaches by `$ref`, the config
   * schema), so `--watch` can watch the files a fix will touch; empty when the run stopped before reading them.
   */
  readonly sourceFiles: string[];
  constructor(diagnostics: Diagnostic[], sourceFiles: readonly string[] = []) {
    super(
      `codegen stopped: ${String(diagnostics.filter((d) => d.severity === 'error').length)} problem(s)\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
    this.name = 'CodegenError';
    this.diagnostics = diagnostics;
    this.sourceFiles = [...new Set([...sourceFiles, ...diagnostics.map((d) => d.file)])];
  }
}

/** Whether any of `list` is an error. */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** `file:line:col: message`, the file relative to `cwd` when it lies inside it. Warnings say so. */
export function formatDiagnostic(d: Diagnostic, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, d.file);
  const file = relative.startsWith('..') || path.isAbsolute(relative) ? d.file : relative;
  return `${file}:${String(d.line)}:${String(d.column)}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}${d.rule === undefined ? '' : ` [${d.rule}]`}`;
}

/** Removes repeats (same file, position and message), keeping the first, then sorts by file and position. */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const d of list) {
    const key = `${d.file}\u0000${String(d.line)}\u0000${String(d.column)}\u0000${d.message}`;
    if (!seen.has(key)) seen.set(key, d);
  }
  return [...seen.values()].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
}

/** A diagnostic at a source location. */
export function diagnosticAt(sources: SourceSet, at: SourceRef, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, file: at.file, ...sources.position(at), message };
}

/**
 * `list` without the warnings that follow from an error: a warning whose {@link Diagnostic.scope} holds an error. One
 * root cause, one diagnostic.
 */
export function withoutWarningsAboutErrors(list: readonly Diagnostic[], sources: SourceSet): Diagnostic[] {
  const errors = list.filter((d) => d.severity === 'error');
  if (errors.length === 0) return [...list];
  return list.filter((d) => d.severity === 'error' || !(d.scope?.some((scope) => errors.some((e) => sources.contains(scope, e.file, e))) ?? false));
}
