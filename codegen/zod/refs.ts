/**
 * `$ref` inside one schema (draft-07 core §8): the emitter resolves references itself, so a schema emitted on its
 * own (`#/definitions/...`, `#`, `$id` base URIs and `#name` anchors) needs no contract model. Only schemas reached
 * through known keywords count as schemas (an `$id` inside `enum`, `const` or an unknown keyword is plain data), and
 * in draft 7 a `$ref` hides its siblings, `$id` included. References outside the schema (remote) are refused.
 */
import { isSchemaObject, type JsonSchema, type SchemaObject } from './json-schema.js';
import { escapeToken, unescapeToken } from '../input/json-pointer.js';

/** Base URI of a schema without `$id`: any absolute URI works; this one can never be fetched. */
const DEFAULT_BASE = 'https://schema.invalid/root.json';

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = ['additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
/** Keywords whose value is an array of schemas (`items` may also be one schema). */
const ARRAY_KEYWORDS = ['items', 'allOf', 'anyOf', 'oneOf'];
/** Keywords whose value maps names to schemas (`dependencies` may also map to arrays of names). */
const MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', 'dependencies'];

/** Where references of one root schema lead. */
export interface RefIndex {
  /** The schema `ref` (written in a schema whose base URI is `base`) points at, or a reason it cannot be found. */
  resolve(ref: string, base: string): { target: JsonSchema; pointer: string | undefined; base: string } | { error: string };
  /** The base URI in force at `schema` (the root's when unknown). */
  baseOf(schema: SchemaObject): string;
  /** Whether some `$ref` of the root resolves to `schema` (a candidate for a recursive binding). */
  isTarget(schema: SchemaObject): boolean;
}

/** Indexes every `$id` and anchor of `root`, then resolves each `$ref` once to learn the targets. */
export function indexRefs(root: JsonSchema): RefIndex {
  const resources = new Map<string, JsonSchema>();
  const anchors = new Map<string, SchemaObject>();
  const bases = new Map<SchemaObject, string>();
  const pointers = new Map<unknown, string>();
  const refs: [string, string][] = [];
  const rootBase = isSchemaObject(root) && typeof root.$id === 'string' && !('$ref' in root) ? safeUrl(root.$id, DEFAULT_BASE) : undefined;
  resources.set(withoutFragment(rootBase ?? DEFAULT_BASE), root);

  const walk = (node: unknown, base: string, pointer: string): void => {
    // a schema object met twice (shared, or a cycle through object identity) is indexed once
    if (!isSchemaObject(node) || pointers.has(node)) return;
    pointers.set(node, pointer);
    if (typeof node.$ref === 'string') {
      bases.set(node, base);
      refs.push([node.$ref, base]);
      return;
    }
    if (typeof node.$id === 'string') {
      const url = safeUrl(node.$id, base);
      if (url !== undefined && node.$id.startsWith('#')) anchors.set(url, node);
      else if (url !== undefined) {
        base = withoutFragment(url);
        resources.set(base, node);
      }
    }
    bases.set(node, base);
    for (const keyword of SCHEMA_KEYWORDS) walk(node[keyword], base, `${pointer}/${keyword}`);
    for (const keyword of ARRAY_KEYWORDS) {
      const value = node[keyword];
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(item, base, `${pointer}/${keyword}/${i}`);
        });
      } else if (keyword === 'items') walk(value, base, `${pointer}/items`);
    }
    for (const keyword of MAP_KEYWORDS) {
      const value = node[keyword];
      if (!isSchemaObject(value)) continue;
      for (const [key, item] of Object.entries(value)) walk(item, base, `${pointer}/${keyword}/${escapeToken(key)}`);
    }
  };
  walk(root, rootBase ?? DEFAULT_BASE, '');

  const resolve: RefIndex['resolve'] = (ref, base) => {
    const url = safeUrl(ref, base);
    if (url === undefined) return { error: `"${ref}" is not a URI reference` };
    const hash = url.indexOf('#');
    const fragment = hash < 0 ? '' : safeDecode(url.slice(hash + 1));
    const anchor = anchors.get(url);
    if (anchor !== undefined) return { target: anchor, pointer: pointers.get(anchor), base: bases.get(anchor) ?? base };
    const resource = resources.get(withoutFragment(url));
    if (resource === undefined) return { error: `"${ref}" is outside this schema (remote references are not supported)` };
    if (fragment !== undefined && fragment !== '' && !fragment.startsWith('/')) return { error: `no anchor "${ref}" in this schema` };
    let target: unknown = resource;
    let targetBase = isSchemaObject(resource) ? (bases.get(resource) ?? base) : base;
    for (const token of (fragment ?? '').split('/').slice(1)) {
      const key = unescapeToken(token);
      target = typeof target === 'object' && target !== null && Object.hasOwn(target, key) ? (target as Record<string, unknown>)[key] : undefined;
      if (isSchemaObject(target)) targetBase = bases.get(target) ?? targetBase;
    }
    if (typeof target !== 'boolean' && !isSchemaObject(target)) return { error: `"${ref}" does not point at a schema` };
    return { target, pointer: pointers.get(target), base: targetBase };
  };

  const targets = new Set<unknown>();
  for (const [ref, base] of refs) {
    const found = resolve(ref, base);
    if ('target' in found) targets.add(found.target);
  }
  return {
    resolve,
    baseOf: (schema) => bases.get(schema) ?? rootBase ?? DEFAULT_BASE,
    isTarget: (schema) => targets.has(schema),
  };
}

function safeUrl(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}
