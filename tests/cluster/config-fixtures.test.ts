/**
 * Realistic broken cluster.yaml files (tests/fixtures/config/): each fails with a ConfigValidationError whose exact
 * text names the file, line, column, key path, what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import { loadClusterConfig } from '../../src/cluster/config.js';
import { problemsOfAsync } from '../helpers/config.js';

const DIR = 'tests/fixtures/config';

/** File name → the exact problem lines of its error message. */
const EXPECTED: Record<string, string[]> = {
  'typo-key.yaml': [
    "typo-key.yaml:7:7: cluster.nats.embedded.prot: expected a known key (did you mean 'port'?), found unknown key 'prot'",
    "typo-key.yaml:10:5: cluster.discovery.heartbeat_interval: expected a known key (did you mean 'heartbeat_interval_ms'?), found unknown key 'heartbeat_interval'",
  ],
  'bad-ports.yaml': [
    'bad-ports.yaml:6:13: cluster.nats.embedded.port: expected an integer from 1024 to 65535, found 80',
    'bad-ports.yaml:7:18: cluster.nats.embedded.http_port: expected an integer from 1024 to 65535, found "8222" (a quoted string: write the number without quotes)',
    'bad-ports.yaml:9:11: cluster.controller.port: expected an integer from 1024 to 65535, found 70000',
    'bad-ports.yaml:10:21: cluster.controller.dashboard_port: expected an integer from 1024 to 65535, found 8081.5',
  ],
  'bad-enums.yaml': [
    'bad-enums.yaml:2:9: cluster.mode: expected one of: controller, worker, dual, found "duel"',
    'bad-enums.yaml:4:11: cluster.nats.mode: expected one of: embedded, external, found "Embedded"',
    'bad-enums.yaml:6:18: cluster.nats.embedded.log_level: expected one of: debug, info, warn, error, found "verbose"',
    'bad-enums.yaml:8:15: cluster.load_balancing.strategy: expected one of: round_robin, least_loaded, hardware_aware, found "random"',
    'bad-enums.yaml:10:12: cluster.logging.level: expected one of: debug, info, warn, error, found "trace"',
    'bad-enums.yaml:11:13: cluster.logging.format: expected one of: json, text, found "yaml"',
  ],
  'bad-types.yaml': [
    'bad-types.yaml:5:16: cluster.nats.reconnect: expected true or false, found "yes"',
    'bad-types.yaml:7:18: cluster.nats.embedded.jetstream: expected a mapping with the keys enabled, store_dir, found true',
    'bad-types.yaml:9:16: cluster.worker.worker_id: expected a UUID such as 123e4567-e89b-12d3-a456-426614174000 or null, found "worker-1"',
    'bad-types.yaml:11:13: cluster.workers.static: expected a list (each item: a mapping with the keys ip, port, name, priority), found a mapping',
  ],
  'bad-static-workers.yaml': [
    'bad-static-workers.yaml:10:13: cluster.workers.static[1].ip: expected an IPv4 address or an IPv6 address, found "300.1.1.1"',
    'bad-static-workers.yaml:13:19: cluster.workers.static[1].priority: expected an integer from 0 to 100, found 150',
    "bad-static-workers.yaml:14:9: cluster.workers.static[2].name: expected the key 'name': a non-empty string, found no such key",
    'bad-static-workers.yaml:16:40: cluster.workers.static[3].name: expected a non-empty string, found ""',
    "bad-static-workers.yaml:16:44: cluster.workers.static[3].prioirty: expected a known key (did you mean 'priority'?), found unknown key 'prioirty'",
  ],
  'timing.yaml': [
    'timing.yaml:5:26: cluster.nats.reconnect_time_wait: expected a positive integer, found 0',
    'timing.yaml:6:29: cluster.nats.max_reconnect_attempts: expected an integer of at least -1, found -5',
  ],
  'external-without-url.yaml': [
    'external-without-url.yaml:3:3: cluster.nats.server_url: expected a NATS server URL such as nats://10.0.0.5:4222 (nats.mode is external; or list the cluster under nats.servers), found no such key',
  ],
  'port-clash.yaml': [
    'port-clash.yaml:8:18: cluster.nats.embedded.http_port: expected a port not already used by cluster.controller.dashboard_port (8081) in dual mode, found 8081',
    'port-clash.yaml:13:11: cluster.worker.port: expected a port not already used by cluster.controller.port (8080) in dual mode, found 8080',
  ],
  'missing-env.yaml': [
    'missing-env.yaml:7:15: cluster.nats.password: expected the environment variable NATS_PASSWORD to be set (or a default: ${NATS_PASSWORD:-value}), found NATS_PASSWORD unset',
    'missing-env.yaml:9:11: cluster.worker.port: expected the environment variable WORKER_PORT to be set (or a default: ${WORKER_PORT:-value}), found WORKER_PORT unset',
  ],
  'leaked-secrets.yaml': [
    'leaked-secrets.yaml:7:7: cluster.nats.password: expected a non-empty string or null, found [REDACTED]',
    'leaked-secrets.yaml:8:12: cluster.nats.token: expected a non-empty string or null, found [REDACTED]',
    "leaked-secrets.yaml:12:7: cluster.nats.tls.passphrase: expected one of the keys ca, cert, key, found unknown key 'passphrase'",
  ],
  'syntax-error.yaml': ['syntax-error.yaml:5:1: expected valid YAML, found a syntax error: All mapping items must start at the same column'],
  'duplicate-key.yaml': ['duplicate-key.yaml:5:3: expected valid YAML, found a syntax error: Map keys must be unique'],
  'empty.yaml': ['empty.yaml:1:1: expected a mapping with the key cluster, found an empty file'],
};

describe('broken configuration files', () => {
  it.each(Object.entries(EXPECTED))('%s fails with the exact problems at their lines', async (name, lines) => {
    const error = await problemsOfAsync(() => loadClusterConfig(`${DIR}/${name}`, { env: { NATS_HOST: '10.0.0.5' } }));
    const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
    expect(error.message).toBe(`Invalid configuration (${count}):\n${lines.map((l) => `  ${DIR}/${l}`).join('\n')}\nFix the file and start again.`);
    expect(error.code).toBe('CONFIG_VALIDATION');
    for (const problem of error.problems) {
      expect(problem.file).toBe(`${DIR}/${name}`);
      expect(problem.line).toBeGreaterThan(0);
      expect(problem.column).toBeGreaterThan(0);
    }
  });
});
