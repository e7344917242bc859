/**
 * options.ts: defaults and checks of connect()'s options (every problem at once), the embedded server's options, and
 * the nats.js connection options (TLS material, server certificates for IP addresses, credentials moved out of URLs).
 * Elsewhere: connect() with these options on a real server, tests/client/client.test.ts; TLS and credentials end to
 * end, tests/client/client-security.test.ts; nkeys, tests/client/nkey-auth.test.ts; the defaults' one table,
 * tests/base/defaults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/base/errors.js';
import {
  CLIENT_DEFAULTS,
  embeddedServerOptions,
  hostOf,
  natsConnectionOptions,
  natsTlsOptions,
  resolveClientOptions,
  splitUrlCredentials,
} from '../../src/client/options.js';
import type { NatsClientOptions } from '../../src/client/types.js';

describe('resolveClientOptions', () => {
  it('fills in the defaults', () => {
    const r = resolveClientOptions({ mode: 'external', serverUrl: 'nats://127.0.0.1:4222' });
    expect(r).toMatchObject({
      mode: 'external',
      servers: ['nats://127.0.0.1:4222'],
      reconnect: true,
      maxReconnectAttempts: 10,
      reconnectTimeWait: 2000,
      reconnectMaxWait: 30_000,
      maxPendingBytes: 8 * 1024 * 1024,
      compressThreshold: undefined,
    });
  });

  it('prefers servers over serverUrl and keeps embedded servers empty', () => {
    expect(resolveClientOptions({ mode: 'external', serverUrl: 'nats://a:1', servers: ['nats://b:1', 'nats://c:1'] }).servers).toEqual([
      'nats://b:1',
      'nats://c:1',
    ]);
    expect(resolveClientOptions({ mode: 'embedded', serverUrl: 'nats://a:1' }).servers).toEqual([]);
  });

  it('lists every problem at once', () => {
    const bad = {
      mode: 'external',
      user: 'u',
      maxReconnectAttempts: -2,
      reconnectTimeWait: Number.NaN,
      compressThreshold: -1,
      connectTimeout: 0,
    } as NatsClientOptions;
    let error: unknown;
    try {
      resolveClientOptions(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const paths = (error as ConfigValidationError).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['serverUrl', 'password', 'maxReconnectAttempts', 'reconnectTimeWait', 'compressThreshold', 'connectTimeout']),
    );
    // Options come from code, not from a file: the advice says so.
    expect((error as ConfigValidationError).message).toMatch(/Fix the options passed in code and try again\.$/);
    expect((error as ConfigValidationError).message).not.toContain('Fix the file');
  });

  it('rejects an unknown mode, empty server entries, and token together with user', () => {
    expect(() => resolveClientOptions({ mode: 'cloud' } as unknown as NatsClientOptions)).toThrow(/mode/);
    expect(() => resolveClientOptions({ mode: 'external', servers: ['nats://a:1', ' '] })).toThrow(/servers\[1\]/);
    expect(() => resolveClientOptions({ mode: 'external', serverUrl: 'nats://a:1', user: 'u', password: 'p', token: 't' })).toThrow(/token/);
    expect(() => resolveClientOptions({ mode: 'external', serverUrl: 'nats://a:1', maxReconnectAttempts: 1.5 })).toThrow(/integer/);
  });

  it('accepts -1 for endless reconnects and 0 for a compression threshold', () => {
    const r = resolveClientOptions({ mode: 'embedded', maxReconnectAttempts: -1, compressThreshold: 0 });
    expect(r.maxReconnectAttempts).toBe(-1);
    expect(r.compressThreshold).toBe(0);
  });
});

describe('embeddedServerOptions', () => {
  it('takes the port from embeddedPort, then embedded.port, then 4222', () => {
    expect(embeddedServerOptions({ mode: 'embedded', embeddedPort: 1, embedded: { port: 2 } }).port).toBe(1);
    expect(embeddedServerOptions({ mode: 'embedded', embedded: { port: 0, httpPort: 0 } })).toMatchObject({ port: 0, httpPort: 0 });
    expect(embeddedServerOptions({ mode: 'embedded' }).port).toBe(CLIENT_DEFAULTS.embeddedPort);
  });

  it('passes the client credentials to the server unless embedded.auth is set', () => {
    expect(embeddedServerOptions({ mode: 'embedded', user: 'u', password: 'p' }).auth).toEqual({ user: 'u', password: 'p' });
    expect(embeddedServerOptions({ mode: 'embedded', token: 't' }).auth).toEqual({ token: 't' });
    expect(embeddedServerOptions({ mode: 'embedded', token: 't', embedded: { auth: { token: 'other' } } }).auth).toEqual({ token: 'other' });
    expect(embeddedServerOptions({ mode: 'embedded' })).not.toHaveProperty('auth');
  });
});

describe('nats.js options', () => {
  it('maps TLS material: PEM text as is, anything else as a file path', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----';
    expect(natsTlsOptions({ ca: pem, cert: '/c.pem', key: '/k.pem' })).toEqual({ ca: pem, certFile: '/c.pem', keyFile: '/k.pem' });
    expect(natsTlsOptions({ ca: '/ca.pem', cert: pem, key: pem })).toEqual({ caFile: '/ca.pem', cert: pem, key: pem });
    expect(natsTlsOptions({})).toEqual({});
  });

  it('checks server certificates against the configured IP addresses when nats.js gives Node no server name', () => {
    const tls = natsTlsOptions({ ca: '/ca.pem' }, ['127.0.0.1', 'nats.example.com']);
    const check = tls.checkServerIdentity;
    expect(check).toBeTypeOf('function');
    const forIp = { subject: { CN: 'x' }, subjectaltname: 'IP Address:127.0.0.1' } as never;
    const forName = { subject: { CN: 'x' }, subjectaltname: 'DNS:nats.example.com' } as never;
    expect(check?.('localhost', forIp)).toBeUndefined();
    expect(check?.('localhost', forName)).toBeInstanceOf(Error);
    expect(check?.('nats.example.com', forName)).toBeUndefined();
    expect(check?.('other.example.com', forName)).toBeInstanceOf(Error);
    expect(natsTlsOptions({ ca: '/ca.pem' }, ['nats.example.com']).checkServerIdentity).toBeUndefined();
  });

  it('splits credentials out of server URLs, percent-decoded', () => {
    expect(splitUrlCredentials('nats://h:1')).toEqual({ url: 'nats://h:1' });
    expect(splitUrlCredentials('nats://al%40ice:p%3Ass@h:1')).toEqual({ url: 'nats://h:1', user: 'al@ice', password: 'p:ss' });
    expect(splitUrlCredentials('tls://tok@h:1')).toEqual({ url: 'tls://h:1', token: 'tok' });
    expect(splitUrlCredentials('nats://@h:1')).toEqual({ url: 'nats://h:1' });
    expect(splitUrlCredentials('nats://u:%E0%A4%A@h:1')).toEqual({ url: 'nats://h:1', user: 'u', password: '%E0%A4%A' });
  });

  it('reads the host of a server URL', () => {
    expect(hostOf('nats://127.0.0.1:4222')).toBe('127.0.0.1');
    expect(hostOf('10.0.0.2:4222')).toBe('10.0.0.2');
    expect(hostOf('nats://[::1]:4222')).toBe('::1');
    expect(hostOf('nats://bad host:1')).toBeUndefined();
  });

  it('moves URL credentials into the options unless explicit ones are given', () => {
    const handler = (): number => 0;
    const fromUrl: NatsClientOptions = { mode: 'external', servers: ['nats://h:1', 'nats://u:p@h:2'], tls: { ca: '/ca' } };
    const nats = natsConnectionOptions(fromUrl, resolveClientOptions(fromUrl), fromUrl.servers ?? [], handler);
    expect(nats).toMatchObject({ servers: ['nats://h:1', 'nats://h:2'], user: 'u', pass: 'p' });
    expect(nats.tls).toHaveProperty('caFile', '/ca');
    const explicit: NatsClientOptions = { mode: 'external', serverUrl: 'nats://t@h:1', user: 'x', password: 'y' };
    expect(natsConnectionOptions(explicit, resolveClientOptions(explicit), ['nats://t@h:1'], handler)).toMatchObject({ user: 'x', pass: 'y' });
    const token: NatsClientOptions = { mode: 'external', serverUrl: 'nats://t@h:1' };
    expect(natsConnectionOptions(token, resolveClientOptions(token), ['nats://t@h:1'], handler)).toMatchObject({ token: 't' });
  });

  it('builds connection options with credentials, name, TLS and the delay handler', () => {
    const options: NatsClientOptions = { mode: 'external', serverUrl: 'nats://h:1', user: 'u', password: 'p', name: 'n', tls: { ca: '/ca' } };
    const handler = (): number => 5;
    const nats = natsConnectionOptions(options, resolveClientOptions(options), ['nats://h:1'], handler);
    expect(nats).toMatchObject({ servers: ['nats://h:1'], user: 'u', pass: 'p', name: 'n', tls: { caFile: '/ca' }, waitOnFirstConnect: false });
    expect(nats.reconnectDelayHandler).toBe(handler);
    const tokenOptions: NatsClientOptions = { mode: 'external', serverUrl: 'nats://h:1', token: 't' };
    expect(natsConnectionOptions(tokenOptions, resolveClientOptions(tokenOptions), ['nats://h:1'], handler)).toMatchObject({ token: 't' });
  });
});
