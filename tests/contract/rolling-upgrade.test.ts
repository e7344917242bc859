// A rolling upgrade on a real nats-server: channels generated (with the generator API, in beforeAll) from three
// versions of a fixture contract. N = 1.0.0; N+1 = 1.1.0 adds an optional heartbeat field and an optional
// InferenceRequest field; 1.2.0 adds a required heartbeat field without a major bump. Clients of N and N+1 share one
// server: nothing is rejected, the N handler sees its own type, the stripped fields show in metrics. The breaking
// version is refused by the gate (exit 1) and, at run time, its reader's errors name both contract versions.
import fs from 'node:fs';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generate } from '../../codegen/generate.js';
import { writeFiles } from '../../codegen/output/write.js';
import { compareAgainst } from '../../codegen/evolution/index.js';
import { NatsClient } from '../../src/client/client.js';
import type { DistributedError } from '../../src/base/errors.js';
import { NatsClientMetrics } from '../../src/metrics/client-metrics.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/client.js';
import { parseExposition, sampleValue } from '../helpers/reliability.js';

const root = path.resolve(import.meta.dirname, '../..');
// Inside the repository, so the generated code's relative import of the runtime resolves.
const work = path.join(import.meta.dirname, `.rolling-upgrade-${String(process.pid)}`);
const WORKER = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const REQUEST = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';

type Obj = Record<string, unknown>;

/** The fixture contract at `version`; `change` edits the heartbeat and request schemas. */
function contract(version: string, change: (heartbeat: Obj, request: Obj) => void = () => undefined): { doc: Obj; heartbeat: Obj; request: Obj } {
  const heartbeat: Obj = {
    type: 'object',
    additionalProperties: false,
    required: ['workerId', 'load'],
    properties: { workerId: { type: 'string', format: 'uuid' }, load: { type: 'integer', minimum: 0, maximum: 100 } },
  };
  const request: Obj = {
    type: 'object',
    additionalProperties: false,
    required: ['requestId', 'prompt'],
    properties: { requestId: { type: 'string', format: 'uuid' }, prompt: { type: 'string', minLength: 1 } },
  };
  change(heartbeat, request);
  const message = (name: string, payload: unknown, example: unknown): Obj => ({
    name,
    summary: `${name}.`,
    contentType: 'application/json',
    payload,
    examples: [{ name: 'one', payload: example }],
  });
  const doc: Obj = {
    asyncapi: '3.0.0',
    info: { title: 'Rolling upgrade fixture', version },
    channels: {
      heartbeat: { address: 'fixture.heartbeat', messages: { heartbeat: { $ref: '#/components/messages/Heartbeat' } } },
      inference: {
        address: 'fixture.{workerId}.inference',
        parameters: { workerId: { description: 'The worker.', 'x-format': 'uuid' } },
        messages: { request: { $ref: '#/components/messages/InferenceRequest' } },
      },
      inferenceReply: { address: null, messages: { ack: { $ref: '#/components/messages/InferenceAck' } } },
    },
    operations: {
      sendHeartbeat: { action: 'send', channel: { $ref: '#/channels/heartbeat' }, messages: [{ $ref: '#/channels/heartbeat/messages/heartbeat' }] },
      requestInference: {
        action: 'send',
        channel: { $ref: '#/channels/inference' },
        messages: [{ $ref: '#/channels/inference/messages/request' }],
        reply: { channel: { $ref: '#/channels/inferenceReply' }, messages: [{ $ref: '#/channels/inferenceReply/messages/ack' }] },
      },
    },
    components: {
      messages: {
        Heartbeat: message(
          'Heartbeat',
          { $ref: './schemas/heartbeat.json' },
          { workerId: WORKER, load: 1, ...((heartbeat.required as string[]).includes('region') ? { region: 'eu' } : {}) },
        ),
        InferenceRequest: message('InferenceRequest', { $ref: './schemas/request.json' }, { requestId: REQUEST, prompt: 'hi' }),
        InferenceAck: message(
          'InferenceAck',
          {
            type: 'object',
            additionalProperties: false,
            required: ['requestId', 'accepted'],
            properties: { requestId: { type: 'string' }, accepted: { type: 'boolean' } },
          },
          { requestId: REQUEST, accepted: true },
        ),
      },
    },
  };
  return { doc, heartbeat, request };
}

