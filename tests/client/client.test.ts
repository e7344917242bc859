/**
 * NatsClient against real nats-server processes: connecting, pub/sub, request/reply, failures of handlers and
 * messages, drain on disconnect.
 */
import { connect as natsConnect } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigValidationError,
  DistributedError,
  HandlerError,
  MessageDecodeError,
  NatsConnectionError,
  NatsNoRespondersError,
  NatsNotConnectedError,
  NatsRemoteError,
  NatsTimeoutError,
  SubjectError,
  ValidationError,
} from '../../src/base/errors.js';
import { NatsClient } from '../../src/client/client.js';
import { internalsAvailable } from '../../src/client/nats-internals.js';
import { bytesSerializer, stringSerializer, type Serializer } from '../../src/client/serializers.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A serializer that accepts only objects with a numeric `n`, like a generated typed channel. */
const countSerializer: Serializer<{ n: number }> = {
  name: 'count',
  encode(value, subject) {
    if (typeof value.n !== 'number') throw new ValidationError('outbound', subject, [{ path: 'n', message: 'expected a number' }]);
    return Buffer.from(JSON.stringify(value));
  },
  decode(bytes, subject) {
    const value = JSON.parse(Buffer.from(bytes).toString()) as { n?: unknown };
    if (typeof value.n !== 'number') throw new ValidationError('inbound', subject, [{ path: 'n', message: 'expected a number' }]);
    return { n: value.n };
  },
};

describe('connecting', () => {
  it('embedded mode starts its own server, connects, and disconnect() stops it', async () => {
    const client = new NatsClient();
    cleanup.add(() => client.disconnect());
    const states: string[] = [];
    client.on('connected', () => states.push(client.getConnectionState()));
    expect(client.getConnectionState()).toBe('disconnected');
    await client.connect({ mode: 'embedded', embedded: { port: 0, httpPort: 0 } });
    expect(client.isConnected()).toBe(true);
    expect(states).toEqual(['connected']);
    const health = await client.health();
    expect(health.state).toBe('connected');
    expect(health.server).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(health.rttMs).toBeGreaterThanOrEqual(0);
    const port = Number(health.server?.split(':')[1]);

    const received: string[] = [];
    await client.subscribe(
      'greeting',
      (text: string) => {
        received.push(text);
      },
      { serializer: stringSerializer() },
    );
    await client.publish('greeting', 'hello', { serializer: stringSerializer() });
    await waitFor(() => received.length === 1, 'the greeting');
    expect(received).toEqual(['hello']);

    await client.disconnect();
    expect(client.getConnectionState()).toBe('closed');
    expect(client.isConnected()).toBe(false);
    // The embedded server is gone: nothing accepts connections on its port any more.
    await expect(natsConnect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 1000 })).rejects.toThrow();
  });

  it('an unreachable port fails fast with NatsConnectionError naming the URL', async () => {
    const client = new NatsClient();
    const error = await client.connect({ mode: 'external', serverUrl: 'nats://127.0.0.1:1', connectTimeout: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsConnectionError);
    expect((error as NatsConnectionError).message).toContain('nats://127.0.0.1:1');
    expect(client.getConnectionState()).toBe('disconnected');
    expect((await client.health()).lastError).toContain('127.0.0.1:1');
    await client.disconnect();
  });

  it('an unresolvable host fails with NatsConnectionError, and the password never shows', async () => {
    const client = new NatsClient();
    const error = await client
      .connect({ mode: 'external', serverUrl: 'nats://no-such-host.invalid:4222', user: 'admin', password: 'hunter2-secret', connectTimeout: 2000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsConnectionError);
    expect((error as Error).message).toContain('no-such-host.invalid');
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('hunter2-secret');
  });

  it('a server that never answers fails within connectTimeout', async () => {
    const { createServer } = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket)); // accepts TCP, never speaks NATS
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.add(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => {
            resolve();
          });
        }),
    );
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const client = new NatsClient();
    const error = await client.connect({ mode: 'external', serverUrl: `nats://127.0.0.1:${port}`, connectTimeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsConnectionError);
    expect((error as Error).message).toMatch(/in time|within 300 ms/);
  });

  it('rejects bad options with ConfigValidationError, and a second connect while connected', async () => {
    const client = new NatsClient();
    await expect(client.connect({ mode: 'external' })).rejects.toBeInstanceOf(ConfigValidationError);
    const { url } = await cleanup.server();
    const connected = await cleanup.client(url);
    await expect(connected.connect({ mode: 'external', serverUrl: url })).rejects.toMatchObject({ code: 'NATS_ALREADY_CONNECTED' });
  });

  it('operations before connect reject with NatsNotConnectedError', async () => {
    const client = new NatsClient();
    await expect(client.publish('a.b', 1)).rejects.toBeInstanceOf(NatsNotConnectedError);
    expect(() => {
      client.tryPublish('a.b', 1);
    }).toThrow(NatsNotConnectedError);
    await expect(client.subscribe('a.b', () => undefined)).rejects.toBeInstanceOf(NatsNotConnectedError);
    await expect(client.request('a.b', 1)).rejects.toBeInstanceOf(NatsNotConnectedError);
    await expect(client.flush()).rejects.toBeInstanceOf(NatsNotConnectedError);
    expect((await client.health()).pendingBytes).toBe(0);
  });

  it('reads the nats.js internals it relies on (pinned nats.js layout)', async () => {
    const { url } = await cleanup.server();
    const nc = await natsConnect({ servers: url });
    cleanup.add(() => nc.close());
    expect(internalsAvailable(nc)).toBe(true);
  });
});

