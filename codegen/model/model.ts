/**
 * The contract model codegen emits from: channels with their parameters, messages and replies, the named schemas in
 * dependency order, and what each role may publish and subscribe to (permissions.ts). Built from the parser's
 * document (AsyncAPI 3 §Channels, §Operations, §Messages) plus codegen's own walk over the raw files for schema
 * identity and origin.
 *
 * Naming rule for schemas (docs/codegen.md):
 * 1. A message payload is declared as `<MessageName>Schema` (message `name`, else its id), with type `<MessageName>`.
 * 2. A schema reached through `$ref` is declared once and referenced by identifier. Its name is, in this order:
 *    the message name of rule 1, its `components.schemas` key, its `title`, the last pointer segment of the
 *    `$ref`, or the referenced file's base name.
 * 3. Every other schema is written inline where it is used.
 * Only schemas reachable from a channel message are emitted.
 */
import path from 'node:path';
import type { AsyncAPIDocumentInterface, MessageInterface } from '@asyncapi/parser';
import { CodegenError, diagnosticAt, hasErrors, type Diagnostic } from '../input/diagnostics.js';
import { forEachSubschema } from '../input/subschemas.js';
import { Namer, pascalCase } from './naming.js';
import { modelRoles, type RoleModel } from './permissions.js';
import { readLocation } from './location.js';
import { childPointer, pointerSegments, refKey, refOf, type SourceRef, type SourceSet } from '../input/sources.js';

/** A schema declared as a named export. */
export interface NamedSchema {
  /** Type name, e.g. `HardwareProfile`; the constant is `${name}Schema`. */
  name: string;
  /** The resolved schema (plain JSON Schema, `$ref`s replaced by shared objects, `x-parser-*` removed). */
  schema: object;
  /** Where it is written. */
  origin: SourceRef;
  /** Set when this name is another message's payload too: declared as an alias of that name. */
  aliasOf?: string;
}

/** A channel parameter. */
export interface ParameterModel {
  /** Name in the address, e.g. `workerId`. */
  name: string;
  /** Constant name, e.g. `WorkerInferenceWorkerIdParameterSchema`. */
  identifier: string;
  /** `{ type: 'string', ...constraints }` built from the Parameter Object. */
  schema: Record<string, unknown>;
  description: string | undefined;
  /** Where the payload carries the value too (`location: $message.payload#/requestId`): a JSON pointer, `/requestId`. */
  location: string | undefined;
  origin: SourceRef;
}

/** A message as a channel uses it: its name and the type name of its payload. */
export interface MessageModel {
  name: string;
  typeName: string;
}

/** A channel that gets functions (channels whose address is null are reply-only and get none). */
export interface ChannelModel {
  /** The channel id as the contract writes it (kept as the channel's `id`). */
  id: string;
  /** Its key in the generated `channels` object: the id in camelCase (`order-lifecycle` → `orderLifecycle`). */
  key: string;
  address: string;
  description: string | undefined;
  parameters: ParameterModel[];
  messages: MessageModel[];
  /** Reply messages declared by operations on this channel. */
  replies: MessageModel[];
}

/** Contract metadata kept for generated/contract.ts. */
export interface ContractInfo {
  asyncapi: string;
  id: string | undefined;
  title: string;
  version: string;
  servers: { id: string; host: string; protocol: string; description: string | undefined }[];
}

/** Everything the emitters need. */
export interface ContractModel {
  info: ContractInfo;
  /** Named schemas, each after the schemas it refers to. */
  schemas: NamedSchema[];
  /** The name of a shared object of `schemas`, for references from other schemas. */
  nameOf: (schema: object) => string | undefined;
  /** Source location of a resolved schema object (any node, not only named ones). */
  originOf: (schema: object) => SourceRef | undefined;
  channels: ChannelModel[];
  /** What each role (operation tag) may publish and subscribe to; empty when no operation has a tag. */
  roles: RoleModel[];
  /** Absolute paths of the spec and every file read through it. */
  sourceFiles: string[];
  warnings: Diagnostic[];
}

/** Payload formats codegen reads: AsyncAPI schema objects and JSON Schema draft-07 (and earlier). */
const SUPPORTED_SCHEMA_FORMAT = /^application\/(?:vnd\.aai\.asyncapi(?:\+json|\+yaml)?;version=3\.\d+\.\d+|schema\+(?:json|yaml);version=draft-0[467])$/;

/** Keys that only the parser or the JSON Schema document header use. */
function isDroppedKey(key: string): boolean {
  return key.startsWith('x-parser-') || key === '$schema' || key === '$id' || key === '$ref';
}

