/**
 * Every generated channel on a real nats-server: every channel of the contract carries every example of its message
 * (and answers every request example with its reply examples) on the subject its parameters name; wildcard
 * subscriptions with their parameters, request/reply with the acknowledgement, and validation on both sides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  channels,
  NatsClient,
  NatsRemoteError,
  SubjectError,
  ValidationError,
  type InferenceAck,
  type InferenceRequest,
  type MessageContext,
  type Subscription,
  type WorkerHeartbeat,
} from '../../src/index.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';
import { parameterValuesFor } from '../helpers/reliability.js';

/** Example payloads of every message, read from the contract itself. */
const spec = parse(readFileSync('asyncapi.yaml', 'utf8')) as { components: { messages: Record<string, { examples: { payload: unknown }[] }> } };
const examples = (message: string): unknown[] => spec.components.messages[message]?.examples.map((e) => e.payload) ?? [];
const first = (message: string): unknown => examples(message)[0];

const WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const OTHER = '1c9d6b47-8a3f-4e2b-8d4c-6f7a8b9c0d1e';

const shared = useServerWithClients();

/** Collects what a subscription delivers. */
function collector<T>(): { items: T[]; push: (item: T) => void } {
  const items: T[] = [];
  return { items, push: (item) => items.push(item) };
}

/** A generated channel seen without its types, so that every channel of the contract is driven the same way. */
interface AnyChannel {
  readonly id: string;
  readonly address: string;
  readonly messageName: string;
  readonly replyName?: string;
  publish(client: NatsClient, ...args: unknown[]): Promise<void>;
  subscribe(client: NatsClient, ...args: unknown[]): Promise<Subscription>;
  request?(client: NatsClient, ...args: unknown[]): Promise<unknown>;
  reply?(client: NatsClient, ...args: unknown[]): Promise<Subscription>;
}
type Context = MessageContext & { params: Record<string, string> };
const everyChannel = (Object.values(channels) as unknown as AnyChannel[]).map((channel) => [channel.id, channel] as const);
/** The arguments of a channel method: the parameters first when the address has any, then `rest`. */
const withParams = (channel: AnyChannel, params: Record<string, string>, ...rest: unknown[]): unknown[] =>
  /\{[^}]+\}/.test(channel.address) ? [params, ...rest] : rest;
const subjectOf = (channel: AnyChannel, params: Record<string, string>): string =>
  channel.address.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');

