/**
 * NatsClient security: user/password and token auth (external and embedded), TLS with a certificate made at test
 * time, and credentials kept out of logs, errors, state and health.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { connect as natsConnect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NatsConnectionError, type DistributedError } from '../../src/base/errors.js';
import { createLogger } from '../../src/base/logger.js';
import { NatsClient } from '../../src/client/client.js';
import { Cleanup } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const USER = 'cluster-admin';
const PASSWORD = 'pw-Very-Secret-9f3a';
const TOKEN = 'tok-Very-Secret-77c1';

/** Everything a client could leak through, as one string. */
function exposed(...values: unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : `${inspect(v, { depth: 6 })} ${JSON.stringify(v)}`)).join('\n');
}

describe('user/password and token authentication', () => {
  it('external: connects with the right credentials and leaks them nowhere (logs, errors, state, health, events)', async () => {
    const server = await cleanup.server({ auth: { user: USER, password: PASSWORD } });
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });

    const wrong = new NatsClient({ logger });
    const refused = await wrong
      .connect({ mode: 'external', serverUrl: server.url, user: USER, password: 'not-the-password', connectTimeout: 2000 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NatsConnectionError);
    expect((refused as Error).message).toMatch(/credentials/);
    expect(exposed(refused, await wrong.health())).not.toContain('not-the-password');

    const client = new NatsClient({ logger });
    cleanup.add(() => client.disconnect());
    const seen: unknown[] = [];
    client.on('connected', (info) => seen.push(info));
    client.on('error', (e) => seen.push(e));
    await client.connect({ mode: 'external', serverUrl: server.url, user: USER, password: PASSWORD, name: 'secure-client' });
    await client.reply('sec.rpc', () => {
      throw new Error('handler failed');
    });
    const remote = await client.request('sec.rpc', { q: 1 }).catch((e: unknown) => e);
    const health = await client.health();
    expect(health.state).toBe('connected');
    const state = client.getConnectionState();
    await client.disconnect();

    const everything = exposed(lines.join('\n'), refused, remote, health, state, seen);
    expect(lines.length).toBeGreaterThan(3);
    expect(everything).not.toContain(PASSWORD);
  });

  it('credentials inside the server URL are honoured and redacted everywhere', async () => {
    const server = await cleanup.server({ auth: { user: USER, password: PASSWORD } });
    const lines: string[] = [];
    const client = new NatsClient({ logger: createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } }) });
    cleanup.add(() => client.disconnect());
    const url = `nats://${USER}:${PASSWORD}@127.0.0.1:${server.port}`;
    const infos: unknown[] = [];
    client.on('connected', (info) => infos.push(info));
    await client.connect({ mode: 'external', serverUrl: url });
    const health = await client.health();
    expect(exposed(lines.join('\n'), health, infos)).not.toContain(PASSWORD);

    const bad = new NatsClient();
    const error = await bad.connect({ mode: 'external', serverUrl: `nats://${USER}:${PASSWORD}@127.0.0.1:1` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsConnectionError);
    expect(exposed(error, (error as Error).message, await bad.health())).not.toContain(PASSWORD);
    expect((error as NatsConnectionError).url).toContain('[REDACTED]');
  });

  it('token authentication works externally', async () => {
    const server = await cleanup.server({ auth: { token: TOKEN } });
    const client = await cleanup.client(server.url, { token: TOKEN });
    await client.reply('tok.echo', (s: string) => s);
    expect(await client.request('tok.echo', 'hi')).toBe('hi');
    expect(exposed(await client.health())).not.toContain(TOKEN);
    const anonymous = new NatsClient();
    await expect(anonymous.connect({ mode: 'external', serverUrl: server.url, connectTimeout: 2000 })).rejects.toBeInstanceOf(NatsConnectionError);
  });

  it('embedded mode hands the credentials to its own server', async () => {
    const lines: string[] = [];
    const client = new NatsClient({ logger: createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } }) });
    cleanup.add(() => client.disconnect());
    await client.connect({ mode: 'embedded', embedded: { port: 0, httpPort: 0 }, user: USER, password: PASSWORD });
    const port = Number((await client.health()).server?.split(':')[1]);
    await expect(natsConnect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 1000 })).rejects.toThrow();
    const withCreds = await natsConnect({ servers: `127.0.0.1:${port}`, user: USER, pass: PASSWORD });
    await withCreds.close();
    await client.disconnect();
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });
});

describe('TLS', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nats-client-tls-'));
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'server.ext',
    );
    writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
    openssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=test-client');
    openssl(
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'client.pem',
      '-days',
      '1',
      '-extfile',
      'client.ext',
    );
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const tlsServer = (): ReturnType<Cleanup['server']> =>
    cleanup.server({ args: ['--tlsverify', '--tlscert', file('server.pem'), '--tlskey', file('server.key'), '--tlscacert', file('ca.pem')] });

  it('connects with mutual TLS given file paths', async () => {
    const server = await tlsServer();
    const client = await cleanup.client(server.url, { tls: { ca: file('ca.pem'), cert: file('client.pem'), key: file('client.key') } });
    await client.reply('tls.echo', (s: string) => `secure ${s}`);
    expect(await client.request('tls.echo', 'hello')).toBe('secure hello');
  });

  it('connects with mutual TLS given PEM text', async () => {
    const server = await tlsServer();
    const pem = (name: string): string => readFileSync(file(name), 'utf8');
    const client = await cleanup.client(server.url, { tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') } });
    expect(client.isConnected()).toBe(true);
  });

  it('fails with NatsConnectionError without a client certificate, and without the CA', async () => {
    const server = await tlsServer();
    const errors: DistributedError[] = [];
    for (const tls of [{ ca: file('ca.pem') }, { cert: file('client.pem'), key: file('client.key') }]) {
      const client = new NatsClient();
      const error = await client.connect({ mode: 'external', serverUrl: server.url, tls, connectTimeout: 2000, reconnect: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NatsConnectionError);
      errors.push(error as DistributedError);
      await client.disconnect();
    }
    expect(errors).toHaveLength(2);
  });
});
