/**
 * Issue 7, server restart: SIGKILL the server and start it again on the same port. The client reconnects with
 * backoff, subscriptions and reply handlers resume, a request during the outage fails fast with a typed error,
 * publishes during the outage are kept up to the bound and delivered afterwards, past the bound publish rejects,
 * and nothing ends as an unhandled rejection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NatsBackpressureError, NatsNotConnectedError } from '../../src/base/errors.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';
import { killHard, watchUnhandledRejections } from '../helpers/reliability.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const OUTAGE_MS = 800;
const FIRST_WAIT_MS = 50;

describe('server restart (SIGKILL, same port)', () => {
  it('reconnects with backoff; subscriptions, reply handlers and outage publishes resume; outage requests fail fast; past the bound publish rejects; no unhandled rejection', async () => {
    const unhandled = watchUnhandledRejections();
    cleanup.add(() => {
      unhandled.stop();
      return Promise.resolve();
    });
    const first = await cleanup.server();
    const client = await cleanup.client(first.url, {
      maxReconnectAttempts: -1,
      reconnectTimeWait: FIRST_WAIT_MS,
      reconnectMaxWait: 1000,
      maxPendingBytes: 4000,
    });
    const attempts: number[] = [];
    client.on('reconnecting', ({ attempt }) => attempts.push(attempt));

    const got: number[] = [];
    await client.subscribe('restart.events', (m: { i: number }) => {
      got.push(m.i);
    });
    await client.reply('restart.double', async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return n * 2;
    });
    expect(await client.request('restart.double', 4)).toBe(8);

    const down = nextEvent(client, 'disconnected');
    killHard(first.server);
    await down;

    // A request during the outage: typed error long before its 60 s timeout (the guard proves it does not hang).
    const guard = new Promise((resolve) => {
      setTimeout(() => {
        resolve('hung');
      }, 5000).unref();
    });
    const during = await Promise.race([client.request('restart.double', 1, { timeout: 60_000 }).catch((e: unknown) => e), guard]);
    expect(during).toBeInstanceOf(NatsNotConnectedError);
    expect((during as Error).message).toContain('restart.double');

    // Publishes during the outage: kept up to maxPendingBytes, then refused with a clear error.
    const filler = 'z'.repeat(200);
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      await client.publish('restart.events', { i, filler }).then(
        () => (accepted += 1),
        (error: unknown) => (refusal = error),
      );
    }
    expect(accepted).toBeGreaterThan(3);
    expect(refusal).toBeInstanceOf(NatsBackpressureError);
    expect((refusal as Error).message).toMatch(/refused.*limit 4000.*down/);

    // Backoff: during a fixed outage the client dials far less often than a constant FIRST_WAIT_MS would.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const dialsDuringOutage = attempts.length;
    expect(dialsDuringOutage).toBeGreaterThanOrEqual(2);
    expect(dialsDuringOutage).toBeLessThan(OUTAGE_MS / FIRST_WAIT_MS);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));

    const back = nextEvent(client, 'reconnected', 10_000);
    await cleanup.server({ port: first.port });
    await back;

    await waitFor(() => got.length === accepted, 'every publish accepted during the outage');
    expect(got).toEqual(Array.from({ length: accepted }, (_, i) => i));
    expect(await client.request('restart.double', 21)).toBe(42);
    await client.publish('restart.events', { i: 1000, filler });
    await waitFor(() => got.at(-1) === 1000, 'a publish after the reconnect');
    expect(await client.health()).toMatchObject({ state: 'connected', reconnects: 1, pendingBytes: 0 });

    // Let any stray promise settle, then check nothing went unhandled.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.rejections).toEqual([]);
  });
});
