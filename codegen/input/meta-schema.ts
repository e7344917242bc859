/**
 * Codegen's own check of payload schemas: every message payload and every `components.schemas` entry, and each of
 * their subschemas, must be a valid JSON Schema draft-07 document. The parser reports a problem inside a referenced
 * file at each place that refers to it (and in the wrong file); this check knows the file and line of every node,
 * so each problem is reported once, where it is written.
 */
import { Ajv } from 'ajv';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { childPointer, refKey, type SourceRef, type SourceSet } from './sources.js';
import { forEachSubschema } from './subschemas.js';

let metaValidator: Ajv | undefined;

/** One diagnostic per meta-schema problem in the payload schemas reachable from `mainFile`, each schema node checked once. */
export function checkSchemas(sources: SourceSet, mainFile: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const root = sources.valueAt({ file: mainFile, pointer: '' });
  if (root === undefined) return diagnostics;
  const checked = new Set<string>();
  const checkSchema = (start: SourceRef): void => {
    const followed = sources.follow(start);
    if (!followed.ok) return;
    const key = refKey(followed.at);
    if (checked.has(key)) return;
    checked.add(key);
    const problems = metaSchemaProblems(followed.value);
    for (const problem of problems) {
      diagnostics.push(diagnosticAt(sources, { file: followed.at.file, pointer: followed.at.pointer + problem.pointer }, problem.message));
    }
    forEachSubschema(followed.value, followed.at.pointer, (child) => {
      checkSchema({ file: followed.at.file, pointer: child });
    });
  };
  for (const r of schemaRoots(sources, mainFile, root as Record<string, unknown>)) checkSchema(r);
  return diagnostics;
}

/** The payload schemas of every channel's and component's messages, then the `components.schemas` entries. */
function schemaRoots(sources: SourceSet, mainFile: string, rootValue: Record<string, unknown>): SourceRef[] {
  const roots: SourceRef[] = [];
  const messagesOf = (container: unknown, base: string): void => {
    if (typeof container !== 'object' || container === null) return;
    for (const name of Object.keys(container)) {
      const message = sources.follow({ file: mainFile, pointer: childPointer(base, name) });
      if (!message.ok) continue;
      const payload = sources.follow({ file: message.at.file, pointer: childPointer(message.at.pointer, 'payload') });
      if (!payload.ok) continue;
      const p = payload.value as Record<string, unknown> | undefined;
      if (p !== undefined && typeof p.schemaFormat === 'string') {
        if (/^application\/(schema\+(json|yaml)|vnd\.aai\.asyncapi)/.test(p.schemaFormat) && typeof p.schema === 'object')
          roots.push({ file: payload.at.file, pointer: childPointer(payload.at.pointer, 'schema') });
      } else roots.push(payload.at);
    }
  };
  const channels = rootValue.channels;
  if (typeof channels === 'object' && channels !== null) {
    for (const id of Object.keys(channels))
      messagesOf(sources.valueAt({ file: mainFile, pointer: `/channels/${id}/messages` }), childPointer(childPointer('/channels', id), 'messages'));
  }
  const components = rootValue.components as Record<string, unknown> | undefined;
  if (components !== undefined && typeof components === 'object') {
    messagesOf(components.messages, '/components/messages');
    if (typeof components.schemas === 'object' && components.schemas !== null) {
      for (const name of Object.keys(components.schemas)) roots.push({ file: mainFile, pointer: childPointer('/components/schemas', name) });
    }
  }
  return roots;
}

/** Meta-schema problems of one schema node (not of its `$ref` targets), as pointer-relative messages. */
function metaSchemaProblems(schema: unknown): { pointer: string; message: string }[] {
  if (typeof schema !== 'object' || schema === null) {
    return typeof schema === 'boolean' ? [] : [{ pointer: '', message: `invalid schema: expected an object or a boolean, found ${JSON.stringify(schema)}` }];
  }
  metaValidator ??= new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // A `$schema` naming another draft would make ajv look for a meta-schema it does not have; check against draft-07.
  const rest = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'));
  if (metaValidator.validateSchema(rest) === true) return [];
  const byPath = new Map<string, { pointer: string; message: string }>();
  for (const error of metaValidator.errors ?? []) {
    if (['anyOf', 'oneOf', 'allOf', 'if'].includes(error.keyword) || byPath.has(error.instancePath)) continue;
    const property = error.instancePath.split('/').pop() ?? '';
    const allowed =
      error.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
    byPath.set(error.instancePath, { pointer: error.instancePath, message: `invalid schema: "${property}" ${error.message ?? 'is invalid'}${allowed}` });
  }
  return [...byPath.values()];
}