/**
 * Resolves schemas from the raw files: every `$ref` target becomes one shared object (declared once, under a name
 * per the naming rule), cycles are reported, and declarations come out in dependency order.
 */
export class SchemaResolver {
  readonly diagnostics: Diagnostic[] = [];
  /** canonical location -> type name */
  readonly names = new Map<string, string>();
  private readonly resolved = new Map<string, object>();
  private readonly origins = new WeakMap<object, SourceRef>();
  private readonly objectNames = new Map<object, string>();
  private readonly inProgress: string[] = [];
  private readonly componentNames = new Map<string, string>();
  private readonly declared = new Set<string>();
  /** Declarations so far, each after the schemas it uses. */
  readonly schemas: NamedSchema[] = [];

  constructor(
    private readonly sources: SourceSet,
    private readonly mainFile: string,
    private readonly namer: Namer,
  ) {
    // Names from components.schemas, by the location they resolve to.
    const componentSchemas = sources.valueAt({ file: mainFile, pointer: '/components/schemas' });
    if (typeof componentSchemas === 'object' && componentSchemas !== null) {
      for (const key of Object.keys(componentSchemas)) {
        const followed = sources.follow({ file: mainFile, pointer: childPointer('/components/schemas', key) });
        if (followed.ok && !this.componentNames.has(refKey(followed.at))) this.componentNames.set(refKey(followed.at), key);
      }
    }
  }

  /** The type name of a shared resolved object. */
  nameOf(schema: object): string | undefined {
    return this.objectNames.get(schema);
  }

  /** Where a resolved object is written. */
  originOf(schema: object): SourceRef | undefined {
    return this.origins.get(schema);
  }

  /** Resolves the schema at `at` and declares it (after its dependencies) under `name`. */
  declareRoot(at: SourceRef | undefined, name: string): void {
    if (at !== undefined && !this.names.has(refKey(at))) this.names.set(refKey(at), name);
    const schema = at === undefined ? {} : this.resolveAt(at, undefined);
    if (typeof schema === 'object') this.objectNames.set(schema, this.objectNames.get(schema) ?? name);
    this.declare(schema, name, at);
  }

  /** Declares `name` as another name for the already declared `target`. */
  declareAlias(name: string, target: string, at: SourceRef | undefined): void {
    this.schemas.push({ name, schema: {}, origin: at ?? { file: this.mainFile, pointer: '' }, aliasOf: target });
  }

  private declare(schema: object | boolean, name: string, at: SourceRef | undefined): void {
    if (this.declared.has(name)) return;
    this.declared.add(name);
    if (typeof schema === 'object') {
      for (const dep of namedDependencies(schema, this.objectNames)) this.declare(dep, this.objectNames.get(dep) ?? '', this.origins.get(dep));
    }
    this.schemas.push({ name, schema: typeof schema === 'object' ? schema : {}, origin: at ?? { file: this.mainFile, pointer: '' } });
  }

  private resolveAt(at: SourceRef, viaRef: SourceRef | undefined): object | boolean {
    const { sources } = this;
    const value = sources.valueAt(at);
    if (typeof value === 'boolean') return value;
    const key = refKey(at);
    const done = this.resolved.get(key);
    if (done !== undefined) return done;
    if (this.inProgress.includes(key)) {
      const cycle = [...this.inProgress.slice(this.inProgress.indexOf(key)), key].map((k) => describeLocation(k, this.mainFile)).join(' -> ');
      this.diagnostics.push(diagnosticAt(sources, viaRef ?? at, `circular $ref is not supported (recursive schema: ${cycle})`));
      return true;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.diagnostics.push(diagnosticAt(sources, at, `expected a schema object, found ${value === undefined ? 'nothing' : JSON.stringify(value)}`));
      return true;
    }
    if (viaRef !== undefined && !this.names.has(key)) this.names.set(key, this.namer.take(this.refName(at, value as Record<string, unknown>), ['', 'Schema']));
    this.inProgress.push(key);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isDroppedKey(k)) out[k] = structuredClone(v);
    this.origins.set(out, at);
    forEachSubschema(value, '', (child) => {
      const childAt = { file: at.file, pointer: at.pointer + child };
      const ref = refOf(sources.valueAt(childAt));
      let sub: object | boolean;
      if (ref === undefined) sub = this.resolveAt(childAt, undefined);
      else {
        const followed = sources.follow(childAt);
        // Broken references were reported by the loader; keep going with a permissive schema.
        sub = followed.ok ? this.resolveAt(followed.at, { file: childAt.file, pointer: childPointer(childAt.pointer, '$ref') }) : true;
      }
      setAt(out, pointerSegments(child), sub);
    });
    this.inProgress.pop();
    this.resolved.set(key, out);
    const name = this.names.get(key);
    if (name !== undefined) this.objectNames.set(out, name);
    return out;
  }

  private refName(at: SourceRef, value: Record<string, unknown>): string {
    const component = this.componentNames.get(refKey(at));
    if (component !== undefined) return component;
    if (typeof value.title === 'string' && value.title.trim() !== '') return value.title;
    const last = pointerSegments(at.pointer).pop();
    if (last !== undefined && !/^\d+$/.test(last)) return last;
    return path.basename(at.file).replace(/\.(json|ya?ml)$/i, '');
  }
}

