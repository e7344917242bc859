/** toRuntimeOptions: a loaded cluster configuration becomes client, embedded-server and logger options. */
import { describe, expect, it } from 'vitest';
import { loadClusterConfig, parseClusterConfig } from '../../src/cluster/config.js';
import { toRuntimeOptions } from '../../src/cluster/runtime-options.js';

describe('toRuntimeOptions', () => {
  it('maps the default file to an embedded server and a client that uses it', async () => {
    const options = toRuntimeOptions(await loadClusterConfig('config/cluster.yaml'));
    const embedded = { port: 4222, httpPort: 8222, host: '127.0.0.1', jetstream: false, logLevel: 'info' };
    expect(options).toEqual({
      client: {
        mode: 'embedded',
        name: 'mlx-serving-dual',
        reconnect: true,
        maxReconnectAttempts: 10,
        reconnectTimeWait: 2000,
        requestTimeout: 5000,
        embedded,
      },
      embedded,
      logger: { level: 'info', format: 'json' },
    });
  });

  it('passes JetStream, its store and credentials to the embedded server', () => {
    const config = parseClusterConfig(
      'cluster:\n  mode: worker\n  nats:\n    mode: embedded\n    user: inference\n    password: ${PW}\n' +
        '    embedded: {port: 4333, http_port: 8333, host: 0.0.0.0, log_level: debug, jetstream: {enabled: true, store_dir: /var/js}}\n',
      { env: { PW: 'pw' } },
    );
    const { client, embedded } = toRuntimeOptions(config);
    expect(embedded).toEqual({
      port: 4333,
      httpPort: 8333,
      host: '0.0.0.0',
      jetstream: true,
      storeDir: '/var/js',
      logLevel: 'debug',
      auth: { user: 'inference', password: 'pw' },
    });
    expect(client).toMatchObject({ mode: 'embedded', user: 'inference', password: 'pw', embedded });
    expect(client.serverUrl).toBeUndefined();
  });

  it('gives the embedded server token authentication', () => {
    const { client, embedded } = toRuntimeOptions(parseClusterConfig({ cluster: { mode: 'dual', nats: { mode: 'embedded', token: 't0k' } } }));
    expect(embedded?.auth).toEqual({ token: 't0k' });
    expect(client.token).toBe('t0k');
  });

  it('maps external mode: URL, servers, credentials, TLS and reconnect settings; no embedded server', () => {
    const config = parseClusterConfig({
      cluster: {
        mode: 'controller',
        nats: {
          mode: 'external',
          server_url: 'tls://10.0.0.5:4222',
          servers: ['tls://10.0.0.6:4222'],
          token: 'abc',
          tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: '/etc/k.pem' },
          reconnect: false,
          max_reconnect_attempts: -1,
          reconnect_time_wait: 500,
          request_timeout_ms: 1500,
          embedded: { port: 4999 },
        },
        logging: { level: 'debug', format: 'text', file: '/var/log/node.log' },
      },
    });
    expect(toRuntimeOptions(config)).toEqual({
      client: {
        mode: 'external',
        name: 'mlx-serving-controller',
        serverUrl: 'tls://10.0.0.5:4222',
        servers: ['tls://10.0.0.6:4222'],
        token: 'abc',
        tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: '/etc/k.pem' },
        reconnect: false,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        requestTimeout: 1500,
      },
      embedded: undefined,
      logger: { level: 'debug', format: 'text', destination: '/var/log/node.log' },
    });
  });

  it('passes only the TLS files that are set, and servers without a server_url', () => {
    const config = parseClusterConfig({
      cluster: { mode: 'worker', nats: { mode: 'external', servers: ['nats://a:4222', 'nats://b:4222'], tls: { ca: 'ca.pem' } } },
    });
    const { client } = toRuntimeOptions(config);
    expect(client.tls).toEqual({ ca: 'ca.pem' });
    expect(client.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(client.serverUrl).toBeUndefined();
  });
});
