/**
 * Passwords and tokens that are short or common words ("nats", "server", "a", "connect", "127"), on real nats-servers:
 * a refused connection, wrong credentials, a server restart, health() and state, log lines (ours and nats-server's
 * protocol traces), metrics, a crash report and configuration errors. Two things hold for each:
 * - the secret never stands as a credential: not as a field's value (`password: nats`, `"pass":"nats"`), not in a
 *   URL's userinfo (`ops:nats@`);
 * - nothing is garbled: our messages read exactly as written, and `[REDACTED]` stands only where a credential field
 *   or URL userinfo was. Text is never searched for the secret's value, so "nats-server" and "127.0.0.1" stay whole.
 */
import { inspect } from 'node:util';
import { connect as natsConnect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, NatsClient, createLogger, type DistributedError, type Logger } from '../../src/index.js';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { Cleanup, nextEvent } from '../helpers/client.js';
import { freePort } from '../helpers/nats-server.js';
import { killHard } from '../helpers/reliability.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const SECRETS = ['nats', 'server', 'a', 'connect', '127'];
const USER = 'ops';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
const FIELD = String.raw`\b(?:password|pass|token|auth_token|api_key|authorization)\\?["']?\s*[:=]\s*\\?["']?`;

/** Whether `secret` stands anywhere as a credential: a field's value (JSON, conf, inspect output) or inside URL userinfo. */
function standsAsCredential(text: string, secret: string): boolean {
  const value = escape(secret);
  return (
    new RegExp(`${FIELD}${value}(?![\\w.-])`, 'i').test(text) || new RegExp(`://[^\\s/@]*${value}[^\\s/@]*@`).test(text) || text.includes(`${USER}:${secret}@`)
  );
}