describe('publish and subscribe', () => {
  it('two clients exchange JSON through one external server, with wildcards and queue groups', async () => {
    const { url } = await cleanup.server();
    const a = await cleanup.client(url, { name: 'a' });
    const b = await cleanup.client(url, { name: 'b' });

    const star: unknown[] = [];
    const tail: string[] = [];
    await b.subscribe('worker.*.heartbeat', (data, ctx) => {
      star.push({ data, subject: ctx.subject });
    });
    await b.subscribe('worker.>', (_data, ctx) => {
      tail.push(ctx.subject);
    });
    const group: string[] = [];
    await b.subscribe(
      'jobs',
      () => {
        group.push('b1');
      },
      { queue: 'workers' },
    );
    await b.subscribe(
      'jobs',
      () => {
        group.push('b2');
      },
      { queue: 'workers' },
    );

    await a.publish('worker.w1.heartbeat', { cpu: 0.5, tags: ['x'] });
    await a.publish('worker.w1.register', { id: 'w1' });
    for (let i = 0; i < 20; i++) await a.publish('jobs', i);
    await a.flush();

    await waitFor(() => star.length === 1 && tail.length === 2 && group.length === 20, 'wildcard and queue deliveries');
    expect(star).toEqual([{ data: { cpu: 0.5, tags: ['x'] }, subject: 'worker.w1.heartbeat' }]);
    expect(tail.sort()).toEqual(['worker.w1.heartbeat', 'worker.w1.register']);
    expect(group).toHaveLength(20); // each job went to exactly one member
  });

  it('passes headers, supports bytes, max and unsubscribe', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const seen: { data: Uint8Array; trace: readonly string[] | undefined }[] = [];
    const sub = await client.subscribe(
      'bytes.in',
      (data: Uint8Array, ctx) => {
        seen.push({ data, trace: ctx.headers?.get('Trace-Id') });
      },
      { serializer: bytesSerializer(), max: 2 },
    );
    for (let i = 0; i < 4; i++) await client.publish('bytes.in', new Uint8Array([i]), { serializer: bytesSerializer(), headers: { 'Trace-Id': `t${i}` } });
    await client.flush();
    await waitFor(() => seen.length === 2, 'two messages');
    expect(seen.map((s) => [...s.data])).toEqual([[0], [1]]);
    expect(seen[0]?.trace).toEqual(['t0']);
    expect(sub.received).toBe(2);

    const other: number[] = [];
    const second = await client.subscribe('nums', (n: number) => {
      other.push(n);
    });
    await client.publish('nums', 1);
    await client.flush();
    await waitFor(() => other.length === 1, 'first number');
    await client.unsubscribe(second);
    await second.unsubscribe();
    expect(second.isClosed()).toBe(true);
    await client.publish('nums', 2);
    await client.flush();
    expect(other).toEqual([1]);
  });

  it('rejects malformed publish subjects with SubjectError and sends nothing', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const all: string[] = [];
    await client.subscribe('>', (_d, ctx) => {
      all.push(ctx.subject);
    });
    for (const bad of ['', 'a.*', 'a.>', 'a..b', '.a', 'a b', 'a\nb', 'worker.>.inference']) {
      await expect(client.publish(bad, 1), bad).rejects.toBeInstanceOf(SubjectError);
      expect(() => {
        client.tryPublish(bad, 1);
      }).toThrow(SubjectError);
      await expect(client.request(bad, 1)).rejects.toBeInstanceOf(SubjectError);
    }
    for (const bad of ['', 'a..b', 'a b', 'a*', '>.a']) {
      await expect(
        client.subscribe(bad, () => undefined),
        bad,
      ).rejects.toBeInstanceOf(SubjectError);
      await expect(
        client.reply(bad, () => undefined),
        bad,
      ).rejects.toBeInstanceOf(SubjectError);
    }
    for (const queue of ['', 'a b', 'q\u0000']) {
      await expect(
        client.subscribe('ok.subject', () => undefined, { queue }),
        JSON.stringify(queue),
      ).rejects.toThrow(/queue group/);
    }
    await client.publish('ok.subject', 1);
    client.tryPublish('ok.subject', 2);
    await client.flush();
    await waitFor(() => all.length === 2, 'the valid messages');
    expect(all).toEqual(['ok.subject', 'ok.subject']);
  });

  it('a throwing or rejecting handler is reported as HandlerError and the subscription keeps running', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const errors: DistributedError[] = [];
    client.on('error', (e) => errors.push(e));
    const ok: number[] = [];
    await client.subscribe('flaky', (n: number) => {
      if (n === 1) throw new Error('sync failure');
      if (n === 2) return Promise.reject(new Error('async failure'));
      ok.push(n);
      return undefined;
    });
    for (const n of [0, 1, 2, 3]) await client.publish('flaky', n);
    await client.flush();
    await waitFor(() => ok.length === 2 && errors.length === 2, 'handler results');
    expect(ok).toEqual([0, 3]);
    expect(errors.every((e) => e instanceof HandlerError)).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('sync failure'), expect.stringContaining('async failure')]);
    expect((errors[0] as HandlerError).subject).toBe('flaky');
  });

  it('an undecodable message from a plain NATS publisher never reaches the handler, is counted and reported', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const errors: DistributedError[] = [];
    const good: unknown[] = [];
    const sub = await client.subscribe('in.json', (d) => {
      good.push(d);
    });
    const typed = await client.subscribe(
      'in.typed',
      (d: { n: number }) => {
        good.push(d);
      },
      { serializer: countSerializer },
    );

    const raw = await natsConnect({ servers: url });
    cleanup.add(() => raw.close());
    // First without any error listener: must not throw anywhere.
    raw.publish('in.json', new Uint8Array([0xff, 0x00, 0x7b]));
    await raw.flush();
    await waitFor(() => sub.rejected === 1, 'the first rejection');

    client.on('error', (e) => errors.push(e));
    raw.publish('in.json', Buffer.from('{not json'));
    raw.publish('in.json', new Uint8Array(0));
    raw.publish('in.typed', Buffer.from('{"n":"seven"}'));
    const zipped = natsHeaders();
    zipped.set('Content-Encoding', 'gzip');
    raw.publish('in.json', Buffer.from('not gzip at all'), { headers: zipped });
    raw.publish('in.json', Buffer.from('{"fine":true}'));
    raw.publish('in.typed', Buffer.from('{"n":7}'));
    await raw.flush();
    await waitFor(() => good.length === 2 && errors.length === 4, 'decoded and rejected messages');

    expect(good).toEqual([{ fine: true }, { n: 7 }]);
    expect(sub.rejected).toBe(4);
    expect(sub.received).toBe(1);
    expect(typed.rejected).toBe(1);
    expect(errors.filter((e) => e instanceof MessageDecodeError)).toHaveLength(3);
    const invalid = errors.find((e) => e instanceof ValidationError);
    expect(invalid?.subject).toBe('in.typed');
    expect(errors.every((e) => (e as { subject?: string }).subject?.startsWith('in.'))).toBe(true);
    expect((await client.health()).lastError).toBeDefined();
  });

  it('a publish that fails to encode rejects and sends nothing', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    await expect(client.publish('typed.out', { n: 'x' } as unknown as { n: number }, { serializer: countSerializer })).rejects.toBeInstanceOf(ValidationError);
  });

  it('an event listener that throws does not break the client', async () => {
    const { url } = await cleanup.server();
    const client = new NatsClient();
    cleanup.add(() => client.disconnect());
    client.on('connected', () => {
      throw new Error('listener bug');
    });
    await client.connect({ mode: 'external', serverUrl: url });
    expect(client.isConnected()).toBe(true);
  });
});

