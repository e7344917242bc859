import { describe, expect, it } from 'vitest';
import { RUNTIME_DEFAULTS } from '../../src/base/defaults.js';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { toRuntimeOptions } from '../../src/cluster/runtime-options.js';

describe('runtime defaults', () => {
  it('a configuration file left at its defaults starts a node with the runtime’s own defaults', () => {
    const { client, embedded } = toRuntimeOptions(parseClusterConfig('cluster:\n  mode: dual\n  nats:\n    mode: embedded\n'));
    expect(embedded).toMatchObject({
      port: RUNTIME_DEFAULTS.embedded.port,
      httpPort: RUNTIME_DEFAULTS.embedded.httpPort,
      host: RUNTIME_DEFAULTS.embedded.host,
      logLevel: RUNTIME_DEFAULTS.embedded.logLevel,
    });
    expect(client).toMatchObject({
      reconnect: RUNTIME_DEFAULTS.client.reconnect,
      maxReconnectAttempts: RUNTIME_DEFAULTS.client.maxReconnectAttempts,
      reconnectTimeWait: RUNTIME_DEFAULTS.client.reconnectTimeWait,
      requestTimeout: RUNTIME_DEFAULTS.client.requestTimeout,
    });
  });
});