/** Builds the model. Throws {@link CodegenError} with every problem found. */
export function buildModel(document: AsyncAPIDocumentInterface, sources: SourceSet, mainFile: string): ContractModel {
  const { model, diagnostics } = modelContract(document, sources, mainFile);
  if (hasErrors(diagnostics)) throw new CodegenError(diagnostics, sources.paths);
  return model;
}

/**
 * Builds the model and reports every problem met (errors and warnings) instead of throwing: a channel or message
 * with an error is left out, so the rest can still be emitted and checked. The model is only fit to write out when
 * no diagnostic is an error.
 */
export function modelContract(document: AsyncAPIDocumentInterface, sources: SourceSet, mainFile: string): { model: ContractModel; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const namer = new Namer(['z', 'channels', 'contract', 'defineChannel']);
  const resolver = new SchemaResolver(sources, mainFile, namer);

  // --- Messages ----------------------------------------------------------------------------------------------
  const messageTypes = new Map<string, MessageModel>(); // message location -> model
  const messageObjects = new WeakMap<object, MessageModel>(); // the parser shares one resolved object per message
  const payloadOwners = new Map<string, string>(); // payload location -> first type name
  const roots: { name: string; at: SourceRef | undefined; aliasOf?: string }[] = [];
  const messageModel = (message: MessageInterface): MessageModel | undefined => {
    const known = messageObjects.get(message.json());
    if (known !== undefined) return known;
    const located = sources.follow({ file: mainFile, pointer: message.meta().pointer });
    if (!located.ok) {
      diagnostics.push(
        diagnosticAt(
          sources,
          { file: mainFile, pointer: message.meta().pointer },
          `message "${message.id()}": cannot locate it in the document (${located.message})`,
        ),
      );
      return undefined;
    }
    const messageAt = located.at;
    const existing = messageTypes.get(refKey(messageAt));
    if (existing !== undefined) {
      messageObjects.set(message.json(), existing);
      return existing;
    }
    const name = message.name() ?? message.id();
    const format = message.schemaFormat() ?? `application/vnd.aai.asyncapi;version=${document.version()}`;
    if (message.hasPayload() && !SUPPORTED_SCHEMA_FORMAT.test(format)) {
      diagnostics.push(
        diagnosticAt(
          sources,
          { file: messageAt.file, pointer: childPointer(messageAt.pointer, 'payload') },
          `message "${name}": payload schemaFormat "${format}" is not supported (codegen reads AsyncAPI and JSON Schema draft-07 schemas)`,
        ),
      );
      return undefined;
    }
    let payloadAt: SourceRef | undefined;
    if (message.hasPayload()) {
      const payload = sources.follow({ file: messageAt.file, pointer: childPointer(messageAt.pointer, 'payload') });
      if (payload.ok) {
        const multi = payload.value as Record<string, unknown>;
        payloadAt = typeof multi.schemaFormat === 'string' && 'schema' in multi ? followOrSelf(sources, childPointerRef(payload.at, 'schema')) : payload.at;
      }
    }
    const typeName = namer.take(name, ['', 'Schema']);
    const model = { name, typeName };
    messageTypes.set(refKey(messageAt), model);
    messageObjects.set(message.json(), model);
    if (payloadAt === undefined) {
      roots.push({ name: typeName, at: undefined });
      return model;
    }
    const owner = payloadOwners.get(refKey(payloadAt));
    if (owner !== undefined) roots.push({ name: typeName, at: payloadAt, aliasOf: owner });
    else {
      payloadOwners.set(refKey(payloadAt), typeName);
      resolver.names.set(refKey(payloadAt), typeName);
      roots.push({ name: typeName, at: payloadAt });
    }
    return model;
  };

  // --- Channels ----------------------------------------------------------------------------------------------
  const channels: ChannelModel[] = [];
  const channelMessages = new Map<string, MessageModel[]>();
  for (const channel of document.channels()) {
    const models = channel
      .messages()
      .all()
      .map(messageModel)
      .filter((m): m is MessageModel => m !== undefined);
    channelMessages.set(channel.id(), models);
  }
  const replies = new Map<string, MessageModel[]>();
  const replyChannels = new Set<string>(); // channels an operation's reply names: their address may be null
  for (const operation of document.operations()) {
    const reply = operation.reply();
    if (reply === undefined) continue;
    const replyChannel = reply.channel();
    if (replyChannel !== undefined) replyChannels.add(replyChannel.id());
    let replyMessages = reply.messages().all();
    if (replyMessages.length === 0) replyMessages = reply.channel()?.messages().all() ?? [];
    const models = replyMessages.map(messageModel).filter((m): m is MessageModel => m !== undefined);
    for (const channel of operation.channels()) {
      const list = replies.get(channel.id()) ?? [];
      for (const m of models) if (!list.includes(m)) list.push(m);
      replies.set(channel.id(), list);
    }
  }
  const keys = new Map<string, string>(); // key in `channels` -> channel id
  for (const channel of document.channels()) {
    const address = channel.address();
    const channelAt = { file: mainFile, pointer: childPointer('/channels', channel.id()) };
    if (address === null || address === undefined) {
      // A reply channel's address is the requester's inbox, known only at run time: its messages type request/reply.
      if (!replyChannels.has(channel.id())) {
        warnings.push({
          ...diagnosticAt(
            sources,
            channelAt,
            `channel "${channel.id()}" has no address; it gets no typed functions (give it an address, or name it as the channel of an operation's reply)`,
            'warning',
          ),
          scope: [channelAt],
        });
      }
      continue;
    }
    const key = channelKey(channel.id());
    const taken = keys.get(key);
    if (taken !== undefined) {
      diagnostics.push(
        diagnosticAt(
          sources,
          channelAt,
          `channel "${channel.id()}": its key in the generated channels, "${key}", is already the key of channel "${taken}"; rename one of the two channels`,
        ),
      );
      continue;
    }
    keys.set(key, channel.id());
    const messages = channelMessages.get(channel.id()) ?? [];
    if (messages.length === 0) {
      // A message `$ref` that does not resolve leaves the channel without messages: the error says so already.
      warnings.push({
        ...diagnosticAt(sources, channelAt, `channel "${channel.id()}" declares no messages; no functions are generated for it`, 'warning'),
        scope: [channelAt],
      });
      continue;
    }
    const problem = subjectProblem(address);
    if (problem !== undefined) {
      diagnostics.push(
        diagnosticAt(
          sources,
          childPointerRef(channelAt, 'address'),
          `channel "${channel.id()}": address "${address}" cannot be a NATS subject: ${problem} (unsupported construct: non-NATS address)`,
        ),
      );
      continue;
    }
    const used = addressParameters(address);
    // With a `parameters` map that misses one, the parser reports it; without any map, nobody would.
    if (used.length > 0 && channel.json<Record<string, unknown>>().parameters === undefined) {
      const list = used.map((name) => `{${name}}`).join(', ');
      diagnostics.push(
        diagnosticAt(
          sources,
          childPointerRef(channelAt, 'address'),
          `channel "${channel.id()}": address parameter${used.length === 1 ? '' : 's'} ${list} ${used.length === 1 ? 'is' : 'are'} not declared: add a "parameters" map with ${used.length === 1 ? 'it' : 'each'} (and an enum, x-format or x-pattern saying which values ${used.length === 1 ? 'it takes' : 'they take'})`,
        ),
      );
    }
    const parameters: ParameterModel[] = [];
    const payloads = channel
      .messages()
      .all()
      .map((m) => (m.hasPayload() ? m.payload()?.json() : undefined) ?? true);
    for (const name of used) {
      const parameter = channel.parameters().get(name);
      const paramAt = followOrSelf(sources, { file: mainFile, pointer: childPointer(childPointer(channelAt.pointer, 'parameters'), name) });
      const json: Record<string, unknown> = parameter?.json() ?? {};
      const schema: Record<string, unknown> = { type: 'string' };
      if (Array.isArray(json.enum)) schema.enum = json.enum;
      if (typeof json['x-format'] === 'string') schema.format = json['x-format'];
      if (typeof json['x-pattern'] === 'string') schema.pattern = json['x-pattern'];
      const location = readLocation(sources, paramAt, name, channel.id(), json, payloads);
      for (const d of location.diagnostics) (d.severity === 'error' ? diagnostics : warnings).push(d);
      parameters.push({
        name,
        identifier: `${namer.take(pascalCase(channel.id()) + pascalCase(name), ['ParameterSchema'])}ParameterSchema`,
        schema,
        description: typeof json.description === 'string' ? json.description : undefined,
        location: location.pointer,
        origin: paramAt,
      });
    }
    channels.push({ id: channel.id(), key, address, description: channel.description(), parameters, messages, replies: replies.get(channel.id()) ?? [] });
  }

  // --- Resolve payloads and order declarations ---------------------------------------------------------------
  for (const root of roots) if (root.aliasOf === undefined) resolver.declareRoot(root.at, root.name);
  for (const root of roots) if (root.aliasOf !== undefined) resolver.declareAlias(root.name, root.aliasOf, root.at);
  diagnostics.push(...resolver.diagnostics);
  const roles = modelRoles(document, sources, mainFile);
  diagnostics.push(...roles.diagnostics);

  const servers = document
    .servers()
    .all()
    .map((s) => ({ id: s.id(), host: s.host(), protocol: s.protocol(), description: s.description() }));
  const model: ContractModel = {
    info: { asyncapi: document.version(), id: document.info().id(), title: document.info().title(), version: document.info().version(), servers },
    schemas: resolver.schemas,
    nameOf: (schema) => resolver.nameOf(schema),
    originOf: (schema) => resolver.originOf(schema),
    channels,
    roles: roles.roles,
    sourceFiles: sources.paths,
    warnings,
  };
  return { model, diagnostics: [...diagnostics, ...warnings] };
}

