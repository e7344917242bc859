/**
 * Compares two versions of a payload schema by direction. Readers on the old contract receive what new writers send;
 * new readers receive what writers on the old contract send. So a change that lets new writers send something old
 * readers refuse (widening: a new enum value, a lower minimum, a removed pattern, a field that becomes optional)
 * breaks readers; a change that makes new readers refuse what old writers send (narrowing: a removed enum value, a
 * higher minimum, a new pattern, a field that becomes required) breaks writers (./change.ts). Unknown properties
 * break nobody: readers strip them (docs/codegen.md, tolerant reader), so added optional fields and removed optional
 * fields are safe.
 */
import type { Change, Breaks } from './change.js';
import type { Json } from './load.js';

type Schema = Record<string, Json>;

const isObject = (value: Json | undefined): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Lower bounds: raising one narrows. Upper bounds: lowering one narrows. */
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
/** Keywords that only add constraints: adding one narrows, removing one widens, changing one does both. */
const CONSTRAINTS = ['pattern', 'format', 'multipleOf', 'const', 'uniqueItems', 'propertyNames'] as const;

/** Every change between `before` and `after` (schemas of one payload), located in the new contract by `where`. */
export function compareSchemas(before: Json, after: Json, location: string, where: (node: object) => string | undefined): Change[] {
  const changes: Change[] = [];
  walk(before, after, location, where, changes, new Set());
  return changes;
}

