/**
 * Subject parameters are validated like payloads, each against the schema asyncapi.yaml declares for it (its `enum`,
 * its `x-format`): subject() and parse() accept exactly what that schema accepts, and a wildcard subscription or
 * reply never hands its handler a message whose subject breaks it. Foreign publishers (plain nats.js) send to
 * subjects that match the wildcard but not the schema. Every parameterised channel of the contract is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { z } from 'zod';
import { channels, defineChannel, NatsClient, SubjectError, ValidationError, type DistributedError, type Subscription } from '../../src/index.js';
import { isSafeToken } from '../../src/base/subjects.js';
import { declaredParameters, exampleOf, parameterJsonSchema, parameterValuesFor } from '../helpers/reliability.js';
import { FORMAT_SAMPLES } from '../helpers/parity-payloads.js';
import { oracleFor } from '../helpers/zod-harness.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/client.js';

let server: TestNatsServer;
let client: NatsClient;
let raw: NatsConnection;
const errors: DistributedError[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  client = new NatsClient();
  client.on('error', (error) => errors.push(error));
  await client.connect({ mode: 'external', serverUrl: server.url });
  raw = await connect({ servers: server.url });
});

afterAll(async () => {
  await raw.close();
  await client.disconnect();
  await server.stop();
});

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

type AnyChannel = (typeof channels)[keyof typeof channels];
const subjectWith = (address: string, params: Record<string, string>): string => address.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');

/** One value tried for one parameter, with the verdict of the parameter's declared schema (ajv + formats). */
interface Probe {
  readonly parameter: string;
  readonly value: string;
  readonly valid: boolean;
}

/**
 * Values to try for each parameter of `channel`: its declared examples and enum values, samples of its declared
 * format, and a few plain tokens; single NATS tokens only (the token rule is tested on its own). The verdict of each
 * comes from the parameter's declared schema, not from the code under test.
 */
function probes(channelId: string): Probe[] {
  return declaredParameters(channelId).flatMap((parameter) => {
    const validate = oracleFor(parameterJsonSchema(parameter));
    const samples = parameter.format === undefined ? undefined : FORMAT_SAMPLES[parameter.format];
    const values = new Set([
      ...parameter.examples,
      ...(parameter.enum ?? []),
      ...(samples?.valid ?? []),
      ...(samples?.invalid ?? []),
      '0',
      'x',
      'not-a-uuid',
      'not-in-the-enum',
    ]);
    return [...values].filter(isSafeToken).map((value) => ({ parameter: parameter.name, value, valid: validate(value) }));
  });
}

/** Every channel of the contract whose address has parameters. */
const parameterised = Object.values(channels)
  .filter((channel) => /\{[^}]+\}/.test(channel.address))
  .map((channel): readonly [string, AnyChannel] => [channel.id, channel]);

it('the contract has parameterised channels, and some parameter refuses some token', () => {
  expect(parameterised.length).toBeGreaterThan(0);
  expect(parameterised.some(([id]) => probes(id).some((probe) => !probe.valid))).toBe(true);
});

describe("subject() and parse() follow each parameter's declared schema", () => {
  it.each(parameterised)('%s: accepts what the declared schema accepts (its examples among them), refuses the rest', (id, channel) => {
    const base = parameterValuesFor(id, exampleOf(channel.messageName));
    const list = probes(id);
    expect(list.filter((probe) => probe.valid).length, 'the declared examples are accepted').toBeGreaterThan(0);
    for (const probe of list) {
      const params = { ...base, [probe.parameter]: probe.value };
      const subject = subjectWith(channel.address, params);
      const where = `${probe.parameter} = ${JSON.stringify(probe.value)}`;
      expect(channel.parse(subject), where).toEqual(probe.valid ? params : undefined);
      const build = (): string => (channel.subject as (p: Record<string, string>) => string)(params);
      if (probe.valid) expect(build(), where).toBe(subject);
      else expect(build, where).toThrow(SubjectError);
    }
  });
});

