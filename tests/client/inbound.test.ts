/**
 * inbound.ts without a server: subscription callbacks (decode, count, call the handler, contain its failure, track it
 * until it settles), reply callbacks (answer through the writer with the result, or an error reply for a request that
 * cannot be read, a handler that fails, a reply that cannot be encoded, a busy responder), the slow-consumer episode,
 * endpoint counting, and replies to this client's own requests.
 * Elsewhere: the same on a real server, tests/client/client.test.ts and client-edges.test.ts; maxInFlight under load,
 * tests/client/reliability-slow-consumer.test.ts; unknown properties counted and logged once,
 * tests/contract/tolerant-reader.test.ts; compressed messages, tests/client/client-features.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { headers as natsHeaders, type Msg } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { HandlerError, MessageDecodeError, NatsRemoteError, NatsSlowConsumerError, ValidationError, type DistributedError } from '../../src/base/errors.js';
import { silentLogger } from '../../src/base/logger.js';
import { EndpointCounters } from '../../src/client/endpoint-stats.js';
import { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER } from '../../src/client/error-codes.js';
import { Inbound, type Replier } from '../../src/client/inbound.js';
import { ManagedSubscription } from '../../src/client/messages.js';
import { JSON_SERIALIZER, type Serializer } from '../../src/client/serializers.js';

/** An Inbound whose replies and reports are recorded. */
function inbound(): { in: Inbound; reported: DistributedError[]; answers: unknown[]; errors: [code: string, message: string][] } {
  const reported: DistributedError[] = [];
  const answers: unknown[] = [];
  const errors: [string, string][] = [];
  const replies: Replier = {
    respond: (msg, value, serializer) => {
      serializer.encode(value, msg.subject);
      answers.push(value);
      return msg.reply !== undefined;
    },
    respondError: (msg, code, message) => {
      errors.push([code, message]);
      return msg.reply !== undefined;
    },
  };
  return { in: new Inbound({ report: (error) => reported.push(error), replies, logger: silentLogger }), reported, answers, errors };
}

function message(subject: string, data: string | Uint8Array, reply?: string, headers?: Record<string, string>): Msg {
  const h = headers === undefined ? undefined : natsHeaders();
  for (const [key, value] of Object.entries(headers ?? {})) h?.set(key, value);
  return { subject, reply, data: typeof data === 'string' ? Buffer.from(data) : data, headers: h } as unknown as Msg;
}

const json: Serializer<unknown> = JSON_SERIALIZER;
const subscription = (maxInFlight = Infinity): ManagedSubscription => new ManagedSubscription('in.>', () => undefined, maxInFlight);
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('subscription callbacks', () => {
  it('decode, count and call the handler with the context', () => {
    const { in: dispatch } = inbound();
    const sub = subscription();
    const seen: [unknown, string][] = [];
    dispatch.subscriber(
      sub,
      (data, context) => {
        seen.push([data, context.subject]);
      },
      json,
    )(null, message('in.a', '{"n":1}'));
    expect(seen).toEqual([[{ n: 1 }, 'in.a']]);
    expect(sub.received).toBe(1);
  });

  it('count and report a message that cannot be decoded; the handler never runs', () => {
    const { in: dispatch, reported } = inbound();
    const sub = subscription();
    let called = false;
    dispatch.subscriber(
      sub,
      () => {
        called = true;
      },
      json,
    )(null, message('in.bad', 'not json'));
    expect(called).toBe(false);
    expect(sub.rejected).toBe(1);
    expect(reported[0]).toBeInstanceOf(MessageDecodeError);
  });

  it('report a handler that throws or rejects, and track an async one until it settles', async () => {
    const { in: dispatch, reported } = inbound();
    const sub = subscription();
    dispatch.subscriber(
      sub,
      () => {
        throw new Error('sync');
      },
      json,
    )(null, message('in.t', '1'));
    let finish: () => void = () => undefined;
    dispatch.subscriber(sub, () => new Promise<void>((resolve) => (finish = resolve)), json)(null, message('in.t', '2'));
    dispatch.subscriber(sub, () => Promise.reject(new Error('async')), json)(null, message('in.t', '3'));
    let idle = false;
    void dispatch.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    expect(sub.inFlight).toBe(1);
    finish();
    await settle();
    expect(idle).toBe(true);
    expect(reported).toHaveLength(2);
    for (const error of reported) {
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ subject: 'in.t' });
    }
  });

  it('drop past maxInFlight before decoding, and report one slow-consumer episode until half the slots are free', async () => {
    const { in: dispatch, reported } = inbound();
    const sub = subscription(2);
    const waiting: (() => void)[] = [];
    const callback = dispatch.subscriber(sub, () => new Promise<void>((resolve) => waiting.push(resolve)), json);
    callback(null, message('in.slow', '1'));
    callback(null, message('in.slow', '2'));
    callback(null, message('in.slow', '3'));
    callback(null, message('in.slow', '4'));
    expect(sub.inFlight).toBe(2);
    expect(sub.dropped).toBe(2);
    expect(reported.filter((e) => e instanceof NatsSlowConsumerError)).toHaveLength(1);
    for (const resolve of waiting.splice(0)) resolve();
    await settle();
    callback(null, message('in.slow', '5'));
    callback(null, message('in.slow', '6'));
    callback(null, message('in.slow', '7'));
    expect(reported.filter((e) => e instanceof NatsSlowConsumerError)).toHaveLength(2);
  });
});