describe('request and reply', () => {
  it('answers requests, many at once, with per-call serializers', async () => {
    const { url } = await cleanup.server();
    const server = await cleanup.client(url);
    const caller = await cleanup.client(url);
    await server.reply('math.double', (n: number) => n * 2);
    await server.reply(
      'text.upper',
      async (s: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return s.toUpperCase();
      },
      { requestSerializer: stringSerializer(), responseSerializer: stringSerializer() },
    );

    expect(await caller.request<number, number>('math.double', 21)).toBe(42);
    expect(await caller.request('text.upper', 'abc', { requestSerializer: stringSerializer(), responseSerializer: stringSerializer() })).toBe('ABC');
    const many = await Promise.all(Array.from({ length: 500 }, (_, i) => caller.request<number, number>('math.double', i, { timeout: 5000 })));
    expect(many).toEqual(Array.from({ length: 500 }, (_, i) => i * 2));
  });

  it('a throwing reply handler answers with an error reply: the caller gets NatsRemoteError, not a timeout', async () => {
    const { url } = await cleanup.server();
    const server = await cleanup.client(url);
    const caller = await cleanup.client(url);
    const errors: DistributedError[] = [];
    server.on('error', (e) => errors.push(e));
    await server.reply('fail.sync', () => {
      throw new Error('model not loaded');
    });
    await server.reply('fail.async', () => Promise.reject(new SubjectError('bad token\nsecond line')));
    await server.reply('fail.encode', () => ({ n: 'nope' }) as unknown as { n: number }, { responseSerializer: countSerializer });
    await server.reply('typed.in', (req: { n: number }) => req.n, { requestSerializer: countSerializer });

    const sync = await caller.request('fail.sync', 1, { timeout: 3000 }).catch((e: unknown) => e);
    expect(sync).toBeInstanceOf(NatsRemoteError);
    expect(sync).toMatchObject({ remoteCode: 'HANDLER_ERROR', subject: 'fail.sync' });
    expect((sync as Error).message).toContain('model not loaded');

    const async = await caller.request('fail.async', 1, { timeout: 3000 }).catch((e: unknown) => e);
    expect(async).toMatchObject({ remoteCode: 'SUBJECT' });
    expect((async as Error).message).toContain('bad token second line');

    await expect(caller.request('fail.encode', 1, { timeout: 3000 })).rejects.toMatchObject({ remoteCode: 'VALIDATION' });
    await expect(caller.request('typed.in', { n: 'x' }, { timeout: 3000 })).rejects.toMatchObject({ remoteCode: 'VALIDATION' });
    const raw = await natsConnect({ servers: url });
    cleanup.add(() => raw.close());
    const garbage = await raw.request('typed.in', Buffer.from('{{{'), { timeout: 3000 });
    expect(garbage.headers?.get('Nats-Service-Error-Code')).toBe('400'); // the services convention's number
    expect(garbage.headers?.get('Mlx-Error-Code')).toBe('DECODE');

    await waitFor(() => errors.length === 5, 'five reported errors');
    expect(errors.filter((e) => e instanceof HandlerError)).toHaveLength(2);
  });

  it('a request nobody answers: NatsNoRespondersError naming the subject; a slow responder: NatsTimeoutError', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const none = await client.request('nobody.home', 1, { timeout: 2000 }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(NatsNoRespondersError);
    expect((none as Error).message).toContain('nobody.home');

    await client.subscribe('slow.rpc', () => undefined); // listens, never answers
    const slow = await client.request('slow.rpc', 1, { timeout: 100 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(NatsTimeoutError);
    expect(slow).toMatchObject({ subject: 'slow.rpc', timeoutMs: 100 });
    await expect(client.request('slow.rpc', 1, { timeout: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a reply the caller cannot decode rejects with the decode error', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    await client.reply('text.rpc', () => 'plain text', { responseSerializer: stringSerializer() });
    await expect(client.request('text.rpc', 1)).rejects.toBeInstanceOf(MessageDecodeError);
    await expect(client.request('text.rpc', 1, { responseSerializer: countSerializer })).rejects.toBeInstanceOf(DistributedError);
  });
});

describe('disconnect', () => {
  it('drains: every message published before disconnect() is delivered (10k)', async () => {
    const { url } = await cleanup.server();
    const receiver = await cleanup.client(url);
    const sender = new NatsClient();
    await sender.connect({ mode: 'external', serverUrl: url });
    let count = 0;
    await receiver.subscribe('bulk', () => {
      count += 1;
    });
    const payload = { text: 'x'.repeat(250) };
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) sends.push(sender.publish('bulk', payload));
    await sender.disconnect();
    await Promise.all(sends);
    await waitFor(() => count === 10_000, '10k messages', 10_000);
    expect(count).toBe(10_000);
  });

  it('lets running handlers finish, including reply handlers that still answer', async () => {
    const { url } = await cleanup.server();
    const worker = new NatsClient();
    await worker.connect({ mode: 'external', serverUrl: url });
    const caller = await cleanup.client(url);
    let finished = false;
    let started = false;
    await worker.subscribe('work', async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      finished = true;
    });
    let replyStarted = false;
    await worker.reply('rpc', async (n: number) => {
      replyStarted = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return n + 1;
    });
    await caller.publish('work', 1);
    const answer = caller.request<number, number>('rpc', 1, { timeout: 5000 });
    await waitFor(() => started && replyStarted, 'handlers to start');
    await worker.disconnect();
    expect(finished).toBe(true);
    await expect(answer).resolves.toBe(2);
    await expect(worker.publish('work', 2)).rejects.toBeInstanceOf(NatsNotConnectedError);
  });

  it('can be called twice, concurrently, and before connect', async () => {
    const idle = new NatsClient();
    await idle.disconnect();
    const { url } = await cleanup.server();
    const client = new NatsClient();
    const closed: unknown[] = [];
    client.on('closed', (info) => closed.push(info));
    await client.connect({ mode: 'external', serverUrl: url });
    await Promise.all([client.disconnect(), client.disconnect()]);
    await client.disconnect();
    expect(client.getConnectionState()).toBe('closed');
    expect(closed).toEqual([{}]);
    // A closed client may connect again.
    await client.connect({ mode: 'external', serverUrl: url });
    expect(client.isConnected()).toBe(true);
    await client.disconnect();
  });

  it('disconnect() during connect() waits for it and then closes', async () => {
    const { url } = await cleanup.server();
    const client = new NatsClient();
    const connecting = client.connect({ mode: 'external', serverUrl: url });
    const closing = client.disconnect();
    await connecting;
    await closing;
    expect(client.getConnectionState()).toBe('closed');
  });

  it('emits closed with the state sequence of a normal life', async () => {
    const { url } = await cleanup.server();
    const client = new NatsClient();
    const events: string[] = [];
    for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'closed'] as const) client.on(name, () => events.push(name));
    await client.connect({ mode: 'external', serverUrl: url });
    const closed = nextEvent(client, 'closed');
    await client.disconnect();
    await closed;
    expect(events).toEqual(['connected', 'closed']);
  });
});