/** `text` without the markers that stand where a credential was: a field's value, URL userinfo, a secret option's "found". */
function withoutCredentialMarkers(text: string): string {
  return (
    text
      .replace(new RegExp(`${FIELD}\\[REDACTED\\]`, 'gi'), '')
      .replace(/\[REDACTED\]@/g, '')
      .replace(/\bauth\.(?:password|token): expected [^\n]*?, found \[REDACTED\]/g, '')
      // The same problem as an object (util.inspect and JSON).
      .replace(/\bauth\.(?:password|token)['"],\s*"?expected"?:\s*['"][^'"]*['"],\s*"?found"?:\s*['"]\[REDACTED\]/g, '')
  );
}

/** Both guarantees over everything a session let out. */
function expectNoCredentialAndNoGarbling(text: string, secret: string): void {
  expect(standsAsCredential(text, secret)).toBe(false);
  expect(withoutCredentialMarkers(text)).not.toContain('[REDACTED]');
}

/** Everything a session lets out: the logger's lines, and each value as util.inspect and JSON. */
class Exposure {
  readonly lines: string[] = [];
  readonly logger: Logger = createLogger({ level: 'trace', destination: { write: (line: string) => this.lines.push(line) } });
  private readonly items: unknown[] = [];

  add(...values: unknown[]): void {
    this.items.push(...values);
  }

  text(): string {
    const render = (value: unknown): string =>
      typeof value === 'string' ? value : `${inspect(value, { depth: 8 })}\n${(JSON.stringify(value) as string | undefined) ?? ''}`;
    return [...this.lines, ...this.items.map(render)].join('\n');
  }
}

async function failure(run: () => Promise<unknown>): Promise<DistributedError> {
  return (await run().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  )) as DistributedError;
}

describe.each(SECRETS)('the password or token %j', (secret) => {
  it('a refused connection: the message reads as written, with [REDACTED] only for URL userinfo', async () => {
    const out = new Exposure();
    const port = await freePort();
    const refused = `(CONNECTION_REFUSED): nothing accepted the connection there: start nats-server there (or use embedded mode) or fix serverUrl/servers.`;
    for (const [serverUrl, shown] of [
      [`nats://127.0.0.1:${port}`, `nats://127.0.0.1:${port}`],
      [`nats://${USER}:${secret}@127.0.0.1:${port}`, `nats://[REDACTED]@127.0.0.1:${port}`],
      [`nats://${encodeURIComponent(secret)}@127.0.0.1:${port}`, `nats://[REDACTED]@127.0.0.1:${port}`],
      [`${USER}:${secret}@127.0.0.1:${port}`, `[REDACTED]@127.0.0.1:${port}`],
    ] as const) {
      const client = new NatsClient({ logger: out.logger });
      const error = await failure(() => client.connect({ mode: 'external', serverUrl, user: USER, password: secret, connectTimeout: 2000 }));
      const health = await client.health();
      out.add(error, health, client.getConnectionState());
      expect(error.message).toBe(`Could not connect to NATS at ${shown} ${refused}`);
      expect(health.lastError).toBe(error.message);
      expect((error as { url?: string }).url).toBe(shown);
    }
    expectNoCredentialAndNoGarbling(out.text(), secret);
  });

  it('wrong credentials: "the server refused the credentials", whole', async () => {
    const out = new Exposure();
    const withPassword = await cleanup.server({ auth: { user: USER, password: `right-${secret}-password` } });
    const withToken = await cleanup.server({ auth: { token: `right-${secret}-token` } });
    for (const [url, credentials] of [
      [withPassword.url, { user: USER, password: secret }],
      [withToken.url, { token: secret }],
    ] as const) {
      const client = new NatsClient({ logger: out.logger });
      const error = await failure(() => client.connect({ mode: 'external', serverUrl: url, connectTimeout: 2000, ...credentials }));
      out.add(error, await client.health());
      expect(error.message).toBe(
        `Could not connect to NATS at ${url} (AUTHORIZATION_VIOLATION): the server refused the credentials: check user/password, token or the nkey seed (a node whose key was removed is refused).`,
      );
    }
    expectNoCredentialAndNoGarbling(out.text(), secret);
  });

  it('a server restart, health(), state, log lines and metrics', async () => {
    const out = new Exposure();
    const server = await cleanup.server({ auth: { user: USER, password: secret } });
    const client = new NatsClient({ logger: out.logger });
    cleanup.add(() => client.disconnect());
    const metrics = new ClientMetrics();
    metrics.attach(client);
    const events: unknown[] = [];
    for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'error'] as const)
      client.on(name, (...args: unknown[]) => events.push(name, ...args));
    await client.connect({
      mode: 'external',
      serverUrl: `nats://${USER}:${secret}@127.0.0.1:${server.port}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 20,
      requestTimeout: 300,
    });
    const subject = 'nats.server.connect.a.127';
    await client.reply(subject, (text: string) => {
      if (text === 'fail') throw new Error('the nats-server at 127.0.0.1 would not connect');
      return `echo ${text}`;
    });
    expect(await client.request(subject, secret)).toBe(`echo ${secret}`);
    // A handler's error: its words reach the requester, the error event, the log and health() as written.
    const handlerFailed = `The handler for "${subject}" failed: the nats-server at 127.0.0.1 would not connect. The subscription keeps running.`;
    const remote = await failure(() => client.request(subject, 'fail'));
    expect(remote.message).toBe(`The responder on "${subject}" failed (HANDLER_ERROR): the nats-server at 127.0.0.1 would not connect`);
    expect((await client.health()).lastError).toBe(handlerFailed);
    out.add(remote, await client.health());

    const down = nextEvent(client, 'disconnected');
    killHard(server.server);
    await down;
    const lost = await failure(() => client.request(subject, 1));
    out.add(lost, await client.health());
    const back = nextEvent(client, 'reconnected', 10_000);
    await cleanup.server({ port: server.port, auth: { user: USER, password: secret } });
    await back;
    const health = await client.health();
    const exposition = await metrics.metrics();
    out.add(health, client.getConnectionState(), events, exposition);

    expect(health).toMatchObject({ state: 'connected', server: `127.0.0.1:${server.port}`, reconnects: 1 });
    expect(events).toContainEqual({ server: `127.0.0.1:${server.port}` });
    const logged = out.lines.join('\n');
    expect(logged).toContain('"msg":"Reconnected to NATS"');
    expect(logged).toContain(`"server":"127.0.0.1:${server.port}"`);
    expect(exposition).toContain('mlx_distributed_reconnects_total 1');
    expect(exposition).toContain('mlx_distributed_connection_state{state="connected"} 1');
    expectNoCredentialAndNoGarbling(out.text(), secret);
  });

  it("embedded: nats-server's lines with protocol traces, a foreign client refused, a crash report", async () => {
    const out = new Exposure();
    const client = new NatsClient({ logger: out.logger });
    cleanup.add(() => client.disconnect());
    await client.connect({
      mode: 'embedded',
      token: secret,
      embedded: { port: 0, httpPort: 0, logLevel: 'debug', args: ['-V'] },
      reconnectTimeWait: 20,
      maxReconnectAttempts: -1,
    });
    const server = (client as unknown as { conn: { server: { server: EmbeddedNatsServer } } }).conn.server.server;
    await natsConnect({ servers: server.getUrl(), token: `${secret}-wrong`, reconnect: false, timeout: 1000 }).catch((error: unknown) => {
      out.add(error);
    });
    const allowed = await natsConnect({ servers: server.getUrl(), token: secret });
    await allowed.close();

    const crashed = nextEvent(client, 'error');
    killHard(server);
    const [crash] = await crashed;
    const logs = server.getLogs();
    out.add(crash, logs, await client.health());

    expect(logs.some((line) => line.endsWith('[INF] Starting nats-server'))).toBe(true);
    expect(logs.some((line) => /\[INF\] Using configuration file: \/\S+\/nats-embedded-\w+\/nats\.conf$/.test(line))).toBe(true);
    expect(logs.some((line) => line.endsWith(`[INF] Listening for client connections on 127.0.0.1:${server.getPort()}`))).toBe(true);
    expect(logs.some((line) => line.includes('"auth_token":"[REDACTED]","lang":"nats.js"'))).toBe(true);
    expect(logs.some((line) => line.endsWith('"v3.4.0:nats.js" - authentication error') || line.endsWith('- authentication error'))).toBe(true);
    expect(crash.message).toMatch(/^The embedded nats-server exited unexpectedly by signal SIGKILL\. .*\nLast nats-server log lines:\n/s);
    expectNoCredentialAndNoGarbling(out.text(), secret);
  });

  it('configuration errors: options, the nats-server config, a malformed config that quotes the password, the command line, the cluster file', async () => {
    const out = new Exposure();

    // An option with a secret in it: the problem names the option and shows [REDACTED] for its value.
    const bad = new NatsClient({ logger: out.logger });
    const invalid = await failure(() => bad.connect({ mode: 'embedded', user: USER, password: `${secret}\u0001`, embedded: { port: 0, httpPort: 0 } }));
    out.add(invalid, await bad.health());
    expect(invalid.message).toBe(
      'Invalid configuration (1 problem):\n  <EmbeddedServerOptions>: auth.password: expected a non-empty string without control characters, found [REDACTED]\nFix the options passed in code and try again.',
    );
    expect((await bad.health()).lastError).toBe(invalid.message);

    // nats-server refuses the config it was given: its error and the path of the file read as written.
    const refusing = new NatsClient({ logger: out.logger });
    const refused = await failure(() =>
      refusing.connect({ mode: 'embedded', user: USER, password: secret, embedded: { port: 0, httpPort: 0, config: 'bogus_key: 1' } }),
    );
    out.add(refused, await refusing.health());
    expect(refused.message).toMatch(
      /^nats-server exited before it was ready \(exit code 1\): nats-server: \/\S+\/nats-embedded-\w+\/nats\.conf:\d+:\d+: unknown field "bogus_key"\. Check the options/,
    );

    // A malformed config of the caller's: nats-server's parse error quotes the file there, which is elided.
    const server = new EmbeddedNatsServer({ logger: out.logger });
    cleanup.add(() => server.stop());
    const parse = await failure(() => server.start({ port: 0, httpPort: 0, config: `authorization { user: ${USER}, password: ${secret} ${secret} }` }));
    out.add(parse);
    expect(parse.message).toMatch(
      /: nats-server: Parse error on line \d+: 'Expected a map value terminator "," or a map terminator "}", but got '…' instead\.'\. Check the options/,
    );

    // A password on nats-server's command line: its flag errors name flags, never values.
    const flags = new EmbeddedNatsServer({ logger: out.logger });
    cleanup.add(() => flags.stop());
    const flagError = await failure(() => flags.start({ port: 0, httpPort: 0, args: ['--user', USER, '--pass', secret, '--bogus'] }));
    out.add(flagError);
    expect(flagError.message).toMatch(/^nats-server exited before it was ready \(exit code \d+\): flag provided but not defined: -bogus\. Check the options/);

    // The cluster file, the password from the environment: problems name the keys, and a bad URL keeps all but its userinfo.
    const yaml =
      'cluster:\n  mode: worker\n  nats:\n    mode: external\n    server_url: nats://ops:${NATS_PASSWORD}@127.0.0.1:x x\n    user: ops\n    password: ${NATS_PASSWORD}\n    reconnect: maybe\n';
    const file = await failure(() => Promise.resolve().then(() => parseClusterConfig(yaml, { file: 'cluster.yaml', env: { NATS_PASSWORD: secret } })));
    out.add(file);
    expect(file.message).toBe(
      [
        'Invalid configuration (2 problems):',
        '  cluster.yaml:5:17: cluster.nats.server_url: expected a URL starting with nats://, tls://, ws:// or wss://, found "nats://[REDACTED]@127.0.0.1:x x" (from ${NATS_PASSWORD})',
        '  cluster.yaml:8:16: cluster.nats.reconnect: expected true or false, found "maybe"',
        'Fix the file and start again.',
      ].join('\n'),
    );
    expectNoCredentialAndNoGarbling(out.text(), secret);
  });
});
