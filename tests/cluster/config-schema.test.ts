/**
 * The cluster configuration schema: every constraint broken once, defaults, and the schema's own hygiene
 * (descriptions, closed objects, valid defaults, ajv-strict).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { RULES_KEYWORD, type JsonSchema } from '../../src/config/json-schema.js';
import { minimal, problemsOf, setAt, deleteAt } from '../helpers/config.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/cluster-config.schema.json', import.meta.url), 'utf8')) as JsonSchema;

/** Every default the schema defines, as the minimal file comes out. */
const DEFAULTS = {
  cluster: {
    mode: 'dual',
    nats: {
      mode: 'embedded',
      embedded: { port: 4222, http_port: 8222, host: '127.0.0.1', jetstream: { enabled: false, store_dir: '.nats/jetstream' }, log_level: 'info' },
      reconnect: true,
      max_reconnect_attempts: 10,
      reconnect_time_wait: 2000,
      request_timeout_ms: 5000,
    },
    controller: { bind_address: '127.0.0.1', port: 8080, dashboard_port: 8081, max_body_bytes: 1048576, drain_timeout_ms: 30000 },
    worker: {
      bind_address: '127.0.0.1',
      port: 8082,
      drain_timeout_ms: 30000,
      max_concurrent: 4,
      engine: { type: 'simulated', model_map: {}, timeout_ms: 60000, token_delay_ms: 15 },
    },
    discovery: { enabled: true, heartbeat_interval_ms: 5000, offline_timeout_ms: 15000 },
    workers: { static: [] },
    load_balancing: { strategy: 'round_robin', sticky_sessions: false },
    logging: { level: 'info', format: 'json' },
  },
};

const PORT = 'an integer from 1024 to 65535';
const LOG_LEVEL = 'one of: debug, info, warn, error';
const UUID = 'a UUID such as 123e4567-e89b-12d3-a456-426614174000 or null';
const NATS_URL = 'a URL starting with nats://, tls://, ws:// or wss://';
const WORKER = { ip: '10.0.0.7', port: 8082, name: 'mac-mini-1' };

/** [path set, value, expected text] — each breaks exactly one constraint of a minimal valid file. */
const BROKEN: [string, unknown, string][] = [
  ['cluster.mode', 'leader', 'one of: controller, worker, dual'],
  ['cluster.nats.mode', 'cloud', 'one of: embedded, external'],
  ['cluster.nats.server_url', 'http://10.0.0.5:4222', NATS_URL],
  ['cluster.nats.server_url', 'not a url', NATS_URL],
  ['cluster.nats.servers', [], `a non-empty list (each item: ${NATS_URL})`],
  ['cluster.nats.user', '', 'a non-empty string or null'],
  ['cluster.nats.password', 42, 'a non-empty string or null'],
  ['cluster.nats.token', '', 'a non-empty string or null'],
  ['cluster.nats.tls', 'yes', 'a mapping with the keys ca, cert, key'],
  ['cluster.nats.tls.ca', '', 'a non-empty string'],
  ['cluster.nats.embedded.port', 1023, PORT],
  ['cluster.nats.embedded.port', 65536, PORT],
  ['cluster.nats.embedded.port', 4222.5, PORT],
  ['cluster.nats.embedded.http_port', '8222', PORT],
  ['cluster.nats.embedded.host', '', 'a non-empty string'],
  ['cluster.nats.embedded.jetstream.enabled', 'yes', 'true or false'],
  ['cluster.nats.embedded.jetstream.store_dir', '', 'a non-empty string'],
  ['cluster.nats.embedded.log_level', 'trace', LOG_LEVEL],
  ['cluster.nats.reconnect', 'true', 'true or false'],
  ['cluster.nats.max_reconnect_attempts', -2, 'an integer of at least -1'],
  ['cluster.nats.max_reconnect_attempts', 1.5, 'an integer of at least -1'],
  ['cluster.nats.reconnect_time_wait', 0, 'a positive integer'],
  ['cluster.nats.request_timeout_ms', -1, 'a positive integer'],
  ['cluster.controller.bind_address', '', 'a non-empty string'],
  ['cluster.controller.port', 80, PORT],
  ['cluster.controller.dashboard_port', 70000, PORT],
  ['cluster.worker.port', 0, PORT],
  ['cluster.worker.worker_id', 'worker-1', UUID],
  ['cluster.worker.worker_id', 'urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7', UUID],
  ['cluster.discovery.enabled', 1, 'true or false'],
  ['cluster.discovery.heartbeat_interval_ms', 0, 'a positive integer'],
  ['cluster.discovery.offline_timeout_ms', 2.5, 'a positive integer'],
  ['cluster.workers.static', {}, 'a list (each item: a mapping with the keys ip, port, name, priority)'],
  ['cluster.load_balancing.strategy', 'random', 'one of: round_robin, least_loaded, hardware_aware'],
  ['cluster.load_balancing.sticky_sessions', 'no', 'true or false'],
  ['cluster.logging.level', 'verbose', LOG_LEVEL],
  ['cluster.logging.format', 'yaml', 'one of: json, text'],
  ['cluster.logging.file', '', 'a non-empty string or null'],
  ['cluster', 'dual', 'a mapping with the keys mode, nats, controller, worker, discovery, workers, load_balancing, logging'],
];