describe('publish/subscribe round trips with the contract examples', () => {
  it.each(everyChannel)('%s carries every example of its message unchanged, on the subject its parameters name', async (_id, channel) => {
    const payloads = examples(channel.messageName);
    expect(payloads.length).toBeGreaterThan(0);
    for (const payload of payloads) {
      const params = parameterValuesFor(channel.id, payload);
      const got = collector<{ payload: unknown; subject: string; params: Record<string, string> }>();
      const handler = (received: unknown, ctx: Context): void => {
        got.push({ payload: received, subject: ctx.subject, params: { ...ctx.params } });
      };
      const sub = await channel.subscribe(shared.client, ...withParams(channel, params, handler));
      await channel.publish(shared.client, ...withParams(channel, params, payload));
      await waitFor(() => got.items.length === 1, `${channel.messageName} on ${channel.address}`);
      expect(got.items).toEqual([{ payload, subject: subjectOf(channel, params), params }]);
      await sub.unsubscribe();
    }
  });

  // The cluster layer subscribes per request on response.*.{requestId}: events of other requests must not reach it,
  // and each event names its worker in the subject.
  it('response.*.{requestId} carries each StreamingResponse variant, from any worker, to the subscriber of that request only', async () => {
    const events = examples('StreamingResponse') as { requestId: string; type: string }[];
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['token', 'done', 'error']));
    const requestId = events[0]!.requestId;
    const mine = collector<string>();
    const others = collector<unknown>();
    const a = await channels.response.subscribe(shared.client, { workerId: '*', requestId }, (_e, ctx) => {
      mine.push(ctx.params.workerId);
    });
    const b = await channels.response.subscribe(shared.client, { workerId: '*', requestId: OTHER }, (e) => {
      others.push(e);
    });
    for (const [i, event] of events.entries())
      await channels.response.publish(shared.client, { workerId: i === 0 ? OTHER : WORKER, requestId: event.requestId }, event as never);
    await waitFor(() => mine.items.length === events.filter((e) => e.requestId === requestId).length, 'events for the request');
    await shared.client.flush();
    expect(mine.items).toEqual(events.map((_e, i) => (i === 0 ? OTHER : WORKER)));
    expect(others.items).toEqual([]);
    await a.unsubscribe();
    await b.unsubscribe();
  });

  it('a wildcard subscription hands the parsed parameters to the handler', async () => {
    const request = first('InferenceRequest') as InferenceRequest;
    const got = collector<{ workerId: string; subject: string; prompt: string }>();
    const sub = await channels.workerInference.subscribe(shared.client, { workerId: '*' }, (payload, ctx) => {
      got.push({ workerId: ctx.params.workerId, subject: ctx.subject, prompt: payload.prompt });
    });
    await channels.workerInference.publish(shared.client, { workerId: WORKER }, request);
    await channels.workerInference.publish(shared.client, { workerId: OTHER }, request);
    await waitFor(() => got.items.length === 2, 'two inference requests');
    expect(got.items).toEqual([
      { workerId: WORKER, subject: `worker.${WORKER}.inference`, prompt: request.prompt },
      { workerId: OTHER, subject: `worker.${OTHER}.inference`, prompt: request.prompt },
    ]);
    await sub.unsubscribe();
  });
});

describe('request/reply round trips with the contract examples', () => {
  const requestReply = everyChannel.filter(([, channel]) => channel.replyName !== undefined);
  it('the contract has request/reply channels', () => {
    expect(requestReply.length).toBeGreaterThan(0);
  });

  it.each(requestReply)('%s answers every request example with every reply example, typed and validated on both sides', async (_id, channel) => {
    const requests = examples(channel.messageName);
    const replies = examples(channel.replyName ?? '');
    expect(requests.length).toBeGreaterThan(0);
    expect(replies.length).toBeGreaterThan(0);
    for (let i = 0; i < Math.max(requests.length, replies.length); i++) {
      const request = requests[i % requests.length];
      const answer = replies[i % replies.length];
      const params = parameterValuesFor(channel.id, request);
      const received = collector<unknown>();
      const sub = await channel.reply!(
        shared.client,
        ...withParams(channel, params, (payload: unknown) => {
          received.push(payload);
          return answer;
        }),
      );
      expect(await channel.request!(shared.client, ...withParams(channel, params, request))).toEqual(answer);
      expect(received.items).toEqual([request]);
      await sub.unsubscribe();
    }
  });
});

describe('request/reply with the acknowledgement', () => {
  it('the worker acknowledges, typed on both sides', async () => {
    const sub = await channels.workerInference.reply(shared.client, { workerId: WORKER }, (request, ctx): InferenceAck => ({
      requestId: request.requestId,
      workerId: ctx.params.workerId,
      status: 'accepted',
    }));
    const request = first('InferenceRequest') as InferenceRequest;
    const ack = await channels.workerInference.request(shared.client, { workerId: WORKER }, request);
    expect(ack).toEqual({ requestId: request.requestId, workerId: WORKER, status: 'accepted' });
    await sub.unsubscribe();
  });

  it('an invalid reply is refused by the responder and reaches the requester as a remote VALIDATION error', async () => {
    const sub = await channels.workerInference.reply(shared.client, { workerId: WORKER }, (request) => ({
      requestId: request.requestId,
      workerId: 'nope',
      status: 'accepted',
    }));
    const error = await channels.workerInference
      .request(shared.client, { workerId: WORKER }, first('InferenceRequest') as InferenceRequest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsRemoteError);
    expect((error as NatsRemoteError).remoteCode).toBe('VALIDATION');
    expect((error as NatsRemoteError).message).toMatch(/workerId/);
    await sub.unsubscribe();
  });
});

