/** `${VAR}` interpolation in cluster.yaml: values, defaults, escapes, types, and the errors it gives. */
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { expand } from '../../src/config/interpolate.js';
import { problemsOf } from '../helpers/config.js';

const head = 'cluster:\n  mode: worker\n  nats:\n    mode: external\n';

describe('interpolation', () => {
  it('replaces ${VAR} and ${VAR:-default} in strings, inside longer text too', () => {
    const text = `${head}    server_url: nats://\${NATS_HOST}:\${NATS_PORT:-4222}\n    user: \${NATS_USER:-inference}\n    password: pw\n`;
    const loaded = parseClusterConfig(text, { env: { NATS_HOST: '10.0.0.5' } });
    expect(loaded.cluster.nats.server_url).toBe('nats://10.0.0.5:4222');
    expect(loaded.cluster.nats.user).toBe('inference');
  });

  it('uses the default when the variable is set but empty, and the value when it is set', () => {
    const text = `${head}    server_url: \${URL:-nats://a:4222}\n    token: \${U:-fallback}\n`;
    const loaded = parseClusterConfig(text, { env: { URL: 'nats://b:4222', U: '' } });
    expect(loaded.cluster.nats.server_url).toBe('nats://b:4222');
    expect(loaded.cluster.nats.token).toBe('fallback');
  });

  it('reads process.env when no env is given', () => {
    process.env.MLX_CONFIG_TEST_URL = 'nats://from-process-env:4222';
    try {
      expect(parseClusterConfig(`${head}    server_url: \${MLX_CONFIG_TEST_URL}\n`).cluster.nats.server_url).toBe('nats://from-process-env:4222');
    } finally {
      delete process.env.MLX_CONFIG_TEST_URL;
    }
  });

  it('treats $${...} as a literal ${...}', () => {
    const text = `cluster:\n  mode: dual\n  nats: {mode: embedded}\n  controller:\n    bind_address: "$\${HOST}-and-$\${X:-y}"\n`;
    expect(parseClusterConfig(text, { env: { HOST: 'nope' } }).cluster.controller.bind_address).toBe('${HOST}-and-${X:-y}');
  });

  it('gives a whole-reference value the type the schema expects (number, boolean, null)', () => {
    const text =
      'cluster:\n  mode: dual\n  nats:\n    mode: embedded\n    password: ${PW:-}\n    user: ${USER_NAME:-}\n' +
      '    embedded:\n      port: ${NATS_PORT}\n      jetstream:\n        enabled: "${JS}"\n';
    const loaded = parseClusterConfig(text, { env: { NATS_PORT: '4333', JS: 'true' } });
    expect(loaded.cluster.nats.embedded.port).toBe(4333);
    expect(loaded.cluster.nats.embedded.jetstream.enabled).toBe(true);
    // Empty for a nullable key means not set.
    expect('password' in loaded.cluster.nats).toBe(false);
    expect('user' in loaded.cluster.nats).toBe(false);
  });

  it('keeps a reference inside longer text as text, so the schema reports a number written that way', () => {
    const text = 'cluster:\n  mode: dual\n  nats:\n    mode: embedded\n    embedded:\n      port: 4${P}\n';
    expect(problemsOf(() => parseClusterConfig(text, { env: { P: '333' } }))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.nats.embedded.port',
        line: 6,
        column: 13,
        expected: 'an integer from 1024 to 65535',
        found: '"4333" (a quoted string: write the number without quotes) (from ${P})',
      },
    ]);
  });

  it('names the source reference when an interpolated value is invalid', () => {
    const text = 'cluster:\n  mode: dual\n  nats:\n    mode: embedded\n    embedded:\n      port: ${NATS_PORT}\n';
    expect(problemsOf(() => parseClusterConfig(text, { env: { NATS_PORT: 'four' } }))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.nats.embedded.port',
        line: 6,
        column: 13,
        expected: 'an integer from 1024 to 65535',
        found: '"four" (from ${NATS_PORT})',
      },
    ]);
  });

  it('reports a missing variable by name at its line and column, and every missing one at once', () => {
    const text = `${head}    server_url: nats://\${NATS_HOST}:4222\n    user: x\n    password: \${NATS_PASSWORD}\n`;
    expect(problemsOf(() => parseClusterConfig(text, { env: {}, file: 'cluster.yaml' }))).toEqual([
      {
        file: 'cluster.yaml',
        path: 'cluster.nats.server_url',
        line: 5,
        column: 24,
        expected: 'the environment variable NATS_HOST to be set (or a default: ${NATS_HOST:-value})',
        found: 'NATS_HOST unset',
      },
      {
        file: 'cluster.yaml',
        path: 'cluster.nats.password',
        line: 7,
        column: 15,
        expected: 'the environment variable NATS_PASSWORD to be set (or a default: ${NATS_PASSWORD:-value})',
        found: 'NATS_PASSWORD unset',
      },
    ]);
  });

  it('rejects a bad variable name and an unterminated reference', () => {
    const text = `${head}    server_url: \${NATS URL}\n    user: "\${USER"\n`;
    expect(problemsOf(() => parseClusterConfig(text, { env: {} }))).toEqual([
      {
        file: '<inline>',
        path: 'cluster.nats.server_url',
        line: 5,
        column: 17,
        expected: 'a reference like ${NAME} or ${NAME:-default} (letters, digits and _; write $${ for a literal ${)',
        found: 'a reference to the bad variable name "NATS URL"',
      },
      {
        file: '<inline>',
        path: 'cluster.nats.user',
        line: 6,
        column: 12,
        expected: 'a closing } after ${ (write $${ for a literal ${)',
        found: 'an unterminated ${',
      },
    ]);
  });

  it('never interpolates keys, and leaves plain strings alone', () => {
    const text = 'cluster:\n  mode: dual\n  nats: {mode: embedded}\n  ${KEY}: 1\n';
    expect(problemsOf(() => parseClusterConfig(text, { env: { KEY: 'mode' } }))[0]).toMatchObject({ path: 'cluster.${KEY}', found: "unknown key '${KEY}'" });
  });

  it('does not interpolate objects passed in by code', () => {
    const loaded = parseClusterConfig(
      { cluster: { mode: 'dual', nats: { mode: 'embedded' }, controller: { bind_address: '${HOST}' } } },
      { env: { HOST: 'x' } },
    );
    expect(loaded.cluster.controller.bind_address).toBe('${HOST}');
  });

  it('expand() reports nothing and returns the text when there is no reference', () => {
    const reports: string[] = [];
    expect(expand('plain $ text {}', {}, (r) => reports.push(r))).toEqual({ text: 'plain $ text {}', references: [], whole: false });
    expect(reports).toEqual([]);
  });
});
