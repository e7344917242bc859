/**
 * Subject parameters are validated on the way in, like payloads: a wildcard subscription or reply never hands its
 * handler a message whose subject breaks a parameter's schema. Foreign publishers (plain nats.js) send to
 * subjects that match the wildcard but not the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { z } from 'zod';
import { channels, defineChannel, NatsClient, ValidationError, type DistributedError, type Subscription } from '../../src/index.js';
import { exampleOf } from '../helpers/reliability.js';
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

const VALID_WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

const subjectWith = (address: string, value: string): string => address.replace(/\{[^}]+\}/g, value);
/** Every channel of the contract whose parameters accept a UUID and refuse "0" and "not-a-uuid". */
const uuidChannels = Object.values(channels).filter(
  (channel) =>
    /\{[^}]+\}/.test(channel.address) &&
    channel.parse(subjectWith(channel.address, VALID_WORKER)) !== undefined &&
    ['0', 'not-a-uuid'].every((bad) => channel.parse(subjectWith(channel.address, bad)) === undefined),
);

it('the contract has channels with UUID parameters to check', () => {
  expect(uuidChannels.length).toBeGreaterThan(0);
});

describe('wildcard subscriptions check each subject parameter', () => {
  it.each(uuidChannels.map((channel) => [channel.address, channel] as const))(
    '%s: invalid parameter values are rejected before the handler, reported with the subject; valid ones arrive typed',
    async (_address, channel) => {
      const names = [...channel.address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const wildcard = Object.fromEntries(names.map((n) => [n, '*']));
      const received: { params: Record<string, string> }[] = [];
      const before = errors.length;
      type Untyped = (c: NatsClient, p: Record<string, string>, h: (payload: unknown, ctx: { params: Record<string, string> }) => void) => Promise<Subscription>;
      const subscribe = channel.subscribe.bind(channel) as Untyped;
      const sub = await subscribe(client, wildcard, (_payload, ctx) => received.push({ params: { ...ctx.params } }));
      const payload = exampleOf(channel.messageName);
      const subjectFor = (value: string): string => subjectWith(channel.address, value);
      for (const bad of ['not-a-uuid', '0']) raw.publish(subjectFor(bad), encode(payload));
      raw.publish(subjectFor(VALID_WORKER), encode(payload));
      await raw.flush();
      await waitFor(() => received.length === 1 && sub.rejected === 2, 'one delivery and two rejections');
      expect(received[0]!.params).toEqual(Object.fromEntries(names.map((n) => [n, VALID_WORKER])));
      const reported = errors.slice(before).filter((e) => e instanceof ValidationError);
      expect(reported.map((e) => (e).subject).sort()).toEqual([subjectFor('0'), subjectFor('not-a-uuid')].sort());
      expect(reported[0]!.message).toMatch(/subject parameters/);
      expect(reported.every((e) => (e).direction === 'inbound')).toBe(true);
      // The subscription goes on.
      raw.publish(subjectFor(VALID_WORKER), encode(payload));
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

describe('wildcard replies check each subject parameter', () => {
  it('a request to a subject whose parameter breaks its schema gets an error reply; the handler does not run', async () => {
    const handled: string[] = [];
    const sub = await channels.workerInference.reply(client, { workerId: '*' }, (request, ctx) => {
      handled.push(ctx.params.workerId);
      return { requestId: request.requestId, status: 'accepted' as const, workerId: ctx.params.workerId, queuePosition: 0 };
    });
    const request = exampleOf('InferenceRequest');
    const bad = await raw.request('worker.not-a-uuid.inference', encode(request), { timeout: 2000, headers: natsHeaders() });
    expect(bad.headers?.get('Nats-Service-Error-Code')).toBe('VALIDATION');
    expect(bad.headers?.get('Nats-Service-Error')).toMatch(/worker\.not-a-uuid\.inference/);
    expect(handled).toEqual([]);
    expect(sub.rejected).toBe(1);
    const good = await raw.request(`worker.${VALID_WORKER}.inference`, encode(request), { timeout: 2000 });
    expect(good.headers?.get('Nats-Service-Error-Code')).toBeUndefined();
    expect(handled).toEqual([VALID_WORKER]);
    await sub.unsubscribe();
  });
});
