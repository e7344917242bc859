/** Cross-field rules of the cluster configuration, each broken once, and the modes in which they do not apply. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { clusterConfigSpec, parseClusterConfig } from '../../src/cluster/config.js';
import { clusterRuleChecks, clusterRules } from '../../src/cluster/config-rules.js';
import { minimal, problemsOf, setAt } from '../helpers/config.js';

function withValues(values: Record<string, unknown>, mode = 'dual'): ReturnType<typeof minimal> {
  const config = minimal();
  config.cluster.mode = mode;
  for (const [path, value] of Object.entries(values)) setAt(config, path, value);
  return config;
}

describe('external NATS needs a server', () => {
  it('rejects external mode without server_url or servers, pointing at the nats key', () => {
    const text = 'cluster:\n  mode: worker\n  nats:\n    mode: external\n';
    expect(problemsOf(() => parseClusterConfig(text))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.nats.server_url',
        line: 3,
        column: 3,
        expected: 'a NATS server URL such as nats://10.0.0.5:4222 (nats.mode is external; or list the cluster under nats.servers)',
        found: 'no such key',
      },
    ]);
  });

  it('accepts server_url, or a servers list instead', () => {
    expect(parseClusterConfig(withValues({ 'cluster.nats.mode': 'external', 'cluster.nats.server_url': 'nats://10.0.0.5:4222' })).cluster.nats.server_url).toBe(
      'nats://10.0.0.5:4222',
    );
    const servers = ['nats://10.0.0.5:4222', 'tls://10.0.0.6:4222'];
    expect(parseClusterConfig(withValues({ 'cluster.nats.mode': 'external', 'cluster.nats.servers': servers })).cluster.nats.servers).toEqual(servers);
  });

  it('does not need a URL in embedded mode', () => {
    expect(parseClusterConfig(minimal()).cluster.nats.server_url).toBeUndefined();
  });
});

describe('discovery timing', () => {
  it.each([5000, 4000])('rejects offline_timeout_ms %i with a 5000 ms heartbeat', (timeout) => {
    expect(problemsOf(() => parseClusterConfig(withValues({ 'cluster.discovery.offline_timeout_ms': timeout })))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.discovery.offline_timeout_ms',
        expected: 'a value greater than cluster.discovery.heartbeat_interval_ms (5000)',
        found: String(timeout),
      },
    ]);
  });

  it('accepts a timeout just above the interval', () => {
    expect(parseClusterConfig(withValues({ 'cluster.discovery.offline_timeout_ms': 5001 })).cluster.discovery.offline_timeout_ms).toBe(5001);
  });
});

describe('listening ports', () => {
  const clashes: [string, Record<string, unknown>, string, string][] = [
    ['worker on the controller port', { 'cluster.worker.port': 8080 }, 'cluster.worker.port', 'cluster.controller.port (8080)'],
    ['dashboard on the controller port', { 'cluster.controller.dashboard_port': 8080 }, 'cluster.controller.dashboard_port', 'cluster.controller.port (8080)'],
    ['worker on the dashboard port', { 'cluster.worker.port': 8081 }, 'cluster.worker.port', 'cluster.controller.dashboard_port (8081)'],
    ['NATS on the worker port', { 'cluster.nats.embedded.port': 8082 }, 'cluster.nats.embedded.port', 'cluster.worker.port (8082)'],
    ['NATS monitoring on the NATS port', { 'cluster.nats.embedded.http_port': 4222 }, 'cluster.nats.embedded.http_port', 'cluster.nats.embedded.port (4222)'],
  ];
  it.each(clashes)('rejects the %s in dual mode', (_, values, path, holder) => {
    const [problem, ...rest] = problemsOf(() => parseClusterConfig(withValues(values)));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path, expected: `a port not already used by ${holder} in dual mode` });
  });

  it('reports worker and controller both on 8080 at the worker port line', () => {
    const text = 'cluster:\n  mode: dual\n  nats: {mode: embedded}\n  controller: {port: 8080}\n  worker:\n    port: 8080\n';
    expect(problemsOf(() => parseClusterConfig(text))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.worker.port',
        line: 6,
        column: 11,
        expected: 'a port not already used by cluster.controller.port (8080) in dual mode',
        found: '8080',
      },
    ]);
  });

  it('ignores the ports of a role the node does not play, and NATS ports in external mode', () => {
    expect(parseClusterConfig(withValues({ 'cluster.worker.port': 8080 }, 'controller')).cluster.worker.port).toBe(8080);
    expect(parseClusterConfig(withValues({ 'cluster.controller.port': 8082 }, 'worker')).cluster.controller.port).toBe(8082);
    const external = withValues({ 'cluster.nats.mode': 'external', 'cluster.nats.server_url': 'nats://h:4222', 'cluster.nats.embedded.port': 8080 });
    expect(parseClusterConfig(external).cluster.nats.embedded.port).toBe(8080);
  });

  it('still checks the ports a controller-only node listens on', () => {
    expect(problemsOf(() => parseClusterConfig(withValues({ 'cluster.nats.embedded.port': 8081 }, 'controller')))[0]).toMatchObject({
      path: 'cluster.nats.embedded.port',
      expected: 'a port not already used by cluster.controller.dashboard_port (8081) in controller mode',
    });
  });

  it('accepts a worker section in controller mode and a controller section in worker mode', () => {
    expect(() => parseClusterConfig(withValues({ 'cluster.worker.worker_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7' }, 'controller'))).not.toThrow();
    expect(() => parseClusterConfig(withValues({ 'cluster.controller.bind_address': '127.0.0.1' }, 'worker'))).not.toThrow();
  });
});

describe('credentials and TLS come in pairs', () => {
  it('rejects a user without a password, and a password without a user, without showing the password', () => {
    expect(problemsOf(() => parseClusterConfig(withValues({ 'cluster.nats.user': 'inference' })))).toEqual([
      { file: '<inline>', path: 'cluster.nats.password', expected: 'a password (nats.user is set)', found: 'no password' },
    ]);
    const problems = problemsOf(() => parseClusterConfig(withValues({ 'cluster.nats.password': 'pair-secret' })));
    expect(problems).toEqual([{ file: '<inline>', path: 'cluster.nats.user', expected: 'a user name (nats.password is set)', found: 'no user' }]);
  });

  it('rejects a client certificate without its key and the other way round', () => {
    const external = { 'cluster.nats.mode': 'external', 'cluster.nats.server_url': 'tls://h:4222' };
    expect(problemsOf(() => parseClusterConfig(withValues({ ...external, 'cluster.nats.tls': { cert: 'c.pem' } })))[0]).toMatchObject({
      path: 'cluster.nats.tls.key',
      expected: 'a client key (nats.tls.cert is set)',
    });
    expect(problemsOf(() => parseClusterConfig(withValues({ ...external, 'cluster.nats.tls': { key: 'k.pem' } })))[0]).toMatchObject({
      path: 'cluster.nats.tls.cert',
      expected: 'a client certificate (nats.tls.key is set)',
    });
    expect(parseClusterConfig(withValues({ ...external, 'cluster.nats.tls': { ca: 'ca.pem' } })).cluster.nats.tls).toEqual({ ca: 'ca.pem' });
  });
});

describe('one list of rules: the schema has the text, the runtime the checks', () => {
  const listed = (clusterConfigSpec.schema['x-rules'] ?? []).map((rule) => rule.id);

  it('every rule the schema lists has a check, and every check is listed, in the same order', () => {
    expect(Object.keys(clusterRuleChecks)).toEqual(listed);
    expect(clusterRules).toEqual(Object.values(clusterRuleChecks));
    expect(listed.length).toBeGreaterThan(0);
  });

  it('docs/configuration.md shows each rule text of the schema', () => {
    const page = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const rule of clusterConfigSpec.schema['x-rules'] ?? []) expect(page).toContain(`- ${rule.text}`);
  });
});
