/**
 * Issue 7, subject injection through channel parameters and through the generic API: wildcards, empty tokens,
 * white space, control characters and NATS protocol text (CRLF + a command) are refused with SubjectError before
 * anything is sent; a raw spy subscribed to `>` on the same server proves nothing left.
 */
import { connect as natsConnect } from '@nats-io/transport-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedError, NatsClient, SubjectError, channels, type InferenceRequest } from '../../src/index.js';
import type { TestNatsServer } from '../helpers/nats-server.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import { exampleOf } from '../helpers/reliability.js';

const cleanup = new Cleanup();
let server: TestNatsServer;
let client: NatsClient;
let spy: NatsConnection;
const seen: string[] = [];

beforeAll(async () => {
  server = await cleanup.server();
  client = await cleanup.client(server.url);
  spy = await natsConnect({ servers: server.url });
  cleanup.add(() => spy.close());
  spy.subscribe('>', {
    callback: (_err, msg) => {
      if (!msg.subject.startsWith('_INBOX.')) seen.push(msg.subject);
    },
  });
  await spy.flush();
});
afterAll(() => cleanup.run());

/** Injected tokens: each would widen, shift or break the subject if it reached the wire. */
const INJECTED = ['', '*', '>', 'a.b', 'a.*', 'a.>', '.', 'a b', 'a\tb', 'a\r\nPUB evil 1\r\nx', 'a\u0000b', 'a\u007fb', 'a\u2028b', ' '];
/** Whole subjects for the generic API that must be refused for publish/request (concrete subjects only). */
const BAD_PUBLISH = ['a.*', 'a.>', '>', 'a..b', '.a', 'a.', 'a b', ' a', 'a\tb', 'a\nb', 'ok\r\nPUB evil 1\r\nx', 'a\u0000b', 'a\u2029b'];
/** Whole subjects that must be refused for subscribe/reply (wildcards only as whole tokens, `>` last). */
const BAD_SUBSCRIBE = ['a..b', '.a', 'a.', 'a b', 'a*', 'a.b*', '>.a', 'a.>.b', 'a\r\nSUB evil 9', 'a\u0000b', '\t'];

/** Every message the spy has seen since `mark`, after a flush of both sides. */
async function seenSince(mark: number): Promise<string[]> {
  await client.flush();
  await spy.flush();
  return seen.slice(mark);
}

describe('generic API', () => {
  it.each(BAD_PUBLISH.map((s) => [JSON.stringify(s), s]))('publish, tryPublish and request refuse %s and send nothing', async (_shown, subject) => {
    const mark = seen.length;
    await expect(client.publish(subject, 1)).rejects.toBeInstanceOf(SubjectError);
    expect(() => {
      client.tryPublish(subject, 1);
    }).toThrow(SubjectError);
    await expect(client.request(subject, 1, { timeout: 500 })).rejects.toBeInstanceOf(SubjectError);
    expect(await seenSince(mark)).toEqual([]);
  });

  it.each(BAD_SUBSCRIBE.map((s) => [JSON.stringify(s), s]))('subscribe and reply refuse %s', async (_shown, subject) => {
    await expect(client.subscribe(subject, () => undefined)).rejects.toBeInstanceOf(SubjectError);
    await expect(client.reply(subject, () => 1)).rejects.toBeInstanceOf(SubjectError);
  });

  it('error messages show control characters escaped, never raw', async () => {
    const error = (await client.publish('a\r\nPUB evil 1', 1).catch((e: unknown) => e)) as SubjectError;
    expect(error.message).toContain('\\u000d\\u000a');
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  it('queue groups and header lines cannot smuggle protocol text', async () => {
    for (const queue of ['q\r\nUNSUB 1', 'q w', '']) {
      await expect(client.subscribe('safe.queue', () => undefined, { queue })).rejects.toBeInstanceOf(SubjectError);
    }
    const got: { value: string | undefined; keys: string[] }[] = [];
    await client.subscribe('safe.headers', (_d, ctx) => {
      got.push({ value: ctx.headers?.get('X-Note')?.[0], keys: [...(ctx.headers?.keys() ?? [])] });
    });
    const mark = seen.length;
    await client.publish('safe.headers', 1, { headers: { 'X-Note': 'line one\r\nPUB evil 1\r\nx' } });
    const badKey = await client.publish('safe.headers', 2, { headers: { 'X-Bad\r\nPUB evil 1': 'v' } }).catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(DistributedError);
    await waitFor(() => got.length === 1, 'the message with a sanitised header');
    expect(got[0]?.value).toBe('line one PUB evil 1 x');
    expect(got[0]?.keys).toEqual(['X-Note']);
    expect(await seenSince(mark)).toEqual(['safe.headers']);
  });
});

describe('channel parameters', () => {
  const request = exampleOf('InferenceRequest') as InferenceRequest;

  it.each(INJECTED.map((v) => [JSON.stringify(v), v]))(
    'workerInference refuses workerId %s in subject, publish, request, subscribe and reply',
    async (_shown, workerId) => {
      const mark = seen.length;
      expect(() => channels.workerInference.subject({ workerId })).toThrow(SubjectError);
      await expect(channels.workerInference.publish(client, { workerId }, request)).rejects.toBeInstanceOf(SubjectError);
      await expect(channels.workerInference.request(client, { workerId }, request, { timeout: 500 })).rejects.toBeInstanceOf(SubjectError);
      if (workerId !== '*') {
        await expect(channels.workerInference.subscribe(client, { workerId }, () => undefined)).rejects.toBeInstanceOf(SubjectError);
        await expect(
          channels.workerInference.reply(client, { workerId }, () => ({
            requestId: request.requestId,
            workerId: request.requestId,
            status: 'accepted' as const,
          })),
        ).rejects.toBeInstanceOf(SubjectError);
      }
      expect(await seenSince(mark)).toEqual([]);
    },
  );

  it.each(INJECTED.map((v) => [JSON.stringify(v), v]))('response refuses requestId %s', async (_shown, requestId) => {
    const workerId = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
    expect(() => channels.response.subject({ workerId, requestId })).toThrow(SubjectError);
    const error = (await channels.response
      .publish(client, { workerId, requestId }, exampleOf('StreamingResponse') as never)
      .catch((e: unknown) => e)) as SubjectError;
    expect(error).toBeInstanceOf(SubjectError);
    expect(error.parameter).toBe('requestId');
  });

  it('a value that is one safe token but breaks the parameter schema (not a UUID) is refused too, naming the parameter', async () => {
    const error = (await channels.workerInference.publish(client, { workerId: 'worker-7' }, request).catch((e: unknown) => e)) as SubjectError;
    expect(error).toBeInstanceOf(SubjectError);
    expect(error.parameter).toBe('workerId');
    expect(error.message).toContain('worker-7');
  });

  it('"*" subscribes to every value on purpose, and the handler gets the concrete value back', async () => {
    const ids: string[] = [];
    const sub = await channels.workerInference.subscribe(client, { workerId: '*' }, (_req, ctx) => {
      ids.push(ctx.params.workerId);
    });
    const worker = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
    await channels.workerInference.publish(client, { workerId: worker }, request);
    await waitFor(() => ids.length === 1, 'the message');
    expect(ids).toEqual([worker]);
    expect(sub.subject).toBe('worker.*.inference');
    await sub.unsubscribe();
  });
});
