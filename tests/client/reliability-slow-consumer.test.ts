/**
 * Issue 7, slow consumer: a subscription whose async handlers cannot keep up is detected and reported, nothing is
 * dropped silently (every drop is counted, in the subscription and in the metrics), and memory stays bounded. A
 * slow responder answers the overflow at once with a NATS_SLOW_CONSUMER error reply instead of letting it time out.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect as natsConnect } from '@nats-io/transport-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, DistributedError, NatsRemoteError, NatsSlowConsumerError } from '../../src/index.js';
import type { NatsClient } from '../../src/client/client.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import { parseExposition, sampleValue } from '../helpers/reliability.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

// A full collection before each heap reading, so garbage does not hide (or fake) what is retained.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const FLOOD = 20_000;
const PAYLOAD = Buffer.from(JSON.stringify({ filler: 'x'.repeat(1000) }));
const MB = 1024 * 1024;

/** Floods `subject` with FLOOD messages of about 1 KB from a plain nats.js connection. */
async function flood(raw: NatsConnection, subject: string): Promise<void> {
  for (let i = 0; i < FLOOD; i++) raw.publish(subject, PAYLOAD);
  await raw.flush();
}

/** A subscription whose handlers all wait for `release()`, holding on to their message as real handlers do. */
async function stuckSubscription(
  client: NatsClient,
  subject: string,
  maxInFlight: number,
): Promise<{ release: () => void; sub: Awaited<ReturnType<NatsClient['subscribe']>> }> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held: unknown[] = [];
  const sub = await client.subscribe(
    subject,
    async (data: unknown) => {
      await gate;
      held.push(data);
    },
    { maxInFlight },
  );
  return { release, sub };
}

describe('slow consumer', () => {
  it('drops past maxInFlight with one report per episode, counts every drop, recovers, and keeps memory bounded (unlike an unbounded subscription)', async () => {
    const server = await cleanup.server();
    const client = await cleanup.client(server.url);
    const metrics = new ClientMetrics();
    metrics.attach(client);
    const errors: DistributedError[] = [];
    client.on('error', (e) => errors.push(e));
    const raw = await natsConnect({ servers: server.url });
    cleanup.add(() => raw.close());

    // Bounded: 50 handlers may wait; the rest of the flood is dropped before it is even decoded.
    const bounded = await stuckSubscription(client, 'slow.bounded', 50);
    const before = heapUsed();
    await flood(raw, 'slow.bounded');
    await waitFor(() => bounded.sub.received + bounded.sub.dropped === FLOOD, 'every flooded message counted', 15_000);
    const boundedGrowth = heapUsed() - before;
    expect(bounded.sub.received).toBe(50);
    expect(bounded.sub.dropped).toBe(FLOOD - 50);
    const reports = errors.filter((e) => e instanceof NatsSlowConsumerError);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ code: 'NATS_SLOW_CONSUMER', subject: 'slow.bounded', subscription: 'slow.bounded', maxInFlight: 50 });
    expect(reports[0]?.message).toMatch(/raise maxInFlight/);
    const samples = parseExposition(await metrics.metrics());
    expect(sampleValue(samples, 'mlx_distributed_messages_dropped_total', { channel: '_generic' })).toBe(FLOOD - 50);

    // Caught up: the next message is handled again, and a new overload is a new report.
    bounded.release();
    await waitFor(() => client.isConnected(), 'connected');
    raw.publish('slow.bounded', PAYLOAD);
    await raw.flush();
    await waitFor(() => bounded.sub.received === 51, 'a message after the episode');

    // Unbounded, for contrast: the same flood keeps every message (and its handler) alive.
    const unbounded = await stuckSubscription(client, 'slow.unbounded', Infinity);
    const start = heapUsed();
    await flood(raw, 'slow.unbounded');
    await waitFor(() => unbounded.sub.received === FLOOD, 'every message handed to a handler', 15_000);
    const unboundedGrowth = heapUsed() - start;
    unbounded.release();

    expect(boundedGrowth).toBeLessThan(5 * MB);
    expect(unboundedGrowth).toBeGreaterThan(FLOOD * PAYLOAD.byteLength * 0.5);
    expect(unbounded.sub.dropped).toBe(0);
  });

  it('a slow responder answers requests past maxInFlight at once with a NATS_SLOW_CONSUMER error reply', async () => {
    const server = await cleanup.server();
    const worker = await cleanup.client(server.url);
    const caller = await cleanup.client(server.url);
    const errors: DistributedError[] = [];
    worker.on('error', (e) => errors.push(e));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sub = await worker.reply(
      'slow.rpc',
      async (n: number) => {
        await gate;
        return n;
      },
      { maxInFlight: 2 },
    );

    const calls = [1, 2, 3, 4, 5].map((n) =>
      caller.request('slow.rpc', n, { timeout: 10_000 }).then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      ),
    );
    await waitFor(() => sub.dropped === 3, 'three requests turned away');
    release();
    const outcomes = await Promise.all(calls);
    const ok = outcomes.filter((o) => 'v' in o);
    const refused = outcomes.flatMap((o) => ('e' in o ? [o.e] : []));
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(NatsRemoteError);
      expect((error as NatsRemoteError).remoteCode).toBe('NATS_SLOW_CONSUMER');
    }
    expect(errors.filter((e) => e.code === 'NATS_SLOW_CONSUMER')).toHaveLength(1);
    expect(sub.received).toBe(2);
  });

  it('refuses a maxInFlight that is not a positive integer or Infinity', async () => {
    const server = await cleanup.server();
    const client = await cleanup.client(server.url);
    for (const maxInFlight of [0, -1, 1.5, Number.NaN]) {
      await expect(client.subscribe('x', () => undefined, { maxInFlight })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(client.reply('x', () => 1, { maxInFlight: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