describe('validation on both sides', () => {
  it('an invalid outbound payload rejects with a ValidationError naming subject and field, and nothing is sent', async () => {
    let seen = 0;
    const sub = shared.raw.subscribe('worker.*.heartbeat', {
      callback: () => {
        seen += 1;
      },
    });
    const heartbeat = {
      ...(first('WorkerHeartbeat') as WorkerHeartbeat),
      metrics: { ...(first('WorkerHeartbeat') as WorkerHeartbeat).metrics, cpuUsagePercent: 140 },
    };
    const error = await channels.workerHeartbeat.publish(shared.client, { workerId: heartbeat.workerId }, heartbeat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).subject).toBe(`worker.${heartbeat.workerId}.heartbeat`);
    expect((error as ValidationError).direction).toBe('outbound');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['metrics.cpuUsagePercent']);
    await shared.client.flush();
    await shared.raw.flush();
    expect(seen).toBe(0);
    sub.unsubscribe();
  });

  it('an invalid inbound message never reaches the handler, is reported with its subject, and the subscription goes on', async () => {
    const got = collector<WorkerHeartbeat>();
    const sub = await channels.workerHeartbeat.subscribe(shared.client, { workerId: '*' }, (hb) => {
      got.push(hb);
    });
    shared.errors.length = 0;
    const valid = first('WorkerHeartbeat') as WorkerHeartbeat;
    const subject = channels.workerHeartbeat.subject({ workerId: valid.workerId });
    shared.raw.publish(subject, Buffer.from(JSON.stringify({ ...valid, workerId: 'worker-123' })));
    shared.raw.publish(subject, Buffer.from('{not json'));
    shared.raw.publish(subject, new Uint8Array(0));
    shared.raw.publish(subject, Buffer.from(JSON.stringify({ ...valid, workerId: OTHER })));
    shared.raw.publish(subject, Buffer.from(JSON.stringify(valid)));
    await shared.raw.flush();
    await waitFor(() => got.items.length === 1 && shared.errors.length === 4, 'one delivery and four reported errors');
    expect(got.items).toEqual([valid]);
    expect(shared.errors.map((e) => e.code)).toEqual(['VALIDATION', 'DECODE', 'DECODE', 'VALIDATION']);
    expect(shared.errors.every((e) => (e as { subject?: string }).subject === subject)).toBe(true);
    expect(shared.errors[3]?.message).toContain(`"${OTHER}" contradicts the subject, whose {workerId} is "${valid.workerId}"`);
    expect(sub.rejected).toBe(4);
    await sub.unsubscribe();
  });

  it.each(['>', '*', 'a.b', '', 'worker-123'])('refuses the parameter %j before anything is sent', async (workerId) => {
    const error = await channels.workerInference.publish(shared.client, { workerId }, first('InferenceRequest') as InferenceRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubjectError);
    expect(() => channels.workerInference.subject({ workerId })).toThrow(SubjectError);
  });

  // On the inference subject the cluster layer sends to; every channel's subject/parse is a property in
  // tests/generated/property-schemas.test.ts.
  it('subject() and parse() agree with the address', () => {
    expect(channels.workerInference.address).toBe('worker.{workerId}.inference');
    expect(channels.workerInference.subject({ workerId: WORKER })).toBe(`worker.${WORKER}.inference`);
    expect(channels.workerInference.parse(`worker.${WORKER}.inference`)).toEqual({ workerId: WORKER });
    expect(channels.workerInference.parse(`worker.${WORKER}.inference.x`)).toBeUndefined();
    expect(channels.workerHeartbeat.subject({ workerId: WORKER })).toBe(`worker.${WORKER}.heartbeat`);
  });
});