function walk(before: Json, after: Json, at: string, where: (node: object) => string | undefined, out: Change[], seen: Set<object>): void {
  const add = (kind: string, breaks: Breaks, detail: string, location = at): void => {
    out.push({ location, kind, breaks, detail, decidedBy: 'schemas' });
  };
  if (!isObject(before) || !isObject(after)) {
    if (JSON.stringify(before) !== JSON.stringify(after)) add('schema-replaced', 'both', `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    return;
  }
  if (seen.has(after)) return;
  seen.add(after);
  const here = where(after) ?? at;

  // type (validation §6.1.1): compare the sets; integer is part of number.
  const typesBefore = typeSet(before);
  const typesAfter = typeSet(after);
  if (typesBefore !== undefined || typesAfter !== undefined) {
    const b = typesBefore ?? ALL_TYPES;
    const a = typesAfter ?? ALL_TYPES;
    const added = [...a].filter((t) => !covers(b, t));
    const removed = [...b].filter((t) => !covers(a, t));
    if (added.length > 0 || removed.length > 0) {
      const breaks: Breaks = added.length > 0 && removed.length > 0 ? 'both' : added.length > 0 ? 'readers' : 'writers';
      add(
        added.length > 0 && removed.length === 0 ? 'type-widened' : removed.length > 0 && added.length === 0 ? 'type-narrowed' : 'type-changed',
        breaks,
        `type ${[...b].join('|')} → ${[...a].join('|')}`,
        `${here}/type`,
      );
    }
  }

  // enum (§6.1.2)
  if (Array.isArray(before.enum) || Array.isArray(after.enum)) {
    const b = Array.isArray(before.enum) ? before.enum.map((v) => JSON.stringify(v)) : undefined;
    const a = Array.isArray(after.enum) ? after.enum.map((v) => JSON.stringify(v)) : undefined;
    if (b === undefined) add('enum-added', 'writers', `now restricted to ${String(a?.join(', '))}`, `${here}/enum`);
    else if (a === undefined) add('enum-removed', 'readers', `no longer restricted to ${b.join(', ')}`, `${here}/enum`);
    else {
      const added = a.filter((v) => !b.includes(v));
      const removed = b.filter((v) => !a.includes(v));
      if (added.length > 0)
        add('enum-value-added', 'readers', `new value(s) ${added.join(', ')}: readers on the old contract do not know them`, `${here}/enum`);
      if (removed.length > 0)
        add('enum-value-removed', 'writers', `value(s) ${removed.join(', ')} removed: writers on the old contract still send them`, `${here}/enum`);
    }
  }

  // bounds (§6.2, §6.3, §6.4, §6.5)
  for (const keyword of [...LOWER, ...UPPER]) {
    const b = before[keyword];
    const a = after[keyword];
    if (b === a) continue;
    const lower = (LOWER as readonly string[]).includes(keyword);
    let breaks: Breaks;
    if (typeof b !== 'number') breaks = 'writers';
    else if (typeof a !== 'number') breaks = 'readers';
    else breaks = (lower ? a > b : a < b) ? 'writers' : 'readers';
    add(
      breaks === 'writers' ? 'bound-narrowed' : 'bound-widened',
      breaks,
      `${keyword} ${JSON.stringify(b ?? null)} → ${JSON.stringify(a ?? null)}`,
      `${here}/${keyword}`,
    );
  }
  for (const keyword of CONSTRAINTS) {
    const b = before[keyword];
    const a = after[keyword];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const breaks: Breaks = b === undefined ? 'writers' : a === undefined ? 'readers' : 'both';
    add(
      b === undefined ? `${keyword}-added` : a === undefined ? `${keyword}-removed` : `${keyword}-changed`,
      breaks,
      `${keyword} ${JSON.stringify(b ?? null)} → ${JSON.stringify(a ?? null)}`,
      `${here}/${keyword}`,
    );
  }

  // required and properties (§6.5.3, §6.5.4)
  const reqBefore = new Set(Array.isArray(before.required) ? before.required.filter((k): k is string => typeof k === 'string') : []);
  const reqAfter = new Set(Array.isArray(after.required) ? after.required.filter((k): k is string => typeof k === 'string') : []);
  const propsBefore = isObject(before.properties) ? before.properties : {};
  const propsAfter = isObject(after.properties) ? after.properties : {};
  for (const key of reqAfter) {
    if (reqBefore.has(key)) continue;
    const isNew = !(key in propsBefore);
    // Upgraded readers require what writers on the old contract omit: their messages are refused (writers first).
    add(
      isNew ? 'required-field-added' : 'field-became-required',
      'writers',
      `"${key}" is required now; writers on the old contract ${isNew ? 'never send it' : 'may omit it'}`,
      `${here}/required`,
    );
  }
  for (const key of reqBefore) {
    if (reqAfter.has(key)) continue;
    if (key in propsAfter) add('field-became-optional', 'readers', `"${key}" is optional now; readers on the old contract require it`, `${here}/required`);
    else add('required-field-removed', 'readers', `"${key}" is gone; readers on the old contract require it`, `${here}/properties/${key}`);
  }
  for (const key of Object.keys(propsAfter)) {
    if (!(key in propsBefore) && !reqAfter.has(key))
      add('optional-field-added', 'none', `"${key}" added (optional; older readers strip it)`, `${here}/properties/${key}`);
  }
  for (const key of Object.keys(propsBefore)) {
    if (!(key in propsAfter) && !reqBefore.has(key))
      add('optional-field-removed', 'none', `"${key}" removed (it was optional; newer readers strip it from older writers)`, `${here}/properties/${key}`);
  }
  for (const [key, value] of Object.entries(propsAfter)) {
    const old = propsBefore[key];
    if (old !== undefined) walk(old, value, `${here}/properties/${key}`, where, out, seen);
  }

  // additionalProperties: unknown keys are stripped by readers either way; a schema for them is compared.
  if (isObject(before.additionalProperties) && isObject(after.additionalProperties))
    walk(before.additionalProperties, after.additionalProperties, `${here}/additionalProperties`, where, out, seen);

  // items, and the applicators branch by branch
  if (before.items !== undefined && after.items !== undefined) walk(before.items, after.items, `${here}/items`, where, out, seen);
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const b = Array.isArray(before[keyword]) ? before[keyword] : [];
    const a = Array.isArray(after[keyword]) ? after[keyword] : [];
    if (b.length === 0 && a.length === 0) continue;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i += 1) walk(b[i] ?? null, a[i] ?? null, `${here}/${keyword}/${String(i)}`, where, out, seen);
    if (a.length !== b.length) {
      // More alternatives widen (oneOf/anyOf) and narrow (allOf), fewer the reverse.
      const more = a.length > b.length;
      const breaks: Breaks = keyword === 'allOf' ? (more ? 'writers' : 'readers') : more ? 'readers' : 'writers';
      add(
        `${keyword}-${more ? 'branch-added' : 'branch-removed'}`,
        breaks,
        `${keyword} has ${String(a.length)} branches, had ${String(b.length)}`,
        `${here}/${keyword}`,
      );
    }
  }
  if (before.not !== undefined || after.not !== undefined) {
    if (JSON.stringify(before.not) !== JSON.stringify(after.not)) add('not-changed', 'both', 'the `not` subschema changed', `${here}/not`);
  }
}

const ALL_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string']);

function typeSet(schema: Schema): Set<string> | undefined {
  const type = schema.type;
  if (type === undefined) return undefined;
  const list = Array.isArray(type) ? type : [type];
  const set = new Set(list.filter((t): t is string => typeof t === 'string'));
  if (schema.nullable === true) set.add('null');
  return set;
}

/** Whether the type set admits every value of type `t` (number admits integer). */
function covers(set: ReadonlySet<string>, t: string): boolean {
  return set.has(t) || (t === 'integer' && set.has('number'));
}
