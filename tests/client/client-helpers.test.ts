import { gzipSync } from 'node:zlib';
import { errors as natsErrors, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { describe, expect, it, vi } from 'vitest';
import {
  ConfigValidationError,
  MessageDecodeError,
  NatsConnectionError,
  NatsNoRespondersError,
  NatsNotConnectedError,
  NatsTimeoutError,
  SubjectError,
  ValidationError,
} from '../../src/base/errors.js';
import { connectError, connectTimeoutError, natsCode, operationError, requestError } from '../../src/client/errors.js';
import { TypedEvents } from '../../src/client/events.js';
import { internalsAvailable, isTransportConnected, pendingOutboundBytes } from '../../src/client/nats-internals.js';
import { ManagedSubscription, headerValue, inboundError, messageContext, remoteErrorOf, toNatsHeaders } from '../../src/client/messages.js';
import {
  CLIENT_DEFAULTS,
  embeddedServerOptions,
  hostOf,
  natsConnectionOptions,
  natsTlsOptions,
  resolveClientOptions,
  splitUrlCredentials,
} from '../../src/client/options.js';
import { OutageBuffer, messageSize } from '../../src/client/outage-buffer.js';
import { ENCODING_HEADER, compressPayload, decompressPayload, isCompressed } from '../../src/client/compression.js';
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
    expect(paths).toEqual(expect.arrayContaining(['serverUrl', 'password', 'maxReconnectAttempts', 'reconnectTimeWait', 'compressThreshold', 'connectTimeout']));
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

describe('client errors', () => {
  it('reads codes only from objects that have a string code', () => {
    expect(natsCode({ code: 'X' })).toBe('X');
    expect(natsCode({ code: 1 })).toBeUndefined();
    expect(natsCode('x')).toBeUndefined();
    expect(natsCode(null)).toBeUndefined();
  });

  it('explains connection failures without credentials, and keeps a safe cause', () => {
    const refused = connectError(Object.assign(new Error('CONNECTION_REFUSED'), { code: 'CONNECTION_REFUSED' }), ['nats://u:pw@127.0.0.1:1']);
    expect(refused).toBeInstanceOf(NatsConnectionError);
    expect(refused.message).toContain('nats://[REDACTED]@127.0.0.1:1');
    expect(refused.message).toContain('CONNECTION_REFUSED');
    expect(refused.url).toBe('nats://[REDACTED]@127.0.0.1:1');
    expect(refused.cause).toBeInstanceOf(Error);
    // A URL without a scheme, or with an @ left unencoded in its password, loses all of its userinfo too.
    expect(connectError(new Error('x'), ['u:p@ss@h:1', 'nats://h:2']).message).toContain('at [REDACTED]@h:1, nats://h:2:');

    // The original error's words are not ours: credential fields and URL userinfo in them are hidden, and such an
    // error is not kept as the cause. Other words stay as written.
    const leaky = connectError(new Error('bad thing with password: pw inside, from nats://a:b@h'), ['nats://h:1']);
    expect(leaky.message).toContain('bad thing with password: [REDACTED] inside, from nats://[REDACTED]@h');
    expect(leaky.cause).toBeUndefined();
    expect(connectError(new Error('plain nats-server words'), ['nats://h:1']).message).toContain('plain nats-server words');
    expect(connectError(new Error('x'), ['nats://h:1']).cause).toBeInstanceOf(Error);

    expect(connectError(undefined, ['nats://h:1']).cause).toBeUndefined();
    expect(connectTimeoutError(['nats://u:pw@h:1'], 50).message).toMatch(/nats:\/\/\[REDACTED\]@h:1 within 50 ms.*connectTimeout/);
  });

  it('maps request and publish failures to typed errors', () => {
    // The errors nats.js v3 throws, as it builds them.
    expect(requestError(new natsErrors.TimeoutError(), 'a.b', 100)).toBeInstanceOf(NatsTimeoutError);
    expect(requestError(new natsErrors.NoRespondersError('a.b'), 'a.b', 100)).toBeInstanceOf(NatsNoRespondersError);
    const wrapped = new natsErrors.RequestError('no responders', { cause: new natsErrors.NoRespondersError('a.b') });
    expect(requestError(wrapped, 'a.b', 100)).toBeInstanceOf(NatsNoRespondersError);
    expect(requestError(new natsErrors.RequestError('cancelled'), 'a.b', 100)).toBeInstanceOf(NatsNotConnectedError);
    expect(requestError(new natsErrors.ClosedConnectionError(), 'a.b', 100)).toBeInstanceOf(NatsNotConnectedError);
    expect(operationError(new natsErrors.DrainingConnectionError(), 'publish', 'a.b')).toBeInstanceOf(NatsNotConnectedError);
    const tooBig = natsErrors.InvalidArgumentError.format('payload', 'max_payload size exceeded');
    expect(operationError(tooBig, 'publish', 'a.b').code).toBe('NATS_MAX_PAYLOAD');
    expect(operationError(new natsErrors.InvalidSubjectError(''), 'publish', '')).toBeInstanceOf(SubjectError);
    const other = operationError(new Error('weird {"auth_token":"sec"}'), 'publish', 'a.b');
    expect(other.code).toBe('NATS_ERROR');
    expect(other.message).toBe('Could not publish on "a.b": weird {"auth_token":"[REDACTED]"}');
    const own = new SubjectError('x');
    expect(operationError(own, 'publish', 'a')).toBe(own);
  });
});

describe('TypedEvents', () => {
  interface Events {
    ping: [n: number];
    error: [e: Error];
  }

  it('calls listeners in order, once per function, and off removes them', () => {
    const events = new TypedEvents<Events>(() => undefined);
    const seen: number[] = [];
    const a = (n: number): void => {
      seen.push(n);
    };
    events.on('ping', a);
    events.on('ping', a);
    expect(events.emit('ping', 1)).toBe(1);
    events.off('ping', a);
    events.off('error', () => undefined);
    expect(events.emit('ping', 2)).toBe(0);
    expect(seen).toEqual([1]);
    expect(events.listenerCount('ping')).toBe(0);
    expect(events.listenerCount('error')).toBe(0);
  });

  it('never throws: error without listeners is a no-op and a throwing listener goes to onListenerError', () => {
    const failures: unknown[] = [];
    const events = new TypedEvents<Events>((event, error) => failures.push([event, error]));
    expect(events.emit('error', new Error('nobody listens'))).toBe(0);
    const boom = new Error('listener bug');
    events.on('ping', () => {
      throw boom;
    });
    const after = vi.fn();
    events.on('ping', after);
    expect(() => events.emit('ping', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith(1);
    expect(failures).toEqual([['ping', boom]]);
  });
});

describe('OutageBuffer', () => {
  it('keeps publishes in order up to the byte bound', () => {
    const buffer = new OutageBuffer(200);
    const payload = new Uint8Array(50);
    expect(buffer.tryAdd('a.b', payload, undefined)).toBe(true);
    expect(buffer.tryAdd('a.c', payload, undefined)).toBe(true);
    expect(buffer.tryAdd('a.d', payload, undefined)).toBe(false);
    expect(buffer.length).toBe(2);
    expect(buffer.bytes).toBe(2 * messageSize('a.b', payload, undefined));
    expect(buffer.limit).toBe(200);
    expect(buffer.takeAll().map((i) => i.subject)).toEqual(['a.b', 'a.c']);
    expect(buffer.length).toBe(0);
    expect(buffer.bytes).toBe(0);
  });

  it('counts headers in the size', () => {
    const h = natsHeaders();
    h.set('Content-Encoding', 'gzip');
    expect(messageSize('s', new Uint8Array(1), h)).toBeGreaterThan(messageSize('s', new Uint8Array(1), undefined));
  });
});

describe('compression', () => {
  it('round-trips and recognises the header case-insensitively', () => {
    const data = Buffer.from('x'.repeat(10_000));
    const packed = compressPayload(data);
    expect(packed.byteLength).toBeLessThan(data.byteLength);
    expect(Buffer.from(decompressPayload(packed, 's')).equals(data)).toBe(true);
    const h = natsHeaders();
    h.set('content-encoding', 'GZIP');
    expect(isCompressed(h)).toBe(true);
    expect(isCompressed(undefined)).toBe(false);
    expect(isCompressed(natsHeaders())).toBe(false);
    expect(ENCODING_HEADER).toBe('Content-Encoding');
  });

  it('refuses invalid gzip and decompression bombs with MessageDecodeError naming the subject', () => {
    expect(() => decompressPayload(Buffer.from('not gzip'), 'in.bad')).toThrow(MessageDecodeError);
    expect(() => decompressPayload(Buffer.from('not gzip'), 'in.bad')).toThrow(/in\.bad.*not valid gzip/);
    const bomb = gzipSync(Buffer.alloc(100_000));
    expect(() => decompressPayload(bomb, 'in.bomb', 1000)).toThrow(/inflates beyond 1000 bytes/);
  });
});

describe('message helpers', () => {
  const fakeMsg = (init: Partial<Msg>): Msg => ({ subject: 's.x', reply: '', data: new Uint8Array(0), headers: undefined, ...init }) as Msg;

  it('builds contexts with subject, reply and headers only when present', () => {
    const bare = messageContext(fakeMsg({}));
    expect(bare.subject).toBe('s.x');
    expect(bare.reply).toBeUndefined();
    expect(bare.headers).toBeUndefined();
    const h = toNatsHeaders({ a: 'b' });
    const ctx = messageContext(fakeMsg({ reply: '_INBOX.1', headers: h }));
    expect(ctx.reply).toBe('_INBOX.1');
    expect(ctx.headers?.get('a')).toEqual(['b']);
  });

  it('keeps header values on one bounded line', () => {
    expect(headerValue('a\r\nb')).toBe('a b');
    expect(headerValue('x'.repeat(5000)).length).toBe(2000);
  });

  it('reads remote errors, defaulting the code', () => {
    const h = natsHeaders();
    h.set('Nats-Service-Error', 'boom');
    expect(remoteErrorOf(fakeMsg({ headers: h }), 'q')?.remoteCode).toBe('UNKNOWN');
    expect(remoteErrorOf(fakeMsg({}), 'q')).toBeUndefined();
  });

  it('passes decode errors through and wraps anything else', () => {
    const own = new ValidationError('inbound', 's', []);
    expect(inboundError(own, 's', 1)).toBe(own);
    const wrapped = inboundError(new TypeError('odd'), 's.y', 3);
    expect(wrapped).toBeInstanceOf(MessageDecodeError);
    expect(wrapped.message).toContain('s.y');
  });

  it('ManagedSubscription unsubscribes once and survives a closed inner subscription', async () => {
    const closed: unknown[] = [];
    const sub = new ManagedSubscription('a.b', (s) => closed.push(s));
    expect(sub.isClosed()).toBe(false);
    await sub.unsubscribe();
    await sub.unsubscribe();
    expect(closed).toHaveLength(1);
    expect(sub.isClosed()).toBe(true);
    const broken = new ManagedSubscription('a.c', () => undefined);
    broken.attach({
      unsubscribe: () => {
        throw new Error('closed');
      },
      isClosed: () => true,
    } as never);
    expect(broken.isClosed()).toBe(true);
    await expect(broken.unsubscribe()).resolves.toBeUndefined();
  });
});

describe('nats.js internals access', () => {
  it('falls back safely when the internals are missing', () => {
    const bare = { isClosed: () => false } as unknown as NatsConnection;
    expect(pendingOutboundBytes(bare)).toBe(0);
    expect(isTransportConnected(bare)).toBe(true);
    expect(internalsAvailable(bare)).toBe(false);
    const partial = { isClosed: () => true, protocol: { outbound: { size: () => 7 }, transport: {} } } as unknown as NatsConnection;
    expect(pendingOutboundBytes(partial)).toBe(7);
    expect(isTransportConnected(partial)).toBe(false);
    const noOutbound = { protocol: { transport: { socket: { writableLength: 3 } } } } as unknown as NatsConnection;
    expect(pendingOutboundBytes(noOutbound)).toBe(3);
  });
});