describe('cluster config schema constraints', () => {
  it.each(BROKEN)('%s = %j is rejected with "%s"', (path, value, expected) => {
    const config = minimal();
    setAt(config, path, value);
    const problems = problemsOf(() => parseClusterConfig(config));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: '<inline>', path, expected });
  });

  const staticWorker: [string, Record<string, unknown>, string, string][] = [
    ['ip not an address', { ...WORKER, ip: '10.0.0.300' }, 'cluster.workers.static[0].ip', 'an IPv4 address or an IPv6 address'],
    ['ip a host name', { ...WORKER, ip: 'mac-mini.local' }, 'cluster.workers.static[0].ip', 'an IPv4 address or an IPv6 address'],
    ['port too low', { ...WORKER, port: 22 }, 'cluster.workers.static[0].port', PORT],
    ['empty name', { ...WORKER, name: '' }, 'cluster.workers.static[0].name', 'a non-empty string'],
    ['priority below 0', { ...WORKER, priority: -1 }, 'cluster.workers.static[0].priority', 'an integer from 0 to 100'],
    ['priority above 100', { ...WORKER, priority: 101 }, 'cluster.workers.static[0].priority', 'an integer from 0 to 100'],
    ['ip missing', { port: 8082, name: 'a' }, 'cluster.workers.static[0].ip', "the key 'ip': an IPv4 address or an IPv6 address"],
    ['port missing', { ip: '::1', name: 'a' }, 'cluster.workers.static[0].port', `the key 'port': ${PORT}`],
    ['name missing', { ip: '::1', port: 8082 }, 'cluster.workers.static[0].name', "the key 'name': a non-empty string"],
    ['unknown key', { ...WORKER, weight: 3 }, 'cluster.workers.static[0].weight', 'one of the keys ip, port, name, priority'],
  ];
  it.each(staticWorker)('a static worker with %s is rejected', (_, worker, path, expected) => {
    const config = minimal();
    setAt(config, 'cluster.workers.static', [worker]);
    const problems = problemsOf(() => parseClusterConfig(config));
    expect(problems).toEqual([expect.objectContaining({ path, expected })]);
  });

  it('accepts IPv4 and IPv6 static workers, defaulting their priority to 50', () => {
    const config = minimal();
    setAt(config, 'cluster.workers.static', [WORKER, { ip: 'fe80::1', port: 9000, name: 'b', priority: 0 }]);
    expect(parseClusterConfig(config).cluster.workers.static).toEqual([
      { ...WORKER, priority: 50 },
      { ip: 'fe80::1', port: 9000, name: 'b', priority: 0 },
    ]);
  });

  it('accepts -1 (forever) and 0 (never) reconnect attempts, and a real UUID', () => {
    for (const attempts of [-1, 0]) {
      const config = minimal();
      setAt(config, 'cluster.nats.max_reconnect_attempts', attempts);
      setAt(config, 'cluster.worker.worker_id', '7c9e6679-7425-40de-944b-e07fc1f90ae7');
      const loaded = parseClusterConfig(config);
      expect(loaded.cluster.nats.max_reconnect_attempts).toBe(attempts);
      expect(loaded.cluster.worker.worker_id).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    }
  });

  const REQUIRED: [string, string][] = [
    ['cluster', "the key 'cluster': a mapping with the keys mode, nats, controller, worker, discovery, workers, load_balancing, logging"],
    ['cluster.mode', "the key 'mode': one of: controller, worker, dual"],
    [
      'cluster.nats',
      "the key 'nats': a mapping with the keys mode, server_url, servers, user, password, token, nkey_seed_file, tls, embedded, reconnect, max_reconnect_attempts, reconnect_time_wait, request_timeout_ms",
    ],
    ['cluster.nats.mode', "the key 'mode': one of: embedded, external"],
  ];
  it.each(REQUIRED)('%s is required', (path, expected) => {
    const config = minimal();
    deleteAt(config, path);
    expect(problemsOf(() => parseClusterConfig(config))).toEqual([{ file: '<inline>', path, expected, found: 'no such key' }]);
  });

  const OBJECTS = [
    '',
    'cluster',
    'cluster.nats',
    'cluster.nats.tls',
    'cluster.nats.embedded',
    'cluster.nats.embedded.jetstream',
    'cluster.controller',
    'cluster.worker',
    'cluster.discovery',
    'cluster.workers',
    'cluster.load_balancing',
    'cluster.logging',
  ];
  it.each(OBJECTS)('an unknown key in "%s" is an error', (parent) => {
    const config = minimal();
    setAt(config, parent === '' ? 'extra' : `${parent}.extra`, 1);
    const [problem, ...rest] = problemsOf(() => parseClusterConfig(config));
    expect(rest).toEqual([]);
    expect(problem?.path).toBe(parent === '' ? 'extra' : `${parent}.extra`);
    expect(problem?.found).toBe("unknown key 'extra'");
  });

  it('suggests the key a typo probably meant', () => {
    const config = minimal();
    setAt(config, 'cluster.nats.embedded.prot', 4223);
    expect(problemsOf(() => parseClusterConfig(config))).toEqual([
      { file: '<inline>', path: 'cluster.nats.embedded.prot', expected: "a known key (did you mean 'port'?)", found: "unknown key 'prot'" },
    ]);
  });

  it('lists every problem at once, in one error', () => {
    const config = minimal();
    setAt(config, 'cluster.mode', 'x');
    setAt(config, 'cluster.nats.embedded.port', 1);
    setAt(config, 'cluster.logging.format', 'xml');
    expect(problemsOf(() => parseClusterConfig(config)).map((p) => p.path)).toEqual(['cluster.mode', 'cluster.nats.embedded.port', 'cluster.logging.format']);
  });
});

