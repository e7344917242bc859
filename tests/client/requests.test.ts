/**
 * The request mux on a real server: one reply subscription, deadline queues instead of a timer per request, and
 * failures that arrive at once (no responders, a refused publish, a lost connection) instead of at the timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { NatsClient } from '../../src/client/client.js';
import { DistributedError, NatsNoRespondersError, NatsTimeoutError } from '../../src/base/errors.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { Cleanup } from '../helpers/client.js';

let server: TestNatsServer;
let client: NatsClient;
let responder: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: server.url });
  responder = await connect({ servers: server.url });
  // Answers even numbers at once, odd numbers never; `late.*` answers after 120 ms.
  responder.subscribe('mux.echo', {
    callback: (_e, msg) => {
      const n = msg.json<number>();
      if (n % 2 === 0) msg.respond(JSON.stringify(n * 10));
    },
  });
  responder.subscribe('mux.late', {
    callback: (_e, msg) => {
      setTimeout(() => msg.respond(JSON.stringify('late')), 120);
    },
  });
  await responder.flush();
});

afterAll(async () => {
  await responder.close();
  await client.disconnect();
  await server.stop();
});

describe('the request mux', () => {
  it('answers each of many concurrent requests with its own reply, and times out each unanswered one at its own timeout', async () => {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, n) => {
        const timeout = n % 4 === 1 ? 60 : 180; // two deadline queues, interleaved
        return client.request<number, number>('mux.echo', n, { timeout }).then(
          (value) => ({ n, value, error: undefined, at: performance.now() - started, timeout }),
          (error: unknown) => ({ n, value: undefined, error, at: performance.now() - started, timeout }),
        );
      }),
    );
    for (const o of outcomes) {
      if (o.n % 2 === 0) {
        expect(o.value).toBe(o.n * 10);
      } else {
        expect(o.error).toBeInstanceOf(NatsTimeoutError);
        expect((o.error as NatsTimeoutError).timeoutMs).toBe(o.timeout);
        // Never before its own deadline (a little slack for timer rounding).
        expect(o.at).toBeGreaterThanOrEqual(o.timeout - 2);
      }
    }
    const shortOnes = outcomes.filter((o) => o.n % 4 === 1).map((o) => o.at);
    const longOnes = outcomes.filter((o) => o.n % 4 === 3).map((o) => o.at);
    expect(Math.max(...shortOnes)).toBeLessThan(Math.min(...longOnes));
  });

  it('drops a reply that comes after its request timed out, and the next request still works', async () => {
    await expect(client.request('mux.late', 1, { timeout: 40 })).rejects.toBeInstanceOf(NatsTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(client.request<number, number>('mux.echo', 4, { timeout: 1000 })).resolves.toBe(40);
  });

  it('fails at once with NatsNoRespondersError when nobody listens', async () => {
    const started = performance.now();
    await expect(client.request('mux.nobody', 1, { timeout: 5000 })).rejects.toBeInstanceOf(NatsNoRespondersError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('keeps working over thousands of sequential requests (settled entries do not pile up)', async () => {
    for (let i = 0; i < 3000; i++) expect(await client.request<number, number>('mux.echo', 2 * i, { timeout: 1000 })).toBe(20 * i);
    expect((client as unknown as { requests: { size(): number } }).requests.size()).toBe(0);
  });
});

describe('a request to a subject the server refuses', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it("fails with the server's permission error instead of waiting for its timeout", async () => {
    const { url } = await cleanup.server({
      config:
        'authorization { users: [ { user: "limited", password: "limited-pass", permissions: { publish: ["allowed.>"], subscribe: ["_INBOX.>", "allowed.>"] } } ] }',
    });
    const limited = await cleanup.client(url, { user: 'limited', password: 'limited-pass' });
    limited.on('error', () => undefined);
    const started = performance.now();
    const error = await limited.request('denied.rpc', 1, { timeout: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistributedError);
    expect((error as DistributedError).message).toContain('"denied.rpc"');
    expect((error as DistributedError).message).toContain('PERMISSIONS_VIOLATION');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
