/**
 * Codegen's check of the messages themselves, over the raw files (so each problem is reported where it is written):
 * every example (AsyncAPI 3 §Message Example Object) must be valid against its message's payload schema, and its
 * headers against the headers schema: an error, since the contract then contradicts itself. (Whether every message
 * says what it is and shows an example is the contract rule `message-docs`, codegen/rules/.) Examples are checked with ajv 8 + ajv-formats 3, the validator the generated Zod agrees with.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { childPointer, pointerSegments, refKey, type SourceRef, type SourceSet } from './sources.js';
import { forEachSubschema } from './subschemas.js';

/** A message of the contract: where it is written (after `$ref`s), its raw object and the name it is known by. */
export interface RawMessage {
  at: SourceRef;
  value: Record<string, unknown>;
  name: string;
}

/** Payload formats whose schema is a JSON Schema ajv can check: AsyncAPI schema objects and JSON Schema. */
const JSON_SCHEMA_FORMAT = /^application\/(?:vnd\.aai\.asyncapi(?:\+json|\+yaml)?;version=\d+\.\d+\.\d+|schema\+(?:json|yaml);version=draft-0[467])$/;

/** Every message in `channels.*.messages` and `components.messages`, each once (by where it is written), in document order. */
export function contractMessages(sources: SourceSet, mainFile: string): RawMessage[] {
  const found: RawMessage[] = [];
  const seen = new Set<string>();
  const collect = (base: string): void => {
    const container = sources.follow({ file: mainFile, pointer: base });
    if (!container.ok || typeof container.value !== 'object' || container.value === null) return;
    for (const key of Object.keys(container.value)) {
      const message = sources.follow({ file: container.at.file, pointer: childPointer(container.at.pointer, key) });
      if (!message.ok || typeof message.value !== 'object' || message.value === null || Array.isArray(message.value)) continue;
      if (seen.has(refKey(message.at))) continue;
      seen.add(refKey(message.at));
      const value = message.value as Record<string, unknown>;
      found.push({ at: message.at, value, name: typeof value.name === 'string' && value.name !== '' ? value.name : key });
    }
  };
  const channels = sources.valueAt({ file: mainFile, pointer: '/channels' });
  if (typeof channels === 'object' && channels !== null) {
    for (const id of Object.keys(channels)) collect(childPointer(childPointer('/channels', id), 'messages'));
  }
  collect('/components/messages');
  return found;
}

/**
 * One error per way an example breaks its schema, located at the offending value of the example (or at the
 * example, for a missing property). A schema ajv cannot compile is skipped: the meta-schema check reports it.
 */