const VERSIONS = {
  n: contract('1.0.0'),
  next: contract('1.1.0', (heartbeat, request) => {
    (heartbeat.properties as Obj).gpuTemperatureC = { type: 'number', minimum: 0 };
    (request.properties as Obj).priority = { type: 'string', enum: ['low', 'high'] };
  }),
  breaking: contract('1.2.0', (heartbeat) => {
    (heartbeat.properties as Obj).gpuTemperatureC = { type: 'number', minimum: 0 };
    (heartbeat.properties as Obj).region = { type: 'string', minLength: 1 };
    (heartbeat.required as string[]).push('region');
  }),
};
type Version = keyof typeof VERSIONS;

/** What a generated channels module gives the test (typed loosely: the modules are generated at run time). */
interface Generated {
  contract: { version: string };
  channels: {
    heartbeat: {
      publish(c: NatsClient, p: unknown): Promise<void>;
      subscribe(c: NatsClient, h: (p: Obj, ctx: { contractVersion: string | undefined }) => void): Promise<{ rejected: number; unsubscribe(): Promise<void> }>;
    };
    inference: {
      request(c: NatsClient, params: { workerId: string }, p: unknown, o?: { timeout?: number }): Promise<Obj>;
      reply(
        c: NatsClient,
        params: { workerId: string },
        h: (p: Obj, ctx: { contractVersion: string | undefined }) => Obj,
      ): Promise<{ unsubscribe(): Promise<void> }>;
    };
  };
}

const generated = {} as Record<Version, Generated>;
const inputs = {} as Record<Version, string>;
let server: TestNatsServer;
let foreign: NatsConnection;
const clients: NatsClient[] = [];

async function client(errors?: DistributedError[]): Promise<NatsClient> {
  const c = new NatsClient();
  c.on('error', (e) => errors?.push(e));
  await c.connect({ mode: 'external', serverUrl: server.url });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  for (const [version, { doc, heartbeat, request }] of Object.entries(VERSIONS) as [Version, (typeof VERSIONS)[Version]][]) {
    const dir = path.join(work, version);
    fs.mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'asyncapi.yaml'), stringify(doc));
    fs.writeFileSync(path.join(dir, 'schemas/heartbeat.json'), JSON.stringify(heartbeat, null, 2));
    fs.writeFileSync(path.join(dir, 'schemas/request.json'), JSON.stringify(request, null, 2));
    const output = path.join(dir, 'generated');
    const runtime = path.relative(output, path.join(root, 'src/contract/index.js')).split(path.sep).join('/');
    const result = await generate({ input: path.join(dir, 'asyncapi.yaml'), output, runtime });
    writeFiles(result.files, result.managedDirs);
    inputs[version] = path.join(dir, 'asyncapi.yaml');
    generated[version] = (await import(path.join(output, 'index.ts'))) as Generated;
  }
  server = await startNatsServer();
  foreign = await connect({ servers: server.url });
}, 120_000);

