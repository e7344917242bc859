/**
 * Finds where a configuration path sits in the YAML source, so every problem can name its line and column.
 * When the path does not exist (a missing key, a default), it points at the closest enclosing key that does.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigPath } from './paths.js';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Whether a problem is about a key itself (an unknown key) or about its value. */
export type Target = 'key' | 'value';

/** Line and column of `path` in `doc`; `target: 'key'` points at the key rather than its value. */
export function locate(doc: Document, lineCounter: LineCounter, path: ConfigPath, target: Target): Position {
  let node: unknown = doc.contents;
  // The key node that led to `node` (undefined at the root or inside a list).
  let keyNode: Node | undefined;
  for (const segment of path) {
    const next = child(doc, node, segment);
    if (next === undefined) {
      // The path ends here in the file: point at the deepest key that exists.
      return position(lineCounter, keyNode ?? asNode(node));
    }
    node = next.value;
    keyNode = next.key;
  }
  return position(lineCounter, target === 'key' ? (keyNode ?? asNode(node)) : (asNode(node) ?? keyNode));
}

function child(doc: Document, node: unknown, segment: string | number): { key: Node | undefined; value: unknown } | undefined {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(resolved)) {
    const pair = resolved.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
    if (pair === undefined) return undefined;
    return { key: asNode(pair.key), value: pair.value };
  }
  if (isSeq(resolved) && typeof segment === 'number') {
    const item: unknown = resolved.items[segment];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

function asNode(value: unknown): Node | undefined {
  return value !== null && typeof value === 'object' && 'range' in value ? (value as Node) : undefined;
}

function position(lineCounter: LineCounter, node: Node | undefined): Position {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