/**
 * The key of a channel in the generated `channels` object: its id in camelCase, words split at anything that is not
 * a letter or digit (`order-lifecycle` → `orderLifecycle`, `workerInference` stays).
 */
export function channelKey(id: string): string {
  const words = id.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const key = words
    .map((w, i) => (i === 0 ? (w[0] ?? '').toLowerCase() : (w[0] ?? '').toUpperCase()) + w.slice(1))
    .join('')
    .replace(/[^A-Za-z0-9_$]/g, '');
  if (key === '') return 'unnamed';
  return /^[0-9]/.test(key) ? `n${key}` : key;
}

/** Named schemas directly used by `schema` (not looking inside them), in first-use order. */
function namedDependencies(schema: object, objectNames: Map<object, string>): object[] {
  const found: object[] = [];
  const visit = (node: unknown, top: boolean): void => {
    if (typeof node !== 'object' || node === null) return;
    if (!top && objectNames.has(node)) {
      if (!found.includes(node)) found.push(node);
      return;
    }
    forEachSubschema(node, '', (child) => {
      visit(getAt(node, pointerSegments(child)), false);
    });
  };
  visit(schema, true);
  return found;
}

/** Why `address` cannot be a NATS subject template, or undefined when it can. */
export function subjectProblem(address: string): string | undefined {
  if (address === '') return 'it is empty';
  for (const token of address.split('.')) {
    if (/^\{[^{}]+\}$/.test(token)) continue;
    if (token === '') return 'it has an empty token (a leading, trailing or doubled ".")';
    if (/[{}]/.test(token)) return `${/\{[^{}]*\}/.exec(token)?.[0] ?? token} must be a whole "."-separated token, and "${token}" is not`;
    if (/[*>\s\p{Cc}]/u.test(token)) return `token "${token}" contains a wildcard, white space or a control character`;
  }
  return undefined;
}

/** Parameter names of an address, in order. */
export function addressParameters(address: string): string[] {
  return [...address.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
}

function childPointerRef(at: SourceRef, segment: string): SourceRef {
  return { file: at.file, pointer: childPointer(at.pointer, segment) };
}

function followOrSelf(sources: SourceSet, at: SourceRef): SourceRef {
  const followed = sources.follow(at);
  return followed.ok ? followed.at : at;
}

function describeLocation(key: string, mainFile: string): string {
  const [file = '', pointer = ''] = key.split('#');
  const shown = file === mainFile ? '' : path.basename(file);
  return `${shown}#${pointer}`;
}

function getAt(node: unknown, segments: string[]): unknown {
  let value = node;
  for (const s of segments) value = (value as Record<string, unknown> | undefined)?.[s];
  return value;
}

function setAt(target: Record<string, unknown>, segments: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string, unknown>;
  const last = segments[segments.length - 1];
  if (last !== undefined) node[last] = value;
}
