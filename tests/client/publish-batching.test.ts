/**
 * The publish hot path: writes held until the end of the tick (one write for a burst of awaited publishes), the
 * event-loop turn after 1 MiB in one tick, and that neither reorders nor loses anything, on a real nats-server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bytesSerializer, stringSerializer } from '../../src/client/serializers.js';
import { Cleanup, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('awaited publishes in one tick', () => {
  it('arrive complete and in order, on another client and on the publishing client itself', async () => {
    const { url } = await cleanup.server();
    const publisher = await cleanup.client(url);
    const receiver = await cleanup.client(url);
    const remote: number[] = [];
    const local: number[] = [];
    await receiver.subscribe<number>('batch.order', (n) => {
      remote.push(n);
    });
    await publisher.subscribe<number>('batch.order', (n) => {
      local.push(n);
    });
    const count = 20_000;
    for (let i = 0; i < count; i++) await publisher.publish('batch.order', i);
    await publisher.flush();
    await waitFor(() => remote.length === count && local.length === count, `${count} messages on both subscribers`);
    expect(remote).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(local).toEqual(remote);
  });

  it('a request sent right after publishes in the same tick reaches the server after them', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const responder = await cleanup.client(url);
    let seen = 0;
    await responder.subscribe('batch.data', () => {
      seen += 1;
    });
    // Same connection for both subscriptions: the server delivers in order, so the count is exact.
    await responder.reply<string, number>('batch.count', () => seen);
    for (let i = 0; i < 500; i++) void client.publish('batch.data', i);
    const answered = await client.request<string, number>('batch.count', 'how many?');
    expect(answered).toBe(500);
  });

  it('tryPublish in a synchronous loop is delivered too', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const got: string[] = [];
    await client.subscribe(
      'batch.try',
      (s: string) => {
        got.push(s);
      },
      { serializer: stringSerializer() },
    );
    for (let i = 0; i < 1000; i++) client.tryPublish('batch.try', `m${i}`, { serializer: stringSerializer() });
    await client.flush();
    await waitFor(() => got.length === 1000, '1000 messages');
    expect(got[0]).toBe('m0');
    expect(got[999]).toBe('m999');
  });
});

describe('the event-loop turn after 1 MiB in one tick', () => {
  it('lets timers and I/O run during a long loop of awaited publishes, and loses nothing', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const receiver = await cleanup.client(url);
    let received = 0;
    await receiver.subscribe(
      'batch.big',
      () => {
        received += 1;
      },
      { serializer: bytesSerializer() },
    );
    const payload = new Uint8Array(16 * 1024).fill(7);
    const count = 256; // 4 MiB: at least three turns of the loop
    let publishedWhenImmediateRan = -1;
    let published = 0;
    setImmediate(() => {
      publishedWhenImmediateRan = published;
    });
    for (let i = 0; i < count; i++) {
      await client.publish('batch.big', payload, { serializer: bytesSerializer() });
      published += 1;
    }
    // Without the turn, an awaited loop is all microtasks and the immediate runs only after it.
    expect(publishedWhenImmediateRan).toBeGreaterThan(0);
    expect(publishedWhenImmediateRan).toBeLessThan(count);
    await client.flush();
    await waitFor(() => received === count, `${count} large messages`);
    expect(received).toBe(count);
  });
});