describe('cluster config defaults', () => {
  it('fills every default into a file with only cluster.mode and cluster.nats.mode', () => {
    const text = 'cluster:\n  mode: dual\n  nats:\n    mode: embedded\n';
    expect(parseClusterConfig(text)).toEqual(DEFAULTS);
  });

  it('fills nested defaults of a section that is present but partial', () => {
    const loaded = parseClusterConfig('cluster:\n  mode: worker\n  nats:\n    mode: embedded\n    embedded:\n      jetstream: {enabled: true}\n');
    expect(loaded.cluster.nats.embedded).toEqual({ ...DEFAULTS.cluster.nats.embedded, jetstream: { enabled: true, store_dir: '.nats/jetstream' } });
  });

  it('does not share default objects between two loads', () => {
    const a = parseClusterConfig(minimal());
    const b = parseClusterConfig(minimal());
    expect(a).toEqual(b);
    expect(a.cluster.workers.static).not.toBe(b.cluster.workers.static);
  });
});

describe('the schema itself', () => {
  const nodes: [string, JsonSchema][] = [];
  const walk = (node: JsonSchema, path: string): void => {
    nodes.push([path, node]);
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, path === '' ? key : `${path}.${key}`);
    if (node.items !== undefined) walk(node.items, `${path}[]`);
  };
  walk(schema, '');

  it('is draft-07 with an $id, and compiles under ajv strict mode (knowing x-rules, its one annotation of its own)', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toMatch(/^urn:/);
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, useDefaults: true, keywords: [RULES_KEYWORD] });
    addFormatsModule.default(ajv);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it.each(nodes)('"%s" has a description', (_, node) => {
    expect(node.description?.length ?? 0).toBeGreaterThan(10);
  });

  it('closes every object with additionalProperties: false, except maps whose values have a schema', () => {
    const isMap = (node: JsonSchema): boolean => typeof node.additionalProperties === 'object' && node.properties === undefined;
    const open = nodes.filter(([, node]) => node.type === 'object' && node.additionalProperties !== false && !isMap(node)).map(([path]) => path);
    expect(open).toEqual([]);
  });

  it('has only defaults that satisfy their own schema', () => {
    const ajv = new Ajv({ strict: false });
    addFormatsModule.default(ajv);
    const withDefaults = nodes.filter(([, node]) => node.default !== undefined);
    expect(withDefaults.length).toBeGreaterThan(20);
    for (const [path, node] of withDefaults) {
      expect(ajv.validate({ ...node, default: undefined }, node.default), path).toBe(true);
    }
  });

  it('keeps the documented ranges: ports 1024-65535 and priority 0-100', () => {
    const ports = nodes.filter(([path]) => /(^|\.)(port|http_port|dashboard_port)$/.test(path));
    expect(ports.map(([path]) => path)).toEqual([
      'cluster.nats.embedded.port',
      'cluster.nats.embedded.http_port',
      'cluster.controller.port',
      'cluster.controller.dashboard_port',
      'cluster.worker.port',
      'cluster.workers.static[].port',
    ]);
    for (const [, node] of ports) expect([node.minimum, node.maximum]).toEqual([1024, 65535]);
  });
});
