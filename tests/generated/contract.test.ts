/**
 * The contract itself: asyncapi.yaml parses cleanly, declares the channels, operations and reply the runtime and
 * codegen rely on, and every payload schema in schemas/ is well described, strict, and agrees with its examples.
 * Examples are validated with ajv + ajv-formats against the schema files themselves (the source of truth), and
 * against the parser's resolved payloads, so a schema and a document that drift apart fail here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, Diagnostic } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

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

const MESSAGES = [
  'WorkerRegistration',
  'WorkerHeartbeat',
  'InferenceRequest',
  'StreamingResponse',
  'InferenceAck',
  'ClusterAnnouncement',
] as const;

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

describe('channels', () => {
  const expected: Record<string, { address: string | null; parameters: string[] }> = {
    workerRegister: { address: 'worker.register', parameters: [] },
    workerHeartbeat: { address: 'worker.heartbeat', parameters: [] },
    workerInference: { address: 'worker.{workerId}.inference', parameters: ['workerId'] },
    workerInferenceReply: { address: null, parameters: [] },
    response: { address: 'response.{requestId}', parameters: ['requestId'] },
    clusterAnnounce: { address: 'cluster.announce', parameters: [] },
  };

  it('are exactly the five subjects plus the reply inbox, with their addresses', () => {
    const actual = Object.fromEntries(
      document.channels().all().map((channel): [string, unknown] => [
        channel.id(),
        { address: channel.address() ?? null, parameters: channel.parameters().all().map((p) => p.id()) },
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it('describe every channel', () => {
    for (const channel of document.channels().all()) expect(channel.description(), channel.id()).toBeTruthy();
  });

  it('declare every parameter as a described uuid with a valid example', () => {
    const uuid = createAjv().compile({ type: 'string', format: 'uuid' });
    const parameters = document.channels().all().flatMap((channel) => channel.parameters().all());
    expect(parameters.map((p) => p.id()).sort()).toEqual(['requestId', 'workerId']);
    for (const parameter of parameters) {
      const json = asObject(parameter.json(), parameter.id());
      expect(json['x-format'], parameter.id()).toBe('uuid');
      expect(parameter.description(), parameter.id()).toMatch(/UUID/);
      const examples = json.examples;
      expect(Array.isArray(examples) && examples.length > 0, parameter.id()).toBe(true);
      for (const example of examples as Json[]) expect(uuid(example), `${parameter.id()} example ${JSON.stringify(example)}`).toBe(true);
    }
  });

  it('tie the response parameter to the payload requestId', () => {
    const requestId = document.channels().get('response')?.parameters().get('requestId');
    expect(requestId?.location()).toBe('$message.payload#/requestId');
  });
});

describe('operations', () => {
  const expected: Record<string, { action: 'send' | 'receive'; channel: string; messages: string[]; side: string }> = {
    sendWorkerRegistration: { action: 'send', channel: 'workerRegister', messages: ['WorkerRegistration'], side: 'worker' },
    receiveWorkerRegistration: { action: 'receive', channel: 'workerRegister', messages: ['WorkerRegistration'], side: 'controller' },
    sendWorkerHeartbeat: { action: 'send', channel: 'workerHeartbeat', messages: ['WorkerHeartbeat'], side: 'worker' },
    receiveWorkerHeartbeat: { action: 'receive', channel: 'workerHeartbeat', messages: ['WorkerHeartbeat'], side: 'controller' },
    requestInference: { action: 'send', channel: 'workerInference', messages: ['InferenceRequest'], side: 'controller' },
    handleInferenceRequest: { action: 'receive', channel: 'workerInference', messages: ['InferenceRequest'], side: 'worker' },
    sendStreamingResponse: { action: 'send', channel: 'response', messages: ['StreamingResponse'], side: 'worker' },
    receiveStreamingResponse: { action: 'receive', channel: 'response', messages: ['StreamingResponse'], side: 'controller' },
    sendClusterAnnouncement: { action: 'send', channel: 'clusterAnnounce', messages: ['ClusterAnnouncement'], side: 'controller' },
    receiveClusterAnnouncement: { action: 'receive', channel: 'clusterAnnounce', messages: ['ClusterAnnouncement'], side: 'worker' },
  };

  it('cover both sides of every channel, each tagged with the side that performs it', () => {
    const actual = Object.fromEntries(
      document.operations().all().map((operation): [string, unknown] => [
        asString(operation.id(), 'operation id'),
        {
          action: operation.isSend() ? 'send' : 'receive',
          channel: operation.channels().all().map((channel) => channel.id()).join(','),
          messages: operation.messages().all().map((message) => message.name()),
          side: operation.tags().all().map((tag) => tag.name()).join(','),
        },
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it('declare the inference acknowledgement as the reply, on the null-address inbox channel', () => {
    for (const id of ['requestInference', 'handleInferenceRequest']) {
      const reply = document.operations().get(id)?.reply();
      expect(reply, id).toBeDefined();
      expect(reply?.channel()?.id()).toBe('workerInferenceReply');
      expect(reply?.channel()?.address()).toBeNull();
      expect(reply?.messages().all().map((message) => message.name())).toEqual(['InferenceAck']);
    }
    const withReply = document.operations().all().filter((operation) => operation.reply() !== undefined).map((operation) => operation.id());
    expect(withReply.sort()).toEqual(['handleInferenceRequest', 'requestInference']);
  });
});

describe('messages', () => {
  it('are the six named messages, each with title, summary, JSON content type and examples', () => {
    const names = document.components().messages().all().map((message) => message.name());
    expect(names.sort()).toEqual([...MESSAGES].sort());
    for (const message of document.components().messages().all()) {
      const name = message.name() ?? '(unnamed)';
      expect(message.id(), name).toBe(name);
      expect(message.title(), name).toBeTruthy();
      expect(message.summary(), name).toBeTruthy();
      expect(message.contentType(), name).toBe('application/json');
      expect(message.examples().length, name).toBeGreaterThan(0);
    }
  });

  it('payloads point at schema files whose title is the message name', () => {
    for (const name of MESSAGES) {
      const file = payloadFile(name);
      expect(schemas.get(file)?.title, file).toBe(name);
      expect(document.components().messages().get(name)?.payload()?.title()).toBe(name);
    }
  });

  it('every example is valid against its schema file (ajv + ajv-formats, strict)', () => {
    let checked = 0;
    for (const name of MESSAGES) {
      const validate = fileValidator(payloadFile(name));
      for (const example of examplesOf(name)) {
        const valid = validate(example.payload);
        expect(valid, `${name} example "${example.name}": ${fileAjv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(MESSAGES.length);
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

  it('StreamingResponse has one example per variant, InferenceAck one per verdict', () => {
    const types = examplesOf('StreamingResponse').map((example) => asObject(example.payload, 'example').type);
    expect(types.sort()).toEqual(['done', 'error', 'token']);
    const statuses = examplesOf('InferenceAck').map((example) => asObject(example.payload, 'example').status);
    expect(statuses.sort()).toEqual(['accepted', 'refused']);
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
  it('are the payload and shared types, kebab-case, titled in PascalCase, draft-07', () => {
    expect(schemaFiles).toEqual([
      'cluster-announcement.json',
      'hardware-profile.json',
      'inference-accepted.json',
      'inference-ack.json',
      'inference-refused.json',
      'inference-request.json',
      'model-tier.json',
      'streaming-done.json',
      'streaming-error.json',
      'streaming-response.json',
      'streaming-token.json',
      'worker-heartbeat.json',
      'worker-registration.json',
      'worker-status.json',
    ]);
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
    expect(Object.keys(named).length).toBe(schemas.size);
    for (const [key, value] of Object.entries(named)) {
      const file = basename(asString(asObject(value, key).$ref, key));
      expect(schemas.get(file)?.title, key).toBe(key);
    }
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
    expect(unions.map(([file]) => file).sort()).toEqual(['inference-ack.json', 'streaming-response.json']);
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

  it.each(valid)('%s accepts %s', (file, _label, payload) => {
    const validate = fileValidator(file);
    expect(validate(payload), fileAjv.errorsText(validate.errors)).toBe(true);
  });
});
