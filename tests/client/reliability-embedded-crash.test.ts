/**
 * Issue 7, embedded server crash: SIGKILL the nats-server a client started for itself. The client emits
 * disconnected and reconnecting, reports the exit (code, signal, last log lines) as a NatsServerExitError,
 * EmbeddedNatsServer emits `exit` with the same facts, and disconnect() still ends cleanly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NatsServerExitError, type DistributedError } from '../../src/base/errors.js';
import { createLogger } from '../../src/base/logger.js';
import { NatsClient } from '../../src/client/client.js';
import type { EmbeddedNatsServer, EmbeddedServerExit } from '../../src/server/embedded-server.js';
import { nextEvent, waitFor } from '../helpers/client.js';
import { killHard } from '../helpers/reliability.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const task of cleanups.splice(0).reverse()) await task().catch(() => undefined);
});

/** The client's own server object (private; read here only to learn its pid and listen to it). */
const embeddedServerOf = (client: NatsClient): EmbeddedNatsServer | undefined =>
  (client as unknown as { conn: { server?: { server: EmbeddedNatsServer } } }).conn.server?.server;

describe('embedded server crash', () => {
  it('SIGKILL of the embedded nats-server: client events, a NatsServerExitError with signal and last logs, the server exit event, a clean disconnect', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    const client = new NatsClient({ logger });
    cleanups.push(() => client.disconnect());
    await client.connect({ mode: 'embedded', embedded: { port: 0, httpPort: 0 }, reconnectTimeWait: 20, reconnectMaxWait: 100, maxReconnectAttempts: -1 });
    const server = embeddedServerOf(client);
    if (server === undefined) throw new Error('the client did not keep its embedded server');
    const pid = server.getPid();

    const events: string[] = [];
    for (const name of ['disconnected', 'reconnecting', 'reconnected', 'closed'] as const) client.on(name, () => events.push(name));
    const errors: DistributedError[] = [];
    client.on('error', (e) => errors.push(e));
    const exited = new Promise<EmbeddedServerExit>((resolve) => server.on('exit', resolve));
    const reconnecting = nextEvent(client, 'reconnecting');

    killHard(server);
    const exit = await exited;
    await reconnecting;
    await waitFor(() => errors.some((e) => e instanceof NatsServerExitError), 'the exit report');

    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', expected: false });
    expect(exit.logs.some((l) => l.includes('Server is ready'))).toBe(true);
    expect(events.slice(0, 2)).toEqual(['disconnected', 'reconnecting']);
    expect(client.isConnected()).toBe(false);
    const report = errors.find((e) => e instanceof NatsServerExitError);
    expect(report).toMatchObject({ code: 'NATS_SERVER_EXITED', exitCode: null, signal: 'SIGKILL' });
    expect(report?.message).toMatch(/exited unexpectedly by signal SIGKILL[\s\S]*Server is ready/);
    expect(report?.logs).toEqual(exit.logs);
    expect(lines.some((l) => l.includes('nats-server exited unexpectedly') && l.includes(String(pid)))).toBe(true);

    await client.disconnect();
    expect(client.getConnectionState()).toBe('closed');
    expect(events).not.toContain('reconnected');
    expect(server.isRunning()).toBe(false);
  });
});