describe('wildcard subscriptions check each subject parameter', () => {
  it.each(parameterised)(
    '%s: values the declared schema refuses are rejected before the handler, reported with the subject; valid ones arrive typed',
    async (id, channel) => {
      const names = [...channel.address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const wildcard = Object.fromEntries(names.map((n) => [n, '*']));
      const payload = exampleOf(channel.messageName);
      const valid = parameterValuesFor(id, payload);
      const invalid = probes(id)
        .filter((probe) => !probe.valid)
        .map((probe) => subjectWith(channel.address, { ...valid, [probe.parameter]: probe.value }));
      const received: { params: Record<string, string> }[] = [];
      const before = errors.length;
      type Untyped = (
        c: NatsClient,
        p: Record<string, string>,
        h: (payload: unknown, ctx: { params: Record<string, string> }) => void,
      ) => Promise<Subscription>;
      const subscribe = channel.subscribe.bind(channel) as Untyped;
      const sub = await subscribe(client, wildcard, (_payload, ctx) => received.push({ params: { ...ctx.params } }));
      for (const subject of invalid) raw.publish(subject, encode(payload));
      raw.publish(subjectWith(channel.address, valid), encode(payload));
      await raw.flush();
      await waitFor(() => received.length === 1 && sub.rejected === invalid.length, `one delivery and ${invalid.length} rejections`);
      expect(received[0]!.params).toEqual(valid);
      const reported = errors.slice(before).filter((e) => e instanceof ValidationError);
      expect(reported.map((e) => e.subject).sort()).toEqual([...invalid].sort());
      for (const error of reported) {
        expect(error.message).toMatch(/subject parameters/);
        expect(error.direction).toBe('inbound');
      }
      // The subscription goes on.
      raw.publish(subjectWith(channel.address, valid), encode(payload));
      await waitFor(() => received.length === 2, 'a second delivery');
      await sub.unsubscribe();
    },
  );

  it('an enum parameter: a value outside the enum never reaches the handler', async () => {
    const events = defineChannel({
      id: 'clusterEvents',
      address: 'test.events.{kind}',
      parameters: { kind: z.enum(['scale', 'drain']) },
      message: { name: 'Event', schema: z.strictObject({ at: z.number() }) },
    });
    const kinds: string[] = [];
    const before = errors.length;
    const sub = await events.subscribe(client, { kind: '*' }, (_payload, ctx) => {
      kinds.push(ctx.params.kind);
    });
    raw.publish('test.events.bogus', encode({ at: 1 }));
    raw.publish('test.events.drain', encode({ at: 2 }));
    await raw.flush();
    await waitFor(() => kinds.length === 1 && sub.rejected === 1, 'one delivery and one rejection');
    expect(kinds).toEqual(['drain']);
    const reported = errors.slice(before).find((e): e is ValidationError => e instanceof ValidationError);
    expect(reported?.subject).toBe('test.events.bogus');
    expect(reported?.issues[0]?.path).toBe('{kind}');
    await sub.unsubscribe();
  });
});

const VALID_WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';

describe('wildcard replies check each subject parameter', () => {
  // On the channel the cluster layer serves inference on: its workerId is declared a UUID.
  it('a request to a subject whose parameter breaks its schema gets an error reply; the handler does not run', async () => {
    const handled: string[] = [];
    const sub = await channels.workerInference.reply(client, { workerId: '*' }, (request, ctx) => {
      handled.push(ctx.params.workerId);
      return { requestId: request.requestId, status: 'accepted' as const, workerId: ctx.params.workerId, queuePosition: 0 };
    });
    const request = exampleOf('InferenceRequest');
    const bad = await raw.request('worker.not-a-uuid.inference', encode(request), { timeout: 2000, headers: natsHeaders() });
    expect(bad.headers?.get('Nats-Service-Error-Code')).toBe('400');
    expect(bad.headers?.get('Mlx-Error-Code')).toBe('VALIDATION');
    expect(bad.headers?.get('Nats-Service-Error')).toMatch(/worker\.not-a-uuid\.inference/);
    expect(handled).toEqual([]);
    expect(sub.rejected).toBe(1);
    const good = await raw.request(`worker.${VALID_WORKER}.inference`, encode(request), { timeout: 2000 });
    expect(good.headers?.has('Nats-Service-Error-Code') ?? false).toBe(false); // the reply has headers (Contract-Version), none of an error
    expect(handled).toEqual([VALID_WORKER]);
    await sub.unsubscribe();
  });
});