export function checkMessageExamples(sources: SourceSet, messages: readonly RawMessage[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const validators = new Map<string, ValidateFunction | undefined>();
  const validatorFor = (schemaAt: SourceRef): ValidateFunction | undefined => {
    const key = refKey(schemaAt);
    if (!validators.has(key)) validators.set(key, compile(resolveSchema(sources, schemaAt, [])));
    return validators.get(key);
  };
  for (const message of messages) {
    const examples = message.value.examples;
    if (!Array.isArray(examples)) continue;
    const payloadAt = payloadSchemaAt(sources, message);
    const headersAt = schemaAtKey(sources, message.at, 'headers');
    examples.forEach((_, index) => {
      const example = sources.follow({ file: message.at.file, pointer: childPointer(childPointer(message.at.pointer, 'examples'), index) });
      if (!example.ok || typeof example.value !== 'object' || example.value === null) return;
      const exampleValue = example.value as Record<string, unknown>;
      const label = typeof exampleValue.name === 'string' ? `example "${exampleValue.name}"` : `example ${String(index + 1)}`;
      for (const [part, schemaAt] of [
        ['payload', payloadAt],
        ['headers', headersAt],
      ] as const) {
        if (schemaAt === undefined || !(part in exampleValue)) continue;
        const validate = validatorFor(schemaAt);
        if (validate === undefined || validate(exampleValue[part])) continue;
        const partAt = { file: example.at.file, pointer: childPointer(example.at.pointer, part) };
        for (const error of relevantErrors(validate.errors ?? [])) {
          const where = placeOf(error);
          diagnostics.push(
            diagnosticAt(
              sources,
              { file: partAt.file, pointer: partAt.pointer + where },
              `message "${message.name}", ${label}: ${part}${where} ${describe(error)}`,
            ),
          );
        }
      }
    });
  }
  return diagnostics;
}

/** Where the payload schema of a message is written, when it is a JSON Schema codegen reads. */
function payloadSchemaAt(sources: SourceSet, message: RawMessage): SourceRef | undefined {
  const payload = sources.follow({ file: message.at.file, pointer: childPointer(message.at.pointer, 'payload') });
  if (!payload.ok || typeof payload.value !== 'object' || payload.value === null) return undefined;
  const multi = payload.value as Record<string, unknown>;
  if (typeof multi.schemaFormat === 'string' && 'schema' in multi) {
    if (!JSON_SCHEMA_FORMAT.test(multi.schemaFormat)) return undefined;
    const schema = sources.follow({ file: payload.at.file, pointer: childPointer(payload.at.pointer, 'schema') });
    return schema.ok ? schema.at : undefined;
  }
  const format = message.value.schemaFormat;
  if (typeof format === 'string' && !JSON_SCHEMA_FORMAT.test(format)) return undefined;
  return payload.at;
}

function schemaAtKey(sources: SourceSet, at: SourceRef, key: string): SourceRef | undefined {
  const followed = sources.follow({ file: at.file, pointer: childPointer(at.pointer, key) });
  return followed.ok && typeof followed.value === 'object' && followed.value !== null ? followed.at : undefined;
}

/**
 * The schema at `at` with every `$ref` replaced by its target, for ajv. A broken or circular reference becomes `true`
 * (anything goes): the reference check and the model report those.
 */
function resolveSchema(sources: SourceSet, at: SourceRef, stack: string[]): unknown {
  const followed = sources.follow(at);
  if (!followed.ok) return true;
  const key = refKey(followed.at);
  if (stack.includes(key)) return true;
  const value = followed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '$ref' && k !== '$id' && k !== '$schema') out[k] = v;
  forEachSubschema(value, '', (child) => {
    const segments = pointerSegments(child);
    let node: Record<string, unknown> = out;
    // Copy the containers on the way, so the shared source value is never changed.
    for (const segment of segments.slice(0, -1)) {
      const copy: unknown = Array.isArray(node[segment]) ? [...(node[segment] as unknown[])] : { ...(node[segment] as object) };
      node[segment] = copy;
      node = copy as Record<string, unknown>;
    }
    const last = segments[segments.length - 1] ?? '';
    node[last] = resolveSchema(sources, { file: followed.at.file, pointer: followed.at.pointer + child }, [...stack, key]);
  });
  return out;
}

let ajv: Ajv | undefined;

/**
 * Validators by their schema's JSON, so a `--watch` rerun reuses them: ajv keeps every schema object it compiles, so
 * compiling each run's fresh copy would also grow without end. Bounded, and emptied when full.
 */
const compiled = new Map<string, ValidateFunction | undefined>();
const COMPILED_LIMIT = 512;

function compile(schema: unknown): ValidateFunction | undefined {
  const target = typeof schema === 'boolean' || (typeof schema === 'object' && schema !== null) ? schema : true;
  let key: string | undefined;
  try {
    key = JSON.stringify(target);
  } catch {
    // A cyclic schema is compiled each time.
  }
  if (key !== undefined && compiled.has(key)) return compiled.get(key);
  if (ajv === undefined) {
    // logger: false: an unknown format is an annotation here (as in the emitter), not a console warning.
    ajv = new Ajv({ allErrors: true, strict: false, logger: false });
    addFormatsModule.default(ajv);
  }
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.compile(target);
  } catch {
    validate = undefined;
  }
  if (key !== undefined) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * The errors worth showing: for a failed `oneOf`/`anyOf`, those of its closest branch (fewest errors) instead of
 * every branch's; for everything else, each error once.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  let kept = [...errors];
  for (const union of unions) {
    const prefix = `${union.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of kept) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue;
    const closest = [...branches.values()].sort((a, b) => a.length - b.length)[0] ?? [];
    kept = kept.filter((e) => e === union || !e.schemaPath.startsWith(prefix) || closest.includes(e));
    // The branch's own errors say more than "must match exactly one schema in oneOf".
    if (closest.length > 0) kept = kept.filter((e) => e !== union);
  }
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${placeOf(e)} ${describe(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The JSON pointer (within the example's payload or headers) of the value an error is about. */
function placeOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`;
  return error.instancePath;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not allowed (additionalProperties: false)';
  if (error.keyword === 'enum')
    return `${error.message ?? 'is invalid'}: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  return error.message ?? 'is invalid';
}