afterAll(async () => {
  await foreign.close();
  for (const c of clients) await c.disconnect();
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('N and N+1 side by side', () => {
  it('the versions are generated from the fixture contracts', () => {
    expect(generated.n.contract.version).toBe('1.0.0');
    expect(generated.next.contract.version).toBe('1.1.0');
  });

  it('the gate accepts N → N+1 (optional fields only)', () => {
    const { result, report } = compareAgainst(inputs.next, inputs.n);
    expect(result.status, report).toBe(0);
    expect(result.changes.map((c) => c.kind)).toEqual(['optional-field-added', 'optional-field-added']);
  });

  it('an N subscriber sees every N+1 heartbeat, without the new field; nothing rejected; stripped counts in metrics', async () => {
    const errors: DistributedError[] = [];
    const old = await client(errors);
    const metrics = new NatsClientMetrics();
    metrics.attach(old);
    const upgraded = await client();
    const seen: { payload: Obj; version: string | undefined }[] = [];
    const sub = await generated.n.channels.heartbeat.subscribe(old, (payload, ctx) => {
      seen.push({ payload, version: ctx.contractVersion });
    });
    await old.flush();
    const COUNT = 50;
    for (let i = 0; i < COUNT; i++) await generated.next.channels.heartbeat.publish(upgraded, { workerId: WORKER, load: i, gpuTemperatureC: 60 + i / 10 });
    await waitFor(() => seen.length === COUNT, `${String(COUNT)} heartbeats`);
    expect(seen.map((s) => s.payload)).toEqual(Array.from({ length: COUNT }, (_, i) => ({ workerId: WORKER, load: i })));
    expect(seen.every((s) => s.version === '1.1.0')).toBe(true);
    expect(sub.rejected).toBe(0);
    expect(errors).toEqual([]);
    const samples = parseExposition(await metrics.metrics());
    expect(sampleValue(samples, 'nats_client_messages_unknown_fields_total', { channel: 'heartbeat' })).toBe(COUNT);
    expect(sampleValue(samples, 'nats_client_messages_received_total', { channel: 'heartbeat' })).toBe(COUNT);
    expect(sampleValue(samples, 'nats_client_messages_rejected_total', { channel: 'heartbeat' }) ?? 0).toBe(0);
    await sub.unsubscribe();
  });

  it('an N+1 request with the new optional field reaches an N responder without it, and the reply comes back', async () => {
    const old = await client();
    const upgraded = await client();
    const requests: { payload: Obj; version: string | undefined }[] = [];
    const sub = await generated.n.channels.inference.reply(old, { workerId: WORKER }, (payload, ctx) => {
      requests.push({ payload, version: ctx.contractVersion });
      return { requestId: payload.requestId, accepted: true };
    });
    await old.flush();
    const ack = await generated.next.channels.inference.request(
      upgraded,
      { workerId: WORKER },
      { requestId: REQUEST, prompt: 'hello', priority: 'high' },
      { timeout: 2000 },
    );
    expect(ack).toEqual({ requestId: REQUEST, accepted: true });
    expect(requests).toEqual([{ payload: { requestId: REQUEST, prompt: 'hello' }, version: '1.1.0' }]);
    await sub.unsubscribe();
  });

  it('an N+1 subscriber reads N heartbeats as they are (the new field is optional)', async () => {
    const upgraded = await client();
    const old = await client();
    const seen: Obj[] = [];
    const sub = await generated.next.channels.heartbeat.subscribe(upgraded, (payload) => {
      seen.push(payload);
    });
    await upgraded.flush();
    await generated.n.channels.heartbeat.publish(old, { workerId: WORKER, load: 7 });
    await waitFor(() => seen.length === 1, 'the N heartbeat');
    expect(seen).toEqual([{ workerId: WORKER, load: 7 }]);
    expect(sub.rejected).toBe(0);
    await sub.unsubscribe();
  });

  it('a foreign publisher (plain nats.js) with one extra field reaches the typed handler without it', async () => {
    const old = await client();
    const seen: { payload: Obj; version: string | undefined }[] = [];
    const sub = await generated.n.channels.heartbeat.subscribe(old, (payload, ctx) => {
      seen.push({ payload, version: ctx.contractVersion });
    });
    await old.flush();
    foreign.publish('fixture.heartbeat', Buffer.from(JSON.stringify({ workerId: WORKER, load: 3, firmware: 'x' })));
    await waitFor(() => seen.length === 1, 'the foreign heartbeat');
    expect(seen).toEqual([{ payload: { workerId: WORKER, load: 3 }, version: undefined }]);
    expect(sub.rejected).toBe(0);
    await sub.unsubscribe();
  });
});

describe('a breaking change (a new required field without a major bump)', () => {
  it('the gate exits 1 and says what breaks', () => {
    const { result, report } = compareAgainst(inputs.breaking, inputs.next);
    expect(result.status, report).toBe(1);
    // Upgraded readers refuse what writers on the old contract send: it breaks writers, so writers go first.
    expect(result.breaking).toEqual([expect.objectContaining({ kind: 'required-field-added', breaks: 'writers' })]);
    expect(report).toContain('heartbeat.json#/required: required-field-added, breaks writers');
    expect(result.upgradeOrder).toBe('writers-first');
  });

  it('at run time, the new reader refuses an old heartbeat with an error that names both versions', async () => {
    const errors: DistributedError[] = [];
    const upgraded = await client(errors);
    const old = await client();
    const seen: Obj[] = [];
    const sub = await generated.breaking.channels.heartbeat.subscribe(upgraded, (payload) => {
      seen.push(payload);
    });
    await upgraded.flush();
    await generated.next.channels.heartbeat.publish(old, { workerId: WORKER, load: 5 });
    await waitFor(() => errors.length === 1, 'the validation error');
    expect(seen).toEqual([]);
    expect(sub.rejected).toBe(1);
    expect(errors[0]?.message).toContain('region');
    expect(errors[0]?.message).toContain('sent with contract 1.1.0; this reader has 1.2.0');
    await sub.unsubscribe();
  });
});