describe('reply callbacks', () => {
  it('answer with the handler result, synchronous or not, counting each for its endpoint', async () => {
    const { in: dispatch, answers } = inbound();
    const sub = subscription();
    sub.endpoint = new EndpointCounters({ name: 'e' }, 'in.rpc', undefined);
    dispatch.responder(
      sub,
      (n: number) => n + 1,
      JSON_SERIALIZER as Serializer<number>,
      JSON_SERIALIZER as Serializer<number>,
    )(null, message('in.rpc', '1', '_INBOX.1'));
    dispatch.responder(
      sub,
      (n: number) => Promise.resolve(n * 10),
      JSON_SERIALIZER as Serializer<number>,
      JSON_SERIALIZER as Serializer<number>,
    )(null, message('in.rpc', '2', '_INBOX.2'));
    await dispatch.idle();
    expect(answers).toEqual([2, 20]);
    expect(sub.endpoint.requests).toBe(2);
    expect(sub.endpoint.errors).toBe(0);
  });

  it('answer with an error reply a request that cannot be read, a failing handler, a reply that cannot be encoded', async () => {
    const { in: dispatch, errors, reported } = inbound();
    const sub = subscription();
    sub.endpoint = new EndpointCounters({ name: 'e' }, 'in.rpc', undefined);
    const refusing: Serializer<unknown> = {
      ...json,
      encode: () => {
        throw new ValidationError('outbound', 'in.rpc', [{ path: 'x', message: 'bad' }], 'Reply');
      },
    };
    dispatch.responder(sub, () => 1, json, json)(null, message('in.rpc', '{', '_INBOX.1'));
    dispatch.responder(sub, () => Promise.reject(new Error('boom')), json, json)(null, message('in.rpc', '1', '_INBOX.2'));
    dispatch.responder(sub, () => 1, json, refusing)(null, message('in.rpc', '1', '_INBOX.3'));
    await dispatch.idle();
    expect(errors.map(([code]) => code)).toEqual(['DECODE', 'VALIDATION', 'HANDLER_ERROR']);
    expect(errors[2]?.[1]).toBe('boom');
    expect(sub.endpoint.errors).toBe(3);
    expect(sub.endpoint.lastError).toBe(errors[2]?.[1]);
    expect(reported.map((e) => e.code)).toEqual(['DECODE', 'VALIDATION', 'HANDLER_ERROR']);
  });

  it('answer a request at once with NATS_SLOW_CONSUMER past maxInFlight', () => {
    const { in: dispatch, errors } = inbound();
    const sub = subscription(1);
    const callback = dispatch.responder(sub, () => new Promise(() => undefined), json, json);
    callback(null, message('in.busy', '1', '_INBOX.1'));
    callback(null, message('in.busy', '2', '_INBOX.2'));
    expect(errors).toEqual([['NATS_SLOW_CONSUMER', 'The responder on "in.busy" is busy (1 requests in progress); retry later.']]);
    expect(sub.dropped).toBe(1);
  });
});

describe("replies to this client's requests", () => {
  it('decode the value, undo compression, and turn an error reply into NatsRemoteError', () => {
    const { in: dispatch } = inbound();
    expect(dispatch.decodeResponse(message('_INBOX.1', '{"ok":true}'), 'in.req', json)).toEqual({ ok: true });
    const zipped = message('_INBOX.2', gzipSync(Buffer.from('"big"')), undefined, { 'Content-Encoding': 'gzip' });
    expect(dispatch.decodeResponse(zipped, 'in.req', json)).toBe('big');
    const failed = message('_INBOX.3', '', undefined, {
      [SERVICE_ERROR_HEADER]: 'no',
      [SERVICE_ERROR_CODE_HEADER]: '500',
      [ERROR_CODE_HEADER]: 'HANDLER_ERROR',
    });
    expect(() => dispatch.decodeResponse(failed, 'in.req', json)).toThrow(NatsRemoteError);
    expect(() => dispatch.decodeResponse(message('_INBOX.4', '{'), 'in.req', json)).toThrow(MessageDecodeError);
  });
});
