/**
 * The contract itself: asyncapi.yaml parses cleanly, and every channel, parameter, operation, reply, message and
 * schema file it declares follows the rules the runtime and codegen rely on (properties checked over whatever the
 * contract declares, so adding a channel or a message needs no change here). Examples are validated with ajv +
 * ajv-formats against the schema files themselves (the source of truth), and against the parser's resolved
 * payloads, so a schema and a document that drift apart fail here. Only the channels the cluster layer is built on
 * are pinned by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, ChannelInterface, ChannelParameterInterface, Diagnostic, OperationInterface } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { channels as generatedChannels } from '../../generated/channels.js';
import { isSafeToken } from '../../src/base/subjects.js';

const addFormats = addFormatsPlugin.default;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const specPath = join(root, 'asyncapi.yaml');
const schemaDir = join(root, 'schemas');
/** Owned by the config loader, validated by its own tests; not a message payload. */
const NON_PAYLOAD_SCHEMAS = new Set(['cluster-config.schema.json']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected an object`);
  return value;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

/** Follows a local `#/a/b` pointer in the raw YAML document. */
function pointer(doc: JsonObject, ref: string): JsonObject {
  expect(ref.startsWith('#/'), `local ref ${ref}`).toBe(true);
  let node: Json = doc;
  for (const part of ref.slice(2).split('/')) {
    node = asObject(node, ref)[part] ?? null;
  }
  return asObject(node, ref);
}

/** Removes the parser's bookkeeping (`x-parser-*`), which ajv's strict mode would reject as unknown keywords. */
function stripParserKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripParserKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith('x-parser-')) out[key] = stripParserKeys(child);
  }
  return out;
}

const schemaFiles = readdirSync(schemaDir)
  .filter((name) => name.endsWith('.json') && !NON_PAYLOAD_SCHEMAS.has(name))
  .sort();
