/**
 * connection.ts: the one guard (what each operation needs, and its refusal, in every state) and the state machine
 * (the moves a client makes through connect, an outage, a reconnect and disconnect are all in its table), on a real
 * nats-server, through ClientConnection itself.
 * Elsewhere: the public API in each state, tests/client/client.test.ts; outages, failover and giving up,
 * tests/client/client-faults.test.ts and reliability-*.test.ts; drain under load, reliability-shutdown.test.ts;
 * the embedded server's crash, reliability-embedded-crash.test.ts; reloads, tests/client/nkey-auth.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NatsNotConnectedError } from '../../src/base/errors.js';
import { createLogger } from '../../src/base/logger.js';
import { ClientConnection, type Operation } from '../../src/client/connection.js';
import { TypedEvents } from '../../src/client/events.js';
import type { ClientEvents, ConnectionState } from '../../src/client/types.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import type { TestNatsServer } from '../helpers/nats-server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const OPERATIONS: readonly Operation[] = ['publish', 'subscribe', 'reply', 'service', 'request', 'flush'];
const VERBS: Record<Operation, string> = {
  publish: 'publish',
  subscribe: 'subscribe',
  reply: 'reply',
  service: 'register a service',
  request: 'send a request',
  flush: 'flush',
};

/** A ClientConnection with its log lines and every state it reached, in order. */
function connection(): { conn: ClientConnection; lines: string[]; states: ConnectionState[] } {
  const lines: string[] = [];
  const states: ConnectionState[] = [];
  const events = new TypedEvents<ClientEvents>(() => undefined);
  const conn = new ClientConnection(createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } }), events, () =>
    Promise.resolve(),
  );
  for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'closed'] as const) {
    events.on(name, () => states.push(conn.getState()));
  }
  cleanup.add(() => conn.disconnect());
  return { conn, lines, states };
}

const refusal = (conn: ClientConnection, operation: Operation, subject = 'a.b'): unknown => {
  try {
    conn.guard(operation, subject);
    return undefined;
  } catch (error) {
    return error;
  }
};

function kill(server: TestNatsServer): void {
  const pid = server.server.getPid();
  if (pid === undefined) throw new Error('server has no pid');
  process.kill(pid, 'SIGKILL');
}

describe('the guard', () => {
  it.each(OPERATIONS)('before connect(), %s is refused naming the operation and the state', (operation) => {
    const { conn } = connection();
    const error = refusal(conn, operation);
    expect(error).toBeInstanceOf(NatsNotConnectedError);
    expect((error as Error).message).toBe(`Cannot ${VERBS[operation]}: the client is disconnected. Call connect() first (and not after disconnect()).`);
  });

  it('lets every operation through while connected, only those that can wait during an outage, and none after disconnect()', async () => {
    const server = await cleanup.server();
    const { conn } = connection();
    await conn.connect({ mode: 'external', serverUrl: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50, reconnectMaxWait: 100 });
    for (const operation of OPERATIONS) expect(conn.guard(operation)).toBe(conn.current());

    kill(server);
    await waitFor(() => !conn.isLive(), 'the socket to drop');
    for (const operation of ['publish', 'subscribe', 'reply', 'service'] as const) expect(conn.guard(operation)).toBe(conn.current());
    const request = refusal(conn, 'request', 'the.subject');
    expect(request).toBeInstanceOf(NatsNotConnectedError);
    expect((request as Error).message).toMatch(/^Request on "the\.subject" not sent: the client is (disconnected|reconnecting)\. It fails at once/);
    expect((refusal(conn, 'flush') as Error).message).toMatch(/^Cannot flush while the client is (disconnected|reconnecting): wait for 'reconnected'\.$/);

    await conn.disconnect();
    expect(conn.getState()).toBe('closed');
    for (const operation of OPERATIONS) expect((refusal(conn, operation) as Error).message).toContain('the client is closed.');
  });
});

describe('the states', () => {
  it('connect, outage, reconnect and disconnect move only as the table allows', async () => {
    const first = await cleanup.server();
    const { conn, lines, states } = connection();
    expect(conn.getState()).toBe('disconnected');
    await conn.connect({ mode: 'external', serverUrl: first.url, maxReconnectAttempts: -1, reconnectTimeWait: 50, reconnectMaxWait: 100 });
    expect(conn.getState()).toBe('connected');
    kill(first);
    await waitFor(() => states.includes('reconnecting'), 'a reconnect attempt');
    await cleanup.server({ port: first.port });
    await waitFor(() => conn.getState() === 'connected', 'the reconnect', 15_000);
    await conn.disconnect();
    expect(states[0]).toBe('connected');
    expect(states).toContain('disconnected');
    expect(states.slice(-2)).toEqual(['connected', 'closed']);
    expect(conn.getState()).toBe('closed');
    const moves = lines.map((line) => JSON.parse(line) as { msg: string; from?: string; to?: string }).filter((l) => l.msg === 'Connection state changed');
    expect(moves.map((m) => `${m.from}>${m.to}`)).toEqual(
      expect.arrayContaining(['disconnected>connecting', 'connecting>connected', 'connected>disconnected', 'connected>draining', 'draining>closed']),
    );
    expect(lines.filter((line) => line.includes('Unexpected connection state change'))).toEqual([]);
  });

  it('a failed connect goes back to disconnected; connect() twice is refused; disconnect() without a connection closes', async () => {
    const { conn, lines } = connection();
    await expect(conn.connect({ mode: 'external', serverUrl: 'nats://127.0.0.1:1', connectTimeout: 500, reconnect: false })).rejects.toThrow();
    expect(conn.getState()).toBe('disconnected');
    const server = await cleanup.server();
    const connecting = conn.connect({ mode: 'external', serverUrl: server.url });
    await expect(conn.connect({ mode: 'external', serverUrl: server.url })).rejects.toMatchObject({ code: 'NATS_ALREADY_CONNECTED' });
    await connecting;
    await conn.disconnect();
    await conn.disconnect();
    expect(conn.getState()).toBe('closed');
    expect(lines.filter((line) => line.includes('Unexpected connection state change'))).toEqual([]);
  });
});
