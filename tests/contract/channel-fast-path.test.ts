/**
 * The channel runtime's fast path (src/contract/define-channel.ts): subjects built once or remembered per parameter value,
 * without letting a bad value through; handler parameters fixed at subscribe time or parsed for wildcards; publish
 * and request reject (never throw) on bad input. A recording transport stands in for the client.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineChannel, type ChannelTransport } from '../../src/contract/define-channel.js';
import { SubjectError } from '../../src/base/errors.js';
import type { MessageContext, MessageHandler, Subscription } from '../../src/client/types.js';

const Payload = z.strictObject({ n: z.number() });
const Ack = z.strictObject({ ok: z.boolean() });
const one = defineChannel({
  id: 'job',
  address: 'job.{workerId}.run',
  parameters: { workerId: z.string().regex(/^w[0-9]+$/) },
  message: { name: 'Job', schema: Payload },
  reply: { name: 'Ack', schema: Ack },
});
const none = defineChannel({ id: 'tick', address: 'tick', parameters: {}, message: { name: 'Tick', schema: Payload } });
const two = defineChannel({
  id: 'pair',
  address: 'pair.{a}.{b}',
  parameters: { a: z.string(), b: z.string() },
  message: { name: 'Pair', schema: Payload },
});

/** Records what a channel asks of the client; subscribe keeps the handler so a test can deliver messages. */
function recorder(): { transport: ChannelTransport; subjects: string[]; handlers: MessageHandler<unknown>[] } {
  const subjects: string[] = [];
  const handlers: MessageHandler<unknown>[] = [];
  const subscription: Subscription = { subject: '', received: 0, rejected: 0, dropped: 0, unsubscribe: () => Promise.resolve(), isClosed: () => false };
  const transport: ChannelTransport = {
    publish: (subject) => {
      subjects.push(subject);
      return Promise.resolve();
    },
    subscribe: (subject, handler) => {
      subjects.push(subject);
      handlers.push(handler as MessageHandler<unknown>);
      return Promise.resolve({ ...subscription, subject });
    },
    request: <Res>(subject: string) => {
      subjects.push(subject);
      return Promise.resolve({ ok: true } as Res);
    },
    reply: (subject, handler) => {
      subjects.push(subject);
      handlers.push(handler as MessageHandler<unknown>);
      return Promise.resolve({ ...subscription, subject });
    },
  };
  return { transport, subjects, handlers };
}

describe('subjects on the publish path', () => {
  it('a channel without parameters always publishes to its address', async () => {
    const r = recorder();
    await none.publish(r.transport, { n: 1 });
    await none.publish(r.transport, { n: 2 }, { headers: { a: 'b' } });
    expect(r.subjects).toEqual(['tick', 'tick']);
  });

  it('a one-parameter channel remembers valid values and still refuses bad ones', async () => {
    const r = recorder();
    await one.publish(r.transport, { workerId: 'w1' }, { n: 1 });
    await one.publish(r.transport, { workerId: 'w1' }, { n: 2 });
    await expect(one.publish(r.transport, { workerId: 'x1' }, { n: 3 })).rejects.toBeInstanceOf(SubjectError);
    await expect(one.publish(r.transport, { workerId: 'w.1' }, { n: 3 })).rejects.toBeInstanceOf(SubjectError);
    await expect(one.publish(r.transport, { workerId: 5 as unknown as string }, { n: 3 })).rejects.toBeInstanceOf(SubjectError);
    await expect(one.publish(r.transport, undefined as unknown as { workerId: string }, { n: 3 })).rejects.toBeInstanceOf(SubjectError);
    expect(r.subjects).toEqual(['job.w1.run', 'job.w1.run']);
  });

  it('keeps working past the bound of remembered subjects', async () => {
    const r = recorder();
    for (let i = 0; i < 1100; i++) await one.publish(r.transport, { workerId: `w${i}` }, { n: i });
    await one.publish(r.transport, { workerId: 'w0' }, { n: 0 });
    expect(r.subjects).toHaveLength(1101);
    expect(r.subjects[1100]).toBe('job.w0.run');
  });

  it('channels with several parameters build every time', async () => {
    const r = recorder();
    await two.publish(r.transport, { a: 'x', b: 'y' }, { n: 1 });
    await expect(two.publish(r.transport, { a: 'x', b: '' }, { n: 1 })).rejects.toBeInstanceOf(SubjectError);
    expect(r.subjects).toEqual(['pair.x.y']);
  });

  it('request rejects on a bad parameter and uses the remembered subject otherwise', async () => {
    const r = recorder();
    await expect(one.request(r.transport, { workerId: 'w7' }, { n: 1 })).resolves.toEqual({ ok: true });
    await expect(one.request(r.transport, { workerId: '*' }, { n: 1 })).rejects.toBeInstanceOf(SubjectError);
    expect(r.subjects).toEqual(['job.w7.run']);
  });

  it('turns a non-Error thrown by the transport into a rejection with an Error', async () => {
    const throwing: ChannelTransport = {
      ...recorder().transport,
      publish: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'boom';
      },
    };
    await expect(none.publish(throwing, { n: 1 })).rejects.toThrow('boom');
  });
});

describe('parameters in handler contexts', () => {
  const context = (subject: string): MessageContext => ({ subject });

  it('a concrete subscription gets the parameters it subscribed with', async () => {
    const r = recorder();
    const seen: unknown[] = [];
    await one.subscribe(r.transport, { workerId: 'w3' }, (_payload, ctx) => {
      seen.push(ctx.params);
    });
    await r.handlers[0]!({ n: 1 }, context('job.w3.run'));
    expect(seen).toEqual([{ workerId: 'w3' }]);
  });

  it('a wildcard subscription parses each message subject', async () => {
    const r = recorder();
    const seen: unknown[] = [];
    await one.reply(r.transport, { workerId: '*' }, (_payload, ctx) => {
      seen.push(ctx.params);
      return { ok: true };
    });
    expect(r.subjects).toEqual(['job.*.run']);
    await r.handlers[0]!({ n: 1 }, context('job.w4.run'));
    await r.handlers[0]!({ n: 1 }, context('job.w5.run'));
    expect(seen).toEqual([{ workerId: 'w4' }, { workerId: 'w5' }]);
  });

  it('a channel without parameters hands over an empty, frozen object', async () => {
    const r = recorder();
    let params: unknown;
    await none.subscribe(r.transport, (_payload, ctx) => {
      params = ctx.params;
    });
    await r.handlers[0]!({ n: 1 }, context('tick'));
    expect(params).toEqual({});
    expect(Object.isFrozen(params)).toBe(true);
  });
});

describe('the validating serializer reads both Buffers and plain byte arrays', () => {
  it('decodes a Buffer view and a Uint8Array alike, and still rejects invalid payloads', () => {
    const text = JSON.stringify({ n: 1 });
    const slab = Buffer.from(`xx${text}yy`);
    expect(none.serializer.decode(slab.subarray(2, 2 + text.length), 'tick')).toEqual({ n: 1 });
    expect(none.serializer.decode(new TextEncoder().encode(text), 'tick')).toEqual({ n: 1 });
    expect(() => none.serializer.decode(new TextEncoder().encode('{"n":"x"}'), 'tick')).toThrow(/Tick|n/);
  });
});