const schemas = new Map<string, JsonObject>(
  schemaFiles.map((name) => [name, asObject(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')), name)]),
);
const fileUrl = (name: string): string => pathToFileURL(join(schemaDir, name)).href;

/**
 * The JSON Schema Test Suite's `uuid`: 8-4-4-4-12 hex digits, any case, any version, nothing around it. ajv-formats
 * also accepts a `urn:uuid:` prefix, which the suite rejects and which would be a different subject token.
 */
const SUITE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Strict ajv with formats. `discriminator` is AsyncAPI's string form, an annotation for codegen, not ajv's object form. */
function createAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('uuid', SUITE_UUID);
  ajv.addKeyword({ keyword: 'discriminator', schemaType: 'string' });
  return ajv;
}

/** ajv holding every schema file under its file URL, so their relative `$ref`s resolve exactly as on disk. */
function createFileAjv(): Ajv {
  const ajv = createAjv();
  for (const [name, schema] of schemas) ajv.addSchema({ ...schema, $id: fileUrl(name) });
  return ajv;
}

const fileAjv = createFileAjv();
function fileValidator(name: string): ValidateFunction {
  const validate = fileAjv.getSchema(fileUrl(name));
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}

const rawSpec = asObject(parseYaml(readFileSync(specPath, 'utf8')), 'asyncapi.yaml');
const components = asObject(rawSpec.components, 'components');
const componentMessages = asObject(components.messages, 'components.messages');

/** The schema file a component message's payload points to (payload -> components.schemas.X -> ./schemas/x.json). */
function payloadFile(messageKey: string): string {
  const message = asObject(componentMessages[messageKey], messageKey);
  const schemaRef = asString(asObject(message.payload, `${messageKey}.payload`).$ref, `${messageKey}.payload.$ref`);
  const fileRef = asString(pointer(rawSpec, schemaRef).$ref, schemaRef);
  expect(fileRef).toMatch(/^\.\/schemas\/[a-z0-9-]+\.json$/);
  return basename(fileRef);
}

interface Example {
  name: string;
  payload: Json;
}
function examplesOf(messageKey: string): Example[] {
  const message = asObject(componentMessages[messageKey], messageKey);
  const list = message.examples;
  if (!Array.isArray(list)) throw new Error(`${messageKey}: no examples`);
  return list.map((entry, index) => {
    const example = asObject(entry, `${messageKey}.examples[${index}]`);
    return { name: asString(example.name, `${messageKey}.examples[${index}].name`), payload: example.payload ?? null };
  });
}

let document: AsyncAPIDocumentInterface;
let diagnostics: Diagnostic[];

beforeAll(async () => {
  const parser = new Parser();
  // `source` makes the parser resolve the relative file `$ref`s against the spec's own directory.
  const output = await parser.parse(readFileSync(specPath, 'utf8'), { source: specPath });
  diagnostics = output.diagnostics;
  if (!output.document) {
    throw new Error(`asyncapi.yaml does not parse:\n${diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n')}`);
  }
  document = output.document;
});

describe('asyncapi.yaml parses cleanly', () => {
  it('has no errors, no warnings, and no hints', () => {
    const warning: number = DiagnosticSeverity.Warning;
    const serious = diagnostics.filter((d) => {
      const severity: number = d.severity;
      return severity <= warning;
    });
    expect(serious.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    // The one information diagnostic is "3.1.0 exists"; the contract deliberately targets AsyncAPI 3.0.0.
    const other = diagnostics.filter((d) => d.code !== 'asyncapi-latest-version');
    expect(other.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    expect(document.version()).toBe('3.0.0');
  });

  it('describes the protocol and the servers', () => {
    expect(document.info().description()?.length).toBeGreaterThan(200);
    const servers = document.servers().all();
    const local = servers.find((server) => server.id() === 'local');
    expect(local?.host()).toBe('localhost:4222');
    for (const server of servers) {
      expect(server.protocol(), server.id()).toBe('nats');
      expect(server.description(), server.id()).toBeTruthy();
    }
  });
});

/** `{name}` placeholders of an address, in order. */
const addressParameters = (address: string): string[] => [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');

/** The JSON Schema of a parameter as the parser resolved it: a string, with its `enum`, `x-format` and `x-pattern`. */
function parameterSchema(parameter: ChannelParameterInterface): JsonObject {
  const json = asObject(parameter.json(), parameter.id());
  const schema: JsonObject = { type: 'string' };
  if (json.enum !== undefined) schema.enum = json.enum;
  if (json['x-format'] !== undefined) schema.format = json['x-format'];
  if (json['x-pattern'] !== undefined) schema.pattern = json['x-pattern'];
  return schema;
}

/** The payload field a `$message.payload#/field` location points at. */
const locationField = (location: string | undefined): string | undefined => /^\$message\.payload#\/([^/]+)$/.exec(location ?? '')?.[1];

/** True when every object `schema` can be (each variant of a union) declares `field`, required or optional. */
function declaresEverywhere(schema: Json, field: string): boolean {
  if (!isObject(schema)) return false;
  if (Array.isArray(schema.oneOf)) return schema.oneOf.every((variant) => declaresEverywhere(variant, field));
  return isObject(schema.properties) && field in schema.properties;
}

/** The names of the messages of a channel, operation or reply; none for undefined. */
const messageNames = (list: { all(): { name(): string | undefined }[] } | undefined): string[] =>
  list?.all().map((message) => message.name() ?? '(unnamed)') ?? [];
const addressed = (): ChannelInterface[] => document.channels().all().filter((channel) => typeof channel.address() === 'string');

describe('channels', () => {
  it('each has an address made of literal NATS tokens and whole-token {parameters}, exactly the declared ones, or is a reply inbox with a null address and no parameters', () => {
    const channels = document.channels().all();
    expect(channels.length).toBeGreaterThan(0);
    for (const channel of channels) {
      const declared = channel.parameters().all().map((p) => p.id()).sort();
      const address = channel.address();
      if (address === null || address === undefined) {
        expect(declared, channel.id()).toEqual([]);
        continue;
      }
      expect(addressParameters(address).sort(), `${channel.id()}: parameters of ${address}`).toEqual(declared);
      for (const token of address.split('.')) {
        expect(/^\{[^}]+\}$/.test(token) || isSafeToken(token), `${address}: token "${token}"`).toBe(true);
      }
    }
    const addresses = addressed().map((channel) => channel.address());
    expect(new Set(addresses).size, 'no two channels share an address').toBe(addresses.length);
  });

  it('describe every channel', () => {
    for (const channel of document.channels().all()) expect(channel.description(), channel.id()).toBeTruthy();
  });

  it('declare every parameter with a description and examples its own schema accepts, every value a single NATS token', () => {
    const ajv = createAjv(); // strict: an unknown x-format does not compile
    const parameters = document.channels().all().flatMap((channel) => channel.parameters().all().map((p) => [channel.id(), p] as const));
    for (const [channelId, parameter] of parameters) {
      const where = `${channelId}.${parameter.id()}`;
      const schema = parameterSchema(parameter);
      const validate = ajv.compile(schema);
      expect(parameter.description(), where).toBeTruthy();
      if (typeof schema.format === 'string') expect(parameter.description()?.toLowerCase(), `${where} says it is a ${schema.format}`).toContain(schema.format);
      const examples = asObject(parameter.json(), where).examples;
      expect(Array.isArray(examples) && examples.length > 0, `${where} has examples`).toBe(true);
      for (const example of examples as Json[]) {
        expect(validate(example), `${where} example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(typeof example === 'string' && isSafeToken(example), `${where} example ${JSON.stringify(example)} is one NATS token`).toBe(true);
      }
      // Every allowed value of an enum must be sendable: a value that is not one token could never be a subject.
      for (const value of (schema.enum ?? []) as Json[]) {
        expect(typeof value === 'string' && isSafeToken(value), `${where} enum value ${JSON.stringify(value)}`).toBe(true);
      }
    }
  });

  // An optional field may be absent (it contradicts nothing then); where present, the runtime holds it to the subject.
  it('tie a parameter with a location to a field every message of its channel declares, whose example values the parameter accepts', () => {
    const ajv = createAjv();
    for (const channel of document.channels().all()) {
      for (const parameter of channel.parameters().all()) {
        const location = parameter.location();
        if (location === undefined) continue;
        const where = `${channel.id()}.${parameter.id()}`;
        const field = locationField(location);
        expect(field, `${where}: ${location} points into the payload`).toBeDefined();
        const validate = ajv.compile(parameterSchema(parameter));
        for (const message of channel.messages().all()) {
          const payload = stripParserKeys(message.payload()?.json() as Json);
          expect(declaresEverywhere(payload, field ?? ''), `${where}: ${message.name() ?? ''} declares ${field ?? ''}`).toBe(true);
          for (const example of message.examples().all()) {
            const value = asObject(example.payload(), `${message.name() ?? ''} example`)[field ?? ''];
            if (value === undefined) continue;
            expect(validate(value) && typeof value === 'string' && isSafeToken(value), `${where}: ${message.name() ?? ''} example value ${JSON.stringify(value)}`).toBe(true);
          }
        }
      }
    }
  });
});

describe('operations', () => {
  const sideTags = new Set(Object.values(asObject(components.tags, 'components.tags')).map((tag) => asString(asObject(tag, 'tag').name, 'tag name')));

  it('each names one addressed channel, only messages of that channel, and the one side that performs it', () => {
    const operations = document.operations().all();
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      const id = asString(operation.id(), 'operation id');
      const channels = operation.channels().all();
      expect(channels.map((channel) => channel.id()), id).toHaveLength(1);
      const channel = channels[0]!;
      expect(typeof channel.address(), `${id}: a reply inbox is never an operation's own channel`).toBe('string');
      const sent = messageNames(operation.messages());
      expect(sent.length, id).toBeGreaterThan(0);
      expect(messageNames(channel.messages()), id).toEqual(expect.arrayContaining(sent));
      const tags = operation.tags().all().map((tag) => tag.name());
      expect(tags, `${id}: tagged with one side`).toHaveLength(1);
      expect(sideTags.has(tags[0] ?? ''), `${id}: side ${tags.join()}`).toBe(true);
      expect(asObject(operation.json(), id).title, id).toBeTruthy();
      expect(operation.summary(), id).toBeTruthy();
    }
  });

  it('cover both sides of every channel: each of its messages is sent by a send operation and received by a receive operation', () => {
    const operations = document.operations().all();
    for (const channel of addressed()) {
      const on = operations.filter((operation) => operation.channels().all().some((c) => c.id() === channel.id()));
      for (const message of messageNames(channel.messages())) {
        expect(on.some((o) => o.isSend() && messageNames(o.messages()).includes(message)), `${channel.id()}: ${message} is sent`).toBe(true);
        expect(on.some((o) => o.isReceive() && messageNames(o.messages()).includes(message)), `${channel.id()}: ${message} is received`).toBe(true);
      }
    }
  });

  it('declare a reply on a null-address inbox channel, the same on every operation of the channel, and no inbox without a request', () => {
    const operations = document.operations().all();
    const replyOf = (operation: OperationInterface): string | undefined => {
      const reply = operation.reply();
      if (reply === undefined) return undefined;
      const inbox = reply.channel();
      expect(inbox, `${operation.id() ?? ''}: reply channel`).toBeDefined();
      expect(inbox?.address(), `${operation.id() ?? ''}: the reply goes to the requester's inbox`).toBeNull();
      // NATS carries the reply subject in the protocol: no runtime expression could point at it.
      expect(reply.address(), `${operation.id() ?? ''}: no reply address`).toBeUndefined();
      const messages = messageNames(reply.messages());
      expect(messages.length, `${operation.id() ?? ''}: reply messages`).toBeGreaterThan(0);
      expect(messageNames(inbox?.messages()), operation.id() ?? '').toEqual(expect.arrayContaining(messages));
      return `${inbox?.id() ?? ''}: ${messages.join(',')}`;
    };
    const replies = new Map<string, Set<string | undefined>>();
    for (const operation of operations) {
      const channel = operation.channels().all()[0]?.id() ?? '';
      replies.set(channel, (replies.get(channel) ?? new Set()).add(replyOf(operation)));
    }
    for (const [channel, declared] of replies) expect([...declared], `${channel}: one reply for all its operations`).toHaveLength(1);
    const used = new Set([...replies.values()].flatMap((set) => [...set].map((reply) => reply?.split(':')[0])));
    for (const inbox of document.channels().all().filter((channel) => channel.address() === null)) {
      expect(used.has(inbox.id()), `${inbox.id()} is some request's reply inbox`).toBe(true);
    }
  });

  it('the generated channels are exactly the addressed channels, each with its address, message and declared reply', () => {
    // Keyed by the id in camelCase; the id as written is the channel's `id`.
    const byId = new Map((Object.values(generatedChannels) as { id: string; address: string; messageName: string; replyName?: string }[]).map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(addressed().map((channel) => channel.id()).sort());
    for (const channel of addressed()) {
      const generated = byId.get(channel.id());
      if (generated === undefined) throw new Error(`generated/ has no channel ${channel.id()}`);
      expect(generated.address, channel.id()).toBe(channel.address());
      expect(messageNames(channel.messages()), channel.id()).toContain(generated.messageName);
      const reply = document.operations().all().find((o) => o.channels().all()[0]?.id() === channel.id() && o.reply() !== undefined)?.reply();
      expect(generated.replyName, `${channel.id()}: reply`).toBe(reply === undefined ? undefined : messageNames(reply.messages())[0]);
    }
  });
});

describe('the channels the cluster layer is built on', () => {
  // Pinned on purpose: src/cluster/streaming.ts sends InferenceRequest on `worker.{workerId}.inference`, branches on
  // the InferenceAck `status` it gets back as the reply, and reads StreamingResponse events on
  // `response.{workerId}.{requestId}` until a `done` or `error` `type`; workers register and heartbeat on their own
  // subjects. Deployed nodes speak these subjects: changing them is a breaking change.
  it('worker.{workerId}.inference carries InferenceRequest, answered with InferenceAck on its null-address inbox', () => {
    const inference = document.channels().get('workerInference');
    expect(inference?.address()).toBe('worker.{workerId}.inference');
    expect(inference?.parameters().all().map((p) => p.id())).toEqual(['workerId']);
    expect(messageNames(inference?.messages())).toEqual(['InferenceRequest']);
    const sides = document.operations().all().filter((o) => o.channels().all()[0]?.id() === 'workerInference');
    expect(sides.map((o) => (o.isSend() ? 'send' : 'receive')).sort()).toEqual(['receive', 'send']);
    for (const operation of sides) {
      const reply = operation.reply();
      expect(reply?.channel()?.id(), operation.id()).toBe('workerInferenceReply');
      expect(reply?.channel()?.address()).toBeNull();
      expect(messageNames(reply?.messages())).toEqual(['InferenceAck']);
    }
  });

  it('response.{workerId}.{requestId} carries StreamingResponse, its parameters the sending worker and the payload requestId', () => {
    const response = document.channels().get('response');
    expect(response?.address()).toBe('response.{workerId}.{requestId}');
    expect(messageNames(response?.messages())).toEqual(['StreamingResponse']);
    expect(response?.parameters().get('requestId')?.location()).toBe('$message.payload#/requestId');
    expect(response?.parameters().get('workerId')?.location()).toBe('$message.payload#/workerId');
  });

  // The sender's identity is in the subject, where NATS permissions bind it to the worker's own id; the payload's copy
  // is tied to it by `location`.
  it.each([
    ['workerRegister', 'worker.{workerId}.register', 'WorkerRegistration'],
    ['workerHeartbeat', 'worker.{workerId}.heartbeat', 'WorkerHeartbeat'],
    ['response', 'response.{workerId}.{requestId}', 'StreamingResponse'],
  ])('%s: a worker speaks for itself on %s, its workerId bound to the worker (x-identity-of) and located in the payload', (id, address, message) => {
    const channel = document.channels().get(id);
    expect(channel?.address()).toBe(address);
    expect(messageNames(channel?.messages())).toEqual([message]);
    const workerId = asObject(channel?.parameters().get('workerId')?.json(), `${id}.workerId`);
    expect(workerId['x-identity-of']).toBe('worker');
    expect(workerId.location).toBe('$message.payload#/workerId');
  });

  it('every parameter is a UUID, like the ids they carry (the config\'s worker.worker_id, the payload requestId)', () => {
    for (const [channel, parameter] of [
      ['workerInference', 'workerId'],
      ['workerCancel', 'workerId'],
      ['workerRegister', 'workerId'],
      ['workerHeartbeat', 'workerId'],
      ['response', 'workerId'],
      ['response', 'requestId'],
    ] as const) {
      const declared: unknown = document.channels().get(channel)?.parameters().get(parameter)?.json();
      expect(asObject(declared, parameter)['x-format'], `${channel}.${parameter}`).toBe('uuid');
    }
  });

  it('StreamingResponse is a union on type (token, done, error), InferenceAck on status (accepted, refused), each with an example per variant', () => {
    for (const [message, tag, values] of [
      ['StreamingResponse', 'type', ['done', 'error', 'token']],
      ['InferenceAck', 'status', ['accepted', 'refused']],
    ] as const) {
      const schema = schemas.get(payloadFile(message));
      expect(schema?.discriminator, message).toBe(tag);
      const variants = (schema?.oneOf as Json[]).map((variant) => {
        const file = basename(asString(asObject(variant, message).$ref, message));
        return asObject(asObject(schemas.get(file)?.properties, file)[tag], file).const;
      });
      expect(variants.sort(), message).toEqual([...values]);
      expect(examplesOf(message).map((example) => asObject(example.payload, 'example')[tag]).sort(), message).toEqual([...values]);
    }
  });
});

describe('messages', () => {
  const messageKeys = Object.keys(componentMessages);

  it('each has its name as id, a title, a summary, the JSON content type and examples', () => {
    const all = document.components().messages().all();
    expect(all.length).toBeGreaterThan(0);
    expect(all.map((message) => message.name()).sort()).toEqual([...messageKeys].sort());
    for (const message of all) {
      const name = message.name() ?? '(unnamed)';
      expect(message.id(), name).toBe(name);
      expect(message.title(), name).toBeTruthy();
      expect(message.summary(), name).toBeTruthy();
      expect(message.contentType(), name).toBe('application/json');
      expect(message.examples().length, name).toBeGreaterThan(0);
    }
  });

  it('each is carried by a channel, as its message or its reply', () => {
    const carried = new Set(document.channels().all().flatMap((channel) => messageNames(channel.messages())));
    for (const name of messageKeys) expect(carried.has(name), name).toBe(true);
  });

  it('payloads point at schema files whose title is the message name', () => {
    for (const name of messageKeys) {
      const file = payloadFile(name);
      expect(schemas.get(file)?.title, file).toBe(name);
      expect(document.components().messages().get(name)?.payload()?.title()).toBe(name);
    }
  });

  it('every example is valid against its schema file (ajv + ajv-formats, strict)', () => {
    let checked = 0;
    for (const name of messageKeys) {
      const validate = fileValidator(payloadFile(name));
      for (const example of examplesOf(name)) {
        const valid = validate(example.payload);
        expect(valid, `${name} example "${example.name}": ${fileAjv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(messageKeys.length);
  });

  it('every example is valid against the payload as the parser resolved it', () => {
    const ajv = createAjv();
    for (const message of document.components().messages().all()) {
      const payload = message.payload();
      expect(payload, message.name()).toBeDefined();
      const validate = ajv.compile(asObject(stripParserKeys(payload?.json() as Json), 'payload'));
      for (const example of message.examples().all()) {
        expect(validate(example.payload()), `${message.name() ?? ''}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('a union message has an example of every variant', () => {
    for (const name of messageKeys) {
      const schema = schemas.get(payloadFile(name));
      if (schema?.oneOf === undefined) continue;
      const tag = asString(schema.discriminator, `${name}.discriminator`);
      const variants = (schema.oneOf as Json[]).map((variant) => {
        const file = basename(asString(asObject(variant, name).$ref, name));
        return asObject(asObject(schemas.get(file)?.properties, file)[tag], file).const;
      });
      const shown = new Set(examplesOf(name).map((example) => asObject(example.payload, 'example')[tag]));
      expect(variants.filter((value) => !shown.has(value ?? null)), `${name}: variants without an example`).toEqual([]);
    }
  });
});

/** Calls `visit` on every subschema of a schema, with a readable path. */
function walk(schema: Json, path: string, visit: (node: JsonObject, path: string) => void): void {
  if (!isObject(schema)) return;
  visit(schema, path);
  const properties = schema.properties;
  if (isObject(properties)) {
    for (const [key, child] of Object.entries(properties)) walk(child, `${path}.properties.${key}`, visit);
  }
  if (schema.items !== undefined) walk(schema.items, `${path}.items`, visit);
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((child, index) => { walk(child, `${path}.${keyword}[${index}]`, visit); });
  }
}

describe('schema files', () => {
  it('are kebab-case after their PascalCase title, draft-07, and described', () => {
    expect(schemas.size).toBeGreaterThan(0);
    for (const [file, schema] of schemas) {
      const title = asString(schema.title, file);
      expect(title, file).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      // WorkerRegistration -> worker-registration.json
      expect(file).toBe(`${title.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase()}.json`);
      expect(schema.$schema, file).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.description, file).toBeTruthy();
    }
  });

  it('are each named once under components.schemas, pointing at their own file', () => {
    const named = asObject(components.schemas, 'components.schemas');
    const files = Object.entries(named).map(([key, value]) => {
      const file = basename(asString(asObject(value, key).$ref, key));
      expect(schemas.get(file)?.title, key).toBe(key);
      return file;
    });
    expect(files.sort()).toEqual([...schemas.keys()].sort());
  });

  it('describe every property, and every object forbids unknown keys', () => {
    const missing: string[] = [];
    const open: string[] = [];
    for (const [file, schema] of schemas) {
      walk(schema, file, (node, path) => {
        const properties = node.properties;
        if (isObject(properties)) {
          for (const [key, child] of Object.entries(properties)) {
            const description = isObject(child) ? child.description : undefined;
            if (typeof description !== 'string' || description.trim() === '') missing.push(`${path}.properties.${key}`);
          }
        }
        if (node.type === 'object' && node.additionalProperties !== false) open.push(path);
      });
    }
    expect(missing).toEqual([]);
    expect(open).toEqual([]);
  });

  it('reference shared types by $ref and never copy them inline', () => {
    const titles = new Set([...schemas.entries()].map(([file, schema]) => asString(schema.title, file)));
    const inlined: string[] = [];
    for (const [file, schema] of schemas) {
      walk(schema, file, (node, path) => {
        if (path !== file && typeof node.title === 'string' && titles.has(node.title)) inlined.push(`${path} (${node.title})`);
      });
    }
    expect(inlined).toEqual([]);
    const registration = asObject(schemas.get('worker-registration.json')?.properties, 'properties');
    expect(asObject(registration.hardware, 'hardware').$ref).toBe('./hardware-profile.json');
    const capabilities = asObject(asObject(registration.capabilities, 'capabilities').properties, 'capabilities');
    expect(asObject(asObject(capabilities.supportedModelTiers, 'tiers').items, 'items').$ref).toBe('./model-tier.json');
  });

  it('unions name a discriminator that every variant pins with const', () => {
    const unions = [...schemas.entries()].filter(([, schema]) => schema.oneOf !== undefined);
    expect(unions.length).toBeGreaterThan(0);
    for (const [file, schema] of unions) {
      const tag = asString(schema.discriminator, `${file}.discriminator`);
      const seen: Json[] = [];
      for (const variant of schema.oneOf as Json[]) {
        const target = basename(asString(asObject(variant, file).$ref, file));
        const variantSchema = schemas.get(target);
        const properties = asObject(variantSchema?.properties, target);
        const tagSchema = asObject(properties[tag], `${target}.${tag}`);
        expect(typeof tagSchema.const, target).toBe('string');
        expect(variantSchema?.required, target).toContain(tag);
        seen.push(tagSchema.const ?? null);
      }
      expect(new Set(seen).size, `${file}: distinct tags`).toBe(seen.length);
    }
  });
});

describe('schemas reject what the contract rules out', () => {
  const registration = examplesOf('WorkerRegistration')[0]!.payload as JsonObject;
  const hardware = registration.hardware as JsonObject;
  const capabilities = registration.capabilities as JsonObject;
  const heartbeat = examplesOf('WorkerHeartbeat')[0]!.payload as JsonObject;
  const metrics = heartbeat.metrics as JsonObject;
  const request = examplesOf('InferenceRequest')[0]!.payload as JsonObject;
  const [token, done, error] = examplesOf('StreamingResponse').map((example) => example.payload as JsonObject);
  const [accepted, refused] = examplesOf('InferenceAck').map((example) => example.payload as JsonObject);
  const announcement = examplesOf('ClusterAnnouncement')[0]!.payload as JsonObject;
  const without = (object: JsonObject, key: string): JsonObject => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

  const invalid: [file: string, label: string, payload: Json][] = [
    ['worker-registration.json', 'port 80 (privileged)', { ...registration, port: 80 }],
    ['worker-registration.json', 'port 1023', { ...registration, port: 1023 }],
    ['worker-registration.json', 'port 65536', { ...registration, port: 65536 }],
    ['worker-registration.json', 'fractional port', { ...registration, port: 8080.5 }],
    ['worker-registration.json', 'non-uuid id worker-123', { ...registration, workerId: 'worker-123' }],
    ['worker-registration.json', 'urn-prefixed uuid', { ...registration, workerId: 'urn:uuid:0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d' }],
    ['worker-registration.json', 'IPv4 out of range', { ...registration, ip: '256.1.1.1' }],
    ['worker-registration.json', 'ip that is a host name', { ...registration, ip: 'mac-studio.local' }],
    ['worker-registration.json', 'host name with a space', { ...registration, hostname: 'mac studio' }],
    ['worker-registration.json', 'unknown status', { ...registration, status: 'busy' }],
    ['worker-registration.json', 'timestamp 0', { ...registration, timestamp: 0 }],
    ['worker-registration.json', 'fractional timestamp', { ...registration, timestamp: 1.5 }],
    ['worker-registration.json', 'unknown top-level key', { ...registration, extra: true }],
    ['worker-registration.json', 'missing hardware', without(registration, 'hardware')],
    ['worker-registration.json', 'non-Apple chip', { ...registration, hardware: { ...hardware, chip: 'Intel Core i9' } }],
    ['worker-registration.json', 'zero memory', { ...registration, hardware: { ...hardware, unifiedMemoryGB: 0 } }],
    ['worker-registration.json', 'fractional GPU cores', { ...registration, hardware: { ...hardware, gpuCores: 7.5 } }],
    ['worker-registration.json', 'unknown model tier', { ...registration, capabilities: { ...capabilities, supportedModelTiers: ['huge'] } }],
    ['worker-registration.json', 'maxConcurrent 0', { ...registration, capabilities: { ...capabilities, maxConcurrent: 0 } }],
    ['worker-registration.json', 'availableMemoryGB 0', { ...registration, capabilities: { ...capabilities, availableMemoryGB: 0 } }],
    ['worker-registration.json', 'unknown capabilities key', { ...registration, capabilities: { ...capabilities, gpu: true } }],
    ['worker-heartbeat.json', 'cpu over 100', { ...heartbeat, metrics: { ...metrics, cpuUsagePercent: 100.1 } }],
    ['worker-heartbeat.json', 'negative gpu', { ...heartbeat, metrics: { ...metrics, gpuUtilizationPercent: -1 } }],
    ['worker-heartbeat.json', 'fractional activeRequests', { ...heartbeat, metrics: { ...metrics, activeRequests: 1.5 } }],
    ['worker-heartbeat.json', 'null metrics', { ...heartbeat, metrics: null }],
    ['inference-request.json', 'temperature above 2', { ...request, temperature: 2.01 }],
    ['inference-request.json', 'topP above 1', { ...request, topP: 1.5 }],
    ['inference-request.json', 'maxTokens 0', { ...request, maxTokens: 0 }],
    ['inference-request.json', 'non-uuid session', { ...request, sessionId: 'session-1' }],
    ['inference-request.json', 'snake_case typo', { ...request, max_tokens: 10 }],
    ['inference-request.json', 'prompt as number', { ...request, prompt: 42 }],
    ['streaming-response.json', 'unknown type', { ...token!, type: 'tokens' }],
    ['streaming-response.json', 'negative index', { ...token!, index: -1 }],
    ['streaming-response.json', 'token with a done field', { ...token!, totalTokens: 1 }],
    ['streaming-response.json', 'done with zero tokens', { ...done!, totalTokens: 0 }],
    ['streaming-response.json', 'error without code', without(error!, 'code')],
    ['inference-ack.json', 'refused without reason', without(refused!, 'reason')],
    ['inference-ack.json', 'unknown refusal reason', { ...refused!, reason: 'tired' }],
    ['inference-ack.json', 'accepted with negative queue position', { ...accepted!, queuePosition: -1 }],
    ['cluster-announcement.json', 'unknown event', { ...announcement, event: 'party' }],
    ['cluster-announcement.json', 'negative worker count', { ...announcement, activeWorkers: -1 }],
  ];

  it.each(invalid)('%s rejects %s', (file, _label, payload) => {
    expect(fileValidator(file)(payload)).toBe(false);
  });

  const valid: [file: string, label: string, payload: Json][] = [
    ['worker-registration.json', 'port 1024', { ...registration, port: 1024 }],
    ['worker-registration.json', 'port 65535', { ...registration, port: 65535 }],
    ['worker-registration.json', 'IPv6 loopback', { ...registration, ip: '::1' }],
    ['worker-registration.json', 'no model tiers', { ...registration, capabilities: { ...capabilities, supportedModelTiers: [] } }],
    ['worker-heartbeat.json', 'cpu exactly 100', { ...heartbeat, metrics: { ...metrics, cpuUsagePercent: 100 } }],
    ['inference-request.json', 'temperature exactly 0 and 2 bounds', { ...request, temperature: 2, topP: 0 }],
    ['inference-request.json', 'no optional fields', without(without(without(without(request, 'maxTokens'), 'temperature'), 'topP'), 'sessionId')],
    ['streaming-response.json', 'empty token text', { ...token!, token: '' }],
    ['streaming-response.json', 'done in zero ms', { ...done!, latencyMs: 0 }],
  ];

  // Over every message the contract declares: its schema is strict and its required keys are required.
  it.each(Object.keys(componentMessages))('%s rejects each example with an unknown key, or without a key its variant requires', (name) => {
    const file = payloadFile(name);
    const validate = fileValidator(file);
    const schema = schemas.get(file);
    const variants = (Array.isArray(schema?.oneOf) ? schema.oneOf : [null]).map((variant) =>
      variant === null ? { schema, validate } : { schema: schemas.get(basename(asString(asObject(variant, file).$ref, file))), validate: fileValidator(basename(asString(asObject(variant, file).$ref, file))) },
    );
    for (const example of examplesOf(name)) {
      const payload = asObject(example.payload, `${name} example ${example.name}`);
      expect(validate({ ...payload, unexpectedKey: 1 }), `${name} ${example.name} with an unknown key`).toBe(false);
      const own = variants.find((variant) => variant.validate(payload));
      expect(own, `${name} ${example.name} matches a variant`).toBeDefined();
      const required = own?.schema?.required;
      expect(Array.isArray(required) && required.length > 0, `${name} ${example.name}: required keys`).toBe(true);
      for (const key of required as string[]) {
        expect(validate(without(payload, key)), `${name} ${example.name} without ${key}`).toBe(false);
      }
    }
  });

  it.each(valid)('%s accepts %s', (file, _label, payload) => {
    const validate = fileValidator(file);
    expect(validate(payload), fileAjv.errorsText(validate.errors)).toBe(true);
  });
});
