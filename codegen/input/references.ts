/**
 * Codegen's own check of `$ref`s: every reference reachable from the spec must resolve. The parser reports a broken
 * reference inside a referenced file at each place that refers to it; this walk reports it once, where it is written.
 */
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { childPointer, refKey, refOf, type SourceRef, type SourceSet } from './sources.js';

/** One diagnostic per `$ref` that does not resolve, anywhere in the documents reachable from `mainFile`. */
export function checkReferences(sources: SourceSet, mainFile: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const visited = new Set<string>();
  const walk = (at: SourceRef, value: unknown): void => {
    const key = refKey(at);
    if (visited.has(key)) return;
    visited.add(key);
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk({ file: at.file, pointer: childPointer(at.pointer, i) }, v);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const ref = refOf(value);
    if (ref !== undefined) {
      const followed = sources.follow(at);
      if (!followed.ok) diagnostics.push(diagnosticAt(sources, followed.at, followed.message));
      else walk(followed.at, followed.value);
      return;
    }
    for (const [k, v] of Object.entries(value)) walk({ file: at.file, pointer: childPointer(at.pointer, k) }, v);
  };
  const root = sources.valueAt({ file: mainFile, pointer: '' });
  if (root !== undefined) walk({ file: mainFile, pointer: '' }, root);
  return diagnostics;
}
