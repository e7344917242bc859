/**
 * NatsClient through server failures: SIGKILL and restart on the same port, failover between servers, requests and
 * publishes during the outage, the outage buffer's bound, and giving up after maxReconnectAttempts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NatsBackpressureError, NatsConnectionError, NatsNotConnectedError, type DistributedError } from '../../src/base/errors.js';
import type { NatsClient } from '../../src/client/client.js';
import type { TestNatsServer } from '../helpers/nats-server.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function kill(server: TestNatsServer): void {
  const pid = server.server.getPid();
  if (pid === undefined) throw new Error('server has no pid');
  process.kill(pid, 'SIGKILL');
}

function recordEvents(client: NatsClient): string[] {
  const events: string[] = [];
  for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'closed'] as const) {
    client.on(name, () => events.push(`${name}:${client.getConnectionState()}`));
  }
  return events;
}

describe('server restart', () => {
  it('SIGKILL then restart on the same port: subscriptions and reply handlers resume, outage requests fail fast, outage publishes arrive', async () => {
    const first = await cleanup.server();
    const client = await cleanup.client(first.url, { maxReconnectAttempts: -1, reconnectTimeWait: 50, reconnectMaxWait: 200 });
    const events = recordEvents(client);
    const got: number[] = [];
    await client.subscribe('restart.sub', (n: number) => {
      got.push(n);
    });
    await client.reply('restart.rpc', (n: number) => n + 1);
    expect(await client.request('restart.rpc', 1)).toBe(2);

    const disconnected = nextEvent(client, 'disconnected');
    kill(first);
    await disconnected;
    expect(['disconnected', 'reconnecting']).toContain(client.getConnectionState());
    expect(client.isConnected()).toBe(false);

    // A request during the outage fails at once with a typed error instead of waiting 30 s.
    const during = await client.request('restart.rpc', 1, { timeout: 30_000 }).catch((e: unknown) => e);
    expect(during).toBeInstanceOf(NatsNotConnectedError);
    await expect(client.flush()).rejects.toBeInstanceOf(NatsNotConnectedError);

    // Publishes during the outage are kept and sent after the reconnect.
    for (let i = 0; i < 5; i++) await client.publish('restart.sub', i);
    client.tryPublish('restart.sub', 5);
    expect((await client.health()).pendingBytes).toBeGreaterThan(0);

    const reconnected = nextEvent(client, 'reconnected', 15_000);
    await cleanup.server({ port: first.port });
    await reconnected;
    expect(client.getConnectionState()).toBe('connected');

    await waitFor(() => got.length === 6, 'the outage publishes');
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await client.request('restart.rpc', 41)).toBe(42);
    await client.publish('restart.sub', 6);
    await waitFor(() => got.length === 7, 'a publish after the reconnect');

    expect(events[0]).toBe('disconnected:disconnected');
    expect(events).toContain('reconnecting:reconnecting');
    expect(events.at(-1)).toBe('reconnected:connected');
    const health = await client.health();
    expect(health).toMatchObject({ state: 'connected', reconnects: 1, pendingBytes: 0 });
  });

  it('a request in flight when the connection drops fails promptly with a typed error', async () => {
    const server = await cleanup.server();
    const responder = await cleanup.client(server.url, { maxReconnectAttempts: -1 });
    await responder.subscribe('never.answers', () => undefined);
    const caller = await cleanup.client(server.url, { maxReconnectAttempts: -1 });
    const pending = caller.request('never.answers', 1, { timeout: 60_000 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    kill(server);
    const error = await pending;
    expect(error).toBeInstanceOf(NatsNotConnectedError);
    expect((error as Error).message).toContain('never.answers');
  });

  it('outage buffering is bounded: past maxPendingBytes publish rejects and tryPublish throws; what was accepted arrives', async () => {
    const first = await cleanup.server();
    const client = await cleanup.client(first.url, { maxReconnectAttempts: -1, reconnectTimeWait: 50, maxPendingBytes: 2000 });
    const got: number[] = [];
    await client.subscribe('bounded', (m: { i: number }) => {
      got.push(m.i);
    });
    const disconnected = nextEvent(client, 'disconnected');
    kill(first);
    await disconnected;

    const filler = 'y'.repeat(300);
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      try {
        await client.publish('bounded', { i, filler });
        accepted += 1;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(NatsBackpressureError);
    expect((refusal as NatsBackpressureError).limitBytes).toBe(2000);
    expect((refusal as Error).message).toMatch(/down/);
    expect(accepted).toBeGreaterThan(0);
    expect(() => {
      client.tryPublish('bounded', { i: 999, filler });
    }).toThrow(NatsBackpressureError);

    const reconnected = nextEvent(client, 'reconnected', 15_000);
    await cleanup.server({ port: first.port });
    await reconnected;
    await waitFor(() => got.length === accepted, 'every accepted message');
    expect(got).toEqual(Array.from({ length: accepted }, (_, i) => i));
  });

  it('fails over to another server of the list and resumes subscriptions there', async () => {
    const a = await cleanup.server();
    const b = await cleanup.server();
    const client = await cleanup.client(a.url, { servers: [a.url, b.url], maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const got: string[] = [];
    await client.subscribe('failover', (s: string) => {
      got.push(s);
    });
    const before = (await client.health()).server;
    const victim = before === `127.0.0.1:${a.port}` ? a : b;
    const survivor = victim === a ? b : a;
    const reconnected = nextEvent(client, 'reconnected', 15_000);
    kill(victim);
    const [info] = await reconnected;
    expect(info.server).toBe(`127.0.0.1:${survivor.port}`);
    await client.publish('failover', 'after');
    await waitFor(() => got.length === 1, 'a message through the survivor');
  });
});

describe('giving up', () => {
  it('after maxReconnectAttempts the client closes, reports undelivered outage publishes, and refuses more', async () => {
    const server = await cleanup.server();
    const client = await cleanup.client(server.url, { maxReconnectAttempts: 2, reconnectTimeWait: 20, reconnectMaxWait: 40 });
    const errors: DistributedError[] = [];
    client.on('error', (e) => errors.push(e));
    const disconnected = nextEvent(client, 'disconnected');
    const closed = nextEvent(client, 'closed', 10_000);
    kill(server);
    await disconnected;
    await client.publish('lost.forever', { n: 1 });
    const [info] = await closed;
    expect(info.error).toBeInstanceOf(NatsConnectionError);
    expect(client.getConnectionState()).toBe('closed');
    expect(errors.some((e) => e instanceof NatsConnectionError && /1 message\(s\).*could not be delivered/.test(e.message))).toBe(true);
    await expect(client.publish('lost.forever', 2)).rejects.toBeInstanceOf(NatsNotConnectedError);
    await expect(client.request('lost.forever', 2)).rejects.toBeInstanceOf(NatsNotConnectedError);
    expect((await client.health()).lastError).toBeDefined();
    await client.disconnect();
    expect(client.getConnectionState()).toBe('closed');
  });

  it('with reconnect: false a lost connection closes the client', async () => {
    const server = await cleanup.server();
    const client = await cleanup.client(server.url, { reconnect: false });
    const events = recordEvents(client);
    const closed = nextEvent(client, 'closed');
    kill(server);
    await closed;
    expect(client.getConnectionState()).toBe('closed');
    expect(events).not.toContain('reconnecting:reconnecting');
  });
});
