/**
 * Issue 7, credentials never appear anywhere: one realistic session per auth kind, everything the package lets out
 * captured (pino output at trace, thrown values with their causes and stacks, events, getConnectionState(),
 * health(), the embedded server's log lines, the metrics text), then searched for every form of the secret.
 *
 * Already covered elsewhere and listed in docs/reliability.md: loopback binding of the embedded server and its
 * monitoring port (embedded-server.test.ts), the 0600 credentials file and clean argv (embedded-auth.test.ts),
 * TLS with a certificate made at test time (nats-client-security.test.ts).
 */
import { inspect } from 'node:util';
import { connect as natsConnect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, NatsClient, createLogger, type ClientEventName, type Logger } from '../../src/index.js';
import type { EmbeddedNatsServer } from '../../src/server/index.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';
import { killHard } from '../helpers/reliability.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const USER = 'ops-admin';
// Characters that need percent-encoding in a URL, so both spellings are searched for.
const PASSWORD = 'pw:S3cret/9f@a#b';
const TOKEN = 'tok-S3cret-77c1-e0d2';

/** Everything the session let out. */
class Exposure {
  readonly lines: string[] = [];
  private readonly items: unknown[] = [];
  readonly logger: Logger = createLogger({ level: 'trace', destination: { write: (line: string) => this.lines.push(line) } });

  add(...values: unknown[]): void {
    this.items.push(...values);
  }

  /** Records the outcome of `run`, whichever it is. */
  async outcome(run: () => Promise<unknown>): Promise<unknown> {
    const result = await run().catch((error: unknown) => error);
    this.add(result);
    return result;
  }

  watch(client: NatsClient): void {
    for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'error', 'closed'] as ClientEventName[]) {
      client.on(name, (...args: unknown[]) => {
        this.add(name, ...args);
      });
    }
  }

  async snapshot(client: NatsClient): Promise<void> {
    this.add(client.getConnectionState(), await client.health());
  }

  /** One big string: log lines, and every item as util.inspect (causes, stacks, hidden fields) and JSON. */
  text(): string {
    const render = (value: unknown): string => {
      if (typeof value === 'string') return value;
      let json: unknown;
      try {
        // undefined for undefined and functions, whatever the declared type says.
        json = JSON.stringify(value);
      } catch {
        json = '';
      }
      const stack = value instanceof Error ? `${value.stack ?? ''} ${String((value as { cause?: unknown }).cause)}` : '';
      return `${inspect(value, { depth: 8, showHidden: true })}\n${String(json)}\n${stack}`;
    };
    return [...this.lines, ...this.items.map(render)].join('\n');
  }
}

const forms = (secret: string): string[] => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];

describe('credentials never leak', () => {
  it('user/password, external: wrong password, URL credentials, requests that fail, a server restart, metrics: no trace of the password', async () => {
    const out = new Exposure();
    const server = await cleanup.server({ auth: { user: USER, password: PASSWORD } });
    const creds = `nats://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}`;

    const wrong = new NatsClient({ logger: out.logger });
    out.watch(wrong);
    const refused = await out.outcome(() =>
      wrong.connect({ mode: 'external', serverUrl: server.url, user: USER, password: `${PASSWORD}-wrong`, connectTimeout: 2000 }),
    );
    expect(refused).toMatchObject({ code: 'NATS_CONNECTION' });
    await out.snapshot(wrong);

    const client = new NatsClient({ logger: out.logger });
    cleanup.add(() => client.disconnect());
    out.watch(client);
    const metrics = new ClientMetrics();
    metrics.attach(client);
    await client.connect({ mode: 'external', serverUrl: creds, maxReconnectAttempts: -1, reconnectTimeWait: 20, requestTimeout: 300, name: 'secrets-session' });
    await out.snapshot(client);
    await client.reply('sec.fail', () => {
      throw new Error('the handler failed');
    });
    await client.subscribe('sec.never', () => undefined);
    await out.outcome(() => client.request('sec.fail', 1));
    await out.outcome(() => client.request('sec.nobody', 1));
    await out.outcome(() => client.request('sec.never', 1, { timeout: 100 }));
    await out.outcome(() => client.publish('bad subject', 1));

    const down = nextEvent(client, 'disconnected');
    killHard(server.server);
    await down;
    await out.outcome(() => client.request('sec.fail', 1));
    await out.outcome(() => client.flush());
    await out.snapshot(client);
    const back = nextEvent(client, 'reconnected', 10_000);
    await cleanup.server({ port: server.port, auth: { user: USER, password: PASSWORD } });
    await back;
    await out.snapshot(client);
    out.add(await metrics.metrics());
    await client.disconnect();
    await out.snapshot(client);

    const everything = out.text();
    expect(out.lines.length).toBeGreaterThan(10);
    expect(everything).toContain('Reconnected to NATS');
    expect(everything).toContain('AUTHORIZATION_VIOLATION');
    expect(everything).toContain(`127.0.0.1:${server.port}`);
    for (const secret of forms(PASSWORD)) expect(everything).not.toContain(secret);
  });

  it('token, embedded mode with server debug logs: a foreign client with a wrong token, a crash report, no trace of the token', async () => {
    const out = new Exposure();
    const client = new NatsClient({ logger: out.logger });
    cleanup.add(() => client.disconnect());
    out.watch(client);
    await client.connect({
      mode: 'embedded',
      token: TOKEN,
      embedded: { port: 0, httpPort: 0, logLevel: 'debug' },
      reconnectTimeWait: 20,
      maxReconnectAttempts: -1,
    });
    const server = (client as unknown as { conn: { server: { server: EmbeddedNatsServer } } }).conn.server.server;
    await client.reply('tok.echo', (s: string) => s);
    expect(await client.request('tok.echo', 'hi')).toBe('hi');
    await out.snapshot(client);

    // Someone without the token is refused; with it, allowed. The server logs both at debug level.
    await out.outcome(() => natsConnect({ servers: server.getUrl(), token: 'not-the-token', reconnect: false, timeout: 1000 }));
    const allowed = await natsConnect({ servers: server.getUrl(), token: TOKEN });
    await allowed.close();
    await waitFor(() => server.getLogs().some((l) => /authentication error|Authorization Violation/i.test(l)), 'the refusal in the server log');

    const exited = nextEvent(client, 'error');
    killHard(server);
    out.add(...(await exited));
    out.add(server.getLogs());
    await client.disconnect();
    await out.snapshot(client);

    const everything = out.text();
    expect(everything).toMatch(/NATS_SERVER_EXITED/);
    for (const secret of forms(TOKEN)) expect(everything).not.toContain(secret);
  });
});
