import { describe, expect, it } from 'vitest';
import { buildServerConfig, confString, EMBEDDED_DEFAULTS, listenAddress, resolveEmbeddedOptions } from '../../src/server/config.js';
import { ConfigValidationError } from '../../src/base/errors.js';
import type { EmbeddedServerOptions } from '../../src/server/index.js';

function problemsOf(options: unknown): { path: string; expected: string; found: string }[] {
  try {
    resolveEmbeddedOptions(options as EmbeddedServerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return [...(error as ConfigValidationError).problems];
  }
  throw new Error('expected ConfigValidationError');
}

describe('resolveEmbeddedOptions', () => {
  it('applies the defaults: port 4222, httpPort 8222, loopback, info, no JetStream', () => {
    const o = resolveEmbeddedOptions();
    expect(o).toMatchObject({
      port: 4222,
      httpPort: 8222,
      host: '127.0.0.1',
      jetstream: false,
      logLevel: 'info',
      args: [],
      startTimeoutMs: EMBEDDED_DEFAULTS.startTimeoutMs,
      stopGraceMs: EMBEDDED_DEFAULTS.stopGraceMs,
      logLines: 200,
    });
    expect(o.auth).toBeUndefined();
    expect(o.cluster).toBeUndefined();
  });

  it('keeps what the caller gave', () => {
    const o = resolveEmbeddedOptions({
      port: 0,
      httpPort: 0,
      host: '::1',
      jetstream: true,
      storeDir: '/tmp/js',
      logLevel: 'debug',
      binary: '/x/nats-server',
      args: ['--trace'],
      config: 'max_connections: 10',
      auth: { token: 't' },
      cluster: { name: 'c', port: 0 },
      serverName: 'n1',
      maxPayload: 2048,
      startTimeoutMs: 100,
      stopGraceMs: 0,
      logLines: 5,
    });
    expect(o).toMatchObject({ port: 0, host: '::1', jetstream: true, storeDir: '/tmp/js', logLevel: 'debug', maxPayload: 2048, logLines: 5 });
    expect(o.cluster).toEqual({ name: 'c', port: 0, routes: [] });
  });

  it('lists every invalid option at once, with its path', () => {
    const problems = problemsOf({
      port: 70000,
      httpPort: 1.5,
      host: '0.0.0.0 evil',
      logLevel: 'loud',
      startTimeoutMs: 0,
      stopGraceMs: -1,
      logLines: 0,
      jetstream: 'yes',
      storeDir: '',
      binary: 42,
      args: ['ok', 3],
      config: {},
      serverName: 'has space',
      maxPayload: 0,
      cluster: { name: 'c"', port: -1, routes: ['nats-route://ok:1', 'bad route'] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'port',
      'httpPort',
      'host',
      'logLevel',
      'startTimeoutMs',
      'stopGraceMs',
      'logLines',
      'jetstream',
      'storeDir',
      'binary',
      'args',
      'config',
      'serverName',
      'maxPayload',
      'cluster.name',
      'cluster.port',
      'cluster.routes[1]',
    ]);
    expect(problems[0]).toMatchObject({ expected: 'an integer from 0 to 65535', found: '70000' });
    expect(problems.find((p) => p.path === 'args')?.found).toBe('an array');
    expect(problems.find((p) => p.path === 'config')?.found).toBe('a object');
  });

  it('rejects a non-array routes value and a malformed auth object', () => {
    const problems = problemsOf({ cluster: { name: 'c', port: 0, routes: 'nats-route://x:1' }, auth: { nope: 1 } });
    expect(problems.map((p) => p.path)).toEqual(['auth', 'cluster.routes']);
  });

  it('never shows a secret in a validation problem', () => {
    const problems = problemsOf({ auth: { user: 'u', password: 'hunter2\n' } });
    expect(problems).toEqual([expect.objectContaining({ path: 'auth.password', found: '[REDACTED]' })]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
    expect(problemsOf({ auth: { token: '' } })[0]).toMatchObject({ path: 'auth.token', found: '[REDACTED]' });
    expect(problemsOf({ auth: { user: 7, password: 'p' } })[0]).toMatchObject({ path: 'auth.user', found: '7' });
    expect(problemsOf({ port: undefined, httpPort: '8222' })[0]).toMatchObject({ path: 'httpPort', found: '"8222"' });
    expect(problemsOf({ jetstream: null })[0]).toMatchObject({ path: 'jetstream', found: 'null' });
    expect(problemsOf({ host: '' })[0]).toMatchObject({ path: 'host', found: '""' });
    // A route URL refused for its space: its userinfo, a password mistyped with a space, is hidden.
    expect(problemsOf({ cluster: { name: 'c', port: 0, routes: ['nats-route://ops:my pass@127.0.0.1:6222'] } })[0]).toMatchObject({
      path: 'cluster.routes[0]',
      found: '"nats-route://[REDACTED]@127.0.0.1:6222"',
    });
  });
});

describe('confString and listenAddress', () => {
  it('quotes and escapes backslashes and double quotes', () => {
    expect(confString('a"b\\c $HOME')).toBe('"a\\"b\\\\c $HOME"');
  });

  it('uses -1 for port 0 and brackets IPv6 hosts', () => {
    expect(listenAddress('127.0.0.1', 0)).toBe('127.0.0.1:-1');
    expect(listenAddress('127.0.0.1', 4222)).toBe('127.0.0.1:4222');
    expect(listenAddress('::1', 0)).toBe('[::1]:-1');
  });
});

describe('buildServerConfig', () => {
  it('binds client and monitoring ports to the same loopback host by default', () => {
    const text = buildServerConfig(resolveEmbeddedOptions({ port: 0, httpPort: 0 }), '/d/js');
    expect(text).toContain('listen: "127.0.0.1:-1"');
    expect(text).toContain('http: "127.0.0.1:-1"');
    expect(text).not.toContain('jetstream');
    expect(text).not.toContain('authorization');
    expect(text).not.toContain('debug');
  });

  it('writes every optional section', () => {
    const text = buildServerConfig(
      resolveEmbeddedOptions({
        jetstream: true,
        logLevel: 'debug',
        serverName: 'n1',
        maxPayload: 4096,
        auth: { user: 'alice', password: 'p"w' },
        cluster: { name: 'c1', port: 6222, routes: ['nats-route://127.0.0.1:6223'] },
        config: 'max_connections: 10',
      }),
      '/d/js',
    );
    expect(text).toContain('server_name: "n1"');
    expect(text).toContain('max_payload: 4096');
    expect(text).toContain('debug: true');
    expect(text).toContain('jetstream { store_dir: "/d/js" }');
    expect(text).toContain('authorization { user: "alice", password: "p\\"w" }');
    expect(text).toContain('cluster { name: "c1", listen: "127.0.0.1:6222", routes: ["nats-route://127.0.0.1:6223"] }');
    expect(text.trimEnd().endsWith('max_connections: 10')).toBe(true);
  });

  it('uses the caller store dir, token auth, and a cluster without routes', () => {
    const text = buildServerConfig(
      resolveEmbeddedOptions({ jetstream: true, storeDir: '/data/js', auth: { token: 's3cret' }, cluster: { name: 'c', port: 0 }, config: '  ' }),
      '/d/js',
    );
    expect(text).toContain('jetstream { store_dir: "/data/js" }');
    expect(text).toContain('authorization { token: "s3cret" }');
    expect(text).toContain('cluster { name: "c", listen: "127.0.0.1:-1" }');
    expect(text).not.toContain('Caller-supplied');
  });
});
