/**
 * The configuration loader end to end: the default file, YAML errors, unreadable files, the frozen result,
 * null handling, the generic parseConfig API, schema-file resolution, and that no message ever carries a secret.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterConfigSpec, loadClusterConfig, parseClusterConfig } from '../../src/cluster/config.js';
import { closestKey, describeExpected, describeFound } from '../../src/config/describe.js';
import { deepFreeze } from '../../src/config/freeze.js';
import { parseConfig, type ConfigSpec } from '../../src/config/loader.js';
import { locate } from '../../src/config/locate.js';
import { formatPath, pointerToPath } from '../../src/config/paths.js';
import { findSchemaFile, readSchemaFile } from '../../src/config/schema-file.js';
import { subschemaAt } from '../../src/config/json-schema.js';
import { ConfigValidationError, DistributedError } from '../../src/base/errors.js';
import { LineCounter, parseDocument } from 'yaml';
import { problemsOf, problemsOfAsync } from '../helpers/config.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlx-config-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('config/cluster.yaml', () => {
  it('loads the default file (worker port 8082 instead of the clashing 8080)', async () => {
    const config = await loadClusterConfig('config/cluster.yaml', { env: {} });
    expect(config).toEqual({
      cluster: {
        mode: 'dual',
        nats: {
          mode: 'embedded',
          server_url: 'nats://localhost:4222',
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
          models: ['mlx-community/Llama-3.2-3B-Instruct-4bit'],
          engine: { type: 'simulated', model_map: {}, timeout_ms: 60000, token_delay_ms: 15 },
        },
        discovery: { enabled: true, heartbeat_interval_ms: 5000, offline_timeout_ms: 15000 },
        workers: { static: [] },
        load_balancing: { strategy: 'round_robin', sticky_sessions: false },
        logging: { level: 'info', format: 'json' },
      },
    });
  });

  it('is the default path, and points editors at the schema on its first line', async () => {
    expect(await loadClusterConfig()).toEqual(await loadClusterConfig('config/cluster.yaml'));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('config/cluster.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/cluster-config.schema.json');
  });

  it('returns a deeply frozen object', async () => {
    const config = await loadClusterConfig('config/cluster.yaml');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.cluster.nats.embedded.jetstream)).toBe(true);
    expect(Object.isFrozen(config.cluster.workers.static)).toBe(true);
    expect(() => {
      (config.cluster.nats.embedded as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('drops keys set to null (null means not set)', () => {
    const loaded = parseClusterConfig(
      'cluster:\n  mode: dual\n  nats: {mode: embedded, user: null, password: null, token: null}\n  worker: {worker_id: null, models: null, chip: null}\n  logging: {file: null}\n',
    );
    expect(Object.keys(loaded.cluster.nats)).not.toContain('user');
    expect(Object.keys(loaded.cluster.worker)).toEqual(['bind_address', 'port', 'drain_timeout_ms', 'max_concurrent', 'engine']);
    expect(Object.keys(loaded.cluster.logging)).toEqual(['level', 'format']);
  });
});

describe('files and YAML errors', () => {
  it('reports a missing file and a directory as configuration problems', async () => {
    const missing = await problemsOfAsync(() => loadClusterConfig(join(scratch, 'nope.yaml')));
    expect(missing.problems).toEqual([{ file: join(scratch, 'nope.yaml'), path: '', expected: 'a readable YAML configuration file', found: 'no such file' }]);
    const directory = await problemsOfAsync(() => loadClusterConfig(scratch));
    expect(directory.problems[0]?.found).toBe('a directory');
  });

  it('reports every syntax error with its line and column, and stops there', () => {
    const text = 'cluster:\n  mode: dual\n  mode: worker\n  nats:\n    mode: "embedded\n';
    const problems = problemsOf(() => parseClusterConfig(text, { file: 'c.yaml' }));
    expect(problems.map((p) => `${p.line}:${p.column} ${p.found}`)).toEqual([
      '3:3 a syntax error: Map keys must be unique',
      '6:1 a syntax error: Missing closing "quote',
    ]);
    expect(problems.every((p) => p.expected === 'valid YAML' && p.path === '' && p.file === 'c.yaml')).toBe(true);
  });

  it('reports an unresolved alias', () => {
    expect(problemsOf(() => parseClusterConfig('cluster:\n  mode: *role\n'))).toEqual([
      {
        file: '<inline>',
        path: '',
        line: 1,
        column: 1,
        expected: 'valid YAML',
        found: 'a syntax error: Unresolved alias (the anchor must be set before the alias)',
      },
    ]);
  });

  it('follows anchors and aliases to the right values', () => {
    const loaded = parseClusterConfig(
      'cluster:\n  mode: dual\n  nats: {mode: embedded, embedded: {port: &p 4333}}\n  workers:\n    static: [{ip: "::1", port: *p, name: a}]\n',
    );
    expect(loaded.cluster.workers.static[0]?.port).toBe(4333);
  });

  it('rejects objects that are not plain data', () => {
    expect(problemsOf(() => parseClusterConfig({ cluster: { mode: () => 'dual' } }))).toEqual([
      {
        file: '<inline>',
        path: '',
        expected: 'plain data (objects, arrays, strings, numbers, booleans, null)',
        found: 'a value that cannot be copied (a function, a class instance...)',
      },
    ]);
  });

  it('does not change an object passed in', () => {
    const input = { cluster: { mode: 'dual', nats: { mode: 'embedded' } } };
    parseClusterConfig(input);
    expect(input).toEqual({ cluster: { mode: 'dual', nats: { mode: 'embedded' } } });
  });
});

describe('secrets never appear in messages', () => {
  const SECRET = 'hunter2';
  const broken: [string, string][] = [
    ['password as a list', 'password:\n      - hunter2'],
    ['password as a number', 'password: 9876543210'],
    ['token as a mapping', 'token: {value: hunter2}'],
    ['tls with an unknown key', 'tls: {passphrase: hunter2}'],
    ['tls.ca of the wrong type', 'tls: {ca: [hunter2]}'],
    ['tls cert without key', 'tls: {cert: "-----BEGIN hunter2"}'],
    ['password without user', 'password: hunter2'],
    ['password with a bad reference', 'password: ${hunter2 x}'],
    ['password with an unterminated reference', 'password: hunter2${'],
    ['server_url with credentials and a bad scheme', 'server_url: http://admin:hunter2@10.0.0.5:4222'],
    ['server_url with credentials and no ://', 'server_url: nats//admin:hunter2@10.0.0.5:4222'],
    ['servers with credentials', 'servers: ["nats://admin:hunter2@h:4222", "ftp://admin:hunter2@h"]'],
    ['an unterminated quote on the password line', 'password: "hunter2'],
    ['a nested mapping on the password line', 'password: hunter2: x'],
    ['an alias named like the secret', 'password: *hunter2'],
    ['a tag named like the secret', 'password: !hunter2 x'],
    ['an escape in the password', 'password: "hunter2\\q"'],
    ['a bad character starting the password', 'password: @hunter2'],
    ['a duplicate password key', 'password: hunter2\n    password: hunter2'],
  ];

  it.each(broken)('%s', (_, line) => {
    const text = `%hunter2 1\n---\ncluster:\n  mode: worker\n  nats:\n    mode: external\n    ${line}\n`;
    // A directive named like the secret makes the first variant fail too; without it, the rest of the file is checked.
    for (const variant of [text, text.slice(text.indexOf('---') + 4)]) {
      let error: unknown;
      try {
        parseClusterConfig(variant, { env: {} });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigValidationError);
      const err = error as ConfigValidationError;
      for (const shown of [err.message, String(err), JSON.stringify(err), JSON.stringify(err.problems), err.stack ?? '']) {
        expect(shown).not.toContain(SECRET);
      }
    }
  });

  it('a valid file keeps its secrets in the result but not in its key paths or messages', () => {
    const config = parseClusterConfig(
      'cluster:\n  mode: worker\n  nats:\n    mode: external\n    server_url: nats://h:4222\n    user: u\n    password: ${PW}\n',
      {
        env: { PW: SECRET },
      },
    );
    expect(config.cluster.nats.password).toBe(SECRET);
  });
});

describe('the generic loader', () => {
  interface Tiny {
    name: string;
    size: number;
  }
  const spec: ConfigSpec<Tiny> = {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string' }, size: { type: 'integer', default: 1 }, secret: { type: ['string', 'null'] } },
    },
    rules: [(c) => (c.size > 10 ? [{ path: ['size'], expected: 'at most 10', found: String(c.size) }] : [])],
    nullMeansUnset: false,
  };

  it('applies defaults, runs rules, keeps nulls when asked, and redacts with the default secret keys', () => {
    expect(parseConfig('name: a\nsecret: null\n', spec)).toEqual({ name: 'a', size: 1, secret: null });
    expect(problemsOf(() => parseConfig({ name: 'a', size: 11 }, spec))).toEqual([{ file: '<inline>', path: 'size', expected: 'at most 10', found: '11' }]);
    expect(problemsOf(() => parseConfig({ name: 'a', extra: 1, token: 'x' }, spec)).map((p) => p.path)).toEqual(['extra', 'token']);
  });

  it('says when an object takes no keys at all', () => {
    const closed: ConfigSpec<object> = { schema: { type: 'object', additionalProperties: false } };
    expect(problemsOf(() => parseConfig({ a: 1 }, closed))).toEqual([{ file: '<inline>', path: 'a', expected: 'no keys here', found: "unknown key 'a'" }]);
  });

  it('compiles a schema once and reuses it', () => {
    const t0 = parseConfig({ name: 'x' }, spec);
    expect(parseConfig({ name: 'y' }, spec)).not.toBe(t0);
  });
});

describe('helpers', () => {
  it('formats and parses paths', () => {
    expect(formatPath(['cluster', 'workers', 'static', 0, 'ip'])).toBe('cluster.workers.static[0].ip');
    expect(formatPath([])).toBe('');
    expect(pointerToPath('/a~1b/c~0d/3')).toEqual(['a/b', 'c~d', 3]);
    expect(pointerToPath('')).toEqual([]);
  });

  it('describes expectations and findings in words', () => {
    expect(describeExpected({ type: 'number', minimum: 0.5 })).toBe('a number of at least 0.5');
    expect(describeExpected({ type: 'integer', maximum: 9 })).toBe('an integer of at most 9');
    expect(describeExpected({ type: 'integer', minimum: 0 })).toBe('a non-negative integer');
    expect(describeExpected({ type: 'number' })).toBe('a number');
    expect(describeExpected({ type: 'string', format: 'hostname' })).toBe('a host name');
    expect(describeExpected({ type: 'string', format: 'color' })).toBe('a string in color format');
    expect(describeExpected({ type: 'string', format: 'uri' })).toBe('a URL');
    expect(describeExpected({ type: 'string', pattern: '^a+$' })).toBe('a string matching /^a+$/');
    expect(describeExpected({ type: 'string', minLength: 3 })).toBe('a string of at least 3 characters');
    expect(describeExpected({ type: 'string' })).toBe('a string');
    expect(describeExpected({ type: 'array' })).toBe('a list');
    expect(describeExpected({ type: 'object' })).toBe('a mapping');
    expect(describeExpected({ type: 'null' })).toBe('null');
    expect(describeExpected({ const: 'x' })).toBe('"x"');
    expect(describeExpected({ oneOf: [{ type: 'string' }, { type: 'boolean' }] })).toBe('a string or true or false');
    expect(describeExpected({})).toBe('a value');
    expect(describeExpected({ type: 'weird' })).toBe('a value of type weird');
    expect(describeFound(undefined)).toBe('nothing');
    expect(describeFound([1])).toBe('a list of 1 item');
    expect(describeFound(10n)).toBe('10');
    expect(describeFound(Symbol('s'))).toBe('a value of type symbol');
    expect(describeFound('x'.repeat(100))).toBe(`"${'x'.repeat(80)}…"`);
    expect(closestKey('zzzzzz', ['port'])).toBeUndefined();
    expect(closestKey('hearbeat_interval_ms', ['heartbeat_interval_ms', 'offline_timeout_ms'])).toBe('heartbeat_interval_ms');
  });

  it('deep-freezes nested values and leaves primitives alone', () => {
    const value = deepFreeze({ a: [{ b: 1 }] });
    expect(Object.isFrozen(value.a[0])).toBe(true);
    expect(deepFreeze(3)).toBe(3);
  });

  it('locates keys and values, falling back to the closest existing key', () => {
    const lineCounter = new LineCounter();
    const doc = parseDocument('a:\n  b: 1\n  c:\n    - x\n    - y\n', { lineCounter });
    expect(locate(doc, lineCounter, ['a', 'b'], 'value')).toEqual({ line: 2, column: 6 });
    expect(locate(doc, lineCounter, ['a', 'b'], 'key')).toEqual({ line: 2, column: 3 });
    expect(locate(doc, lineCounter, ['a', 'c', 1], 'value')).toEqual({ line: 5, column: 7 });
    expect(locate(doc, lineCounter, ['a', 'c', 9], 'value')).toEqual({ line: 3, column: 3 });
    expect(locate(doc, lineCounter, ['a', 'b', 'deeper'], 'value')).toEqual({ line: 2, column: 3 });
    const empty = parseDocument('', { lineCounter: new LineCounter() });
    expect(locate(empty, new LineCounter(), ['a'], 'key')).toEqual({ line: 1, column: 1 });
  });

  it('finds subschemas by path', () => {
    expect(subschemaAt(clusterConfigSpec.schema, ['cluster', 'workers', 'static', 0, 'priority'])?.default).toBe(50);
    expect(subschemaAt(clusterConfigSpec.schema, ['cluster', 'nope', 'deeper'])).toBeUndefined();
  });
});

describe('schema file resolution', () => {
  it('finds schemas/ from src/config/ (tsx, vitest) and from dist/src/config/ (after tsc)', () => {
    const root = join(scratch, 'pkg');
    mkdirSync(join(root, 'schemas'), { recursive: true });
    mkdirSync(join(root, 'dist', 'src', 'config'), { recursive: true });
    mkdirSync(join(root, 'src', 'config'), { recursive: true });
    writeFileSync(join(root, 'schemas', 'x.schema.json'), '{"type":"object"}');
    for (const dir of [join(root, 'src', 'config'), join(root, 'dist', 'src', 'config')]) {
      const moduleUrl = pathToFileURL(join(dir, 'schema-file.js')).href;
      expect(findSchemaFile('x.schema.json', moduleUrl)).toBe(join(root, 'schemas', 'x.schema.json'));
      expect(readSchemaFile('x.schema.json', moduleUrl)).toEqual({ type: 'object' });
    }
  });

  it('says where it looked when the schema is missing', () => {
    let error: unknown;
    try {
      findSchemaFile('missing.schema.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DistributedError);
    expect((error as DistributedError).code).toBe('CONFIG_SCHEMA_NOT_FOUND');
    expect((error as Error).message).toMatch(/missing\.schema\.json was not found \(looked at: .*schemas\/missing\.schema\.json, .*\)/);
  });

  it('the cluster spec carries the repository schema', () => {
    expect(clusterConfigSpec.schema.$id).toBe('urn:mlx-serving:distributed:cluster-config');
  });
});
