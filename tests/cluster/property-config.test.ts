/**
 * Issue 7, broken configuration: every file in tests/fixtures/config, and generated corruptions of the default
 * config/cluster.yaml (truncation at many points, binary noise, deep nesting, alias bombs, huge and special numbers,
 * a wrong type at every key), gives a ConfigValidationError: never another exception, never a partial config.
 * Whatever the loader does accept is a complete configuration that passes the generated ClusterConfigSchema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ClusterConfigSchema, ConfigValidationError, loadClusterConfig, parseClusterConfig } from '../../src/index.js';

const DIR = 'tests/fixtures/config';
const DEFAULT_TEXT = readFileSync('config/cluster.yaml', 'utf8');
const ENV = { NATS_HOST: '10.0.0.5' };

/** 'rejected' for a ConfigValidationError, 'complete' for a config that passes the schema; anything else fails. */
function outcome(run: () => unknown): 'rejected' | 'complete' {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      expect(error.problems.length).toBeGreaterThan(0);
      return 'rejected';
    }
    throw new Error(`the loader threw ${String(error)} instead of a ConfigValidationError`, { cause: error });
  }
  // Complete: every default filled in, nothing missing, nothing unknown.
  expect(ClusterConfigSchema.safeParse(result).error).toBeUndefined();
  expect(Object.keys((result as { cluster: object }).cluster)).toEqual(
    expect.arrayContaining(['mode', 'nats', 'controller', 'worker', 'discovery', 'logging']),
  );
  return 'complete';
}

const parse = (input: string | object): unknown => parseClusterConfig(input, { env: ENV });

describe('broken configuration files', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it('has a collection of broken files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s gives a ConfigValidationError', async (file) => {
    const error: unknown = await loadClusterConfig(`${DIR}/${file}`, { env: ENV }).then(
      () => 'accepted',
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain(`${DIR}/${file}`);
  });
});

describe('generated corruptions of config/cluster.yaml', () => {
  it('the default file itself is complete (the baseline of the checks below)', () => {
    expect(outcome(() => parse(DEFAULT_TEXT))).toBe('complete');
  });

  it('truncated at 120 points: each gives a ConfigValidationError or, where the cut leaves valid YAML, a complete config', () => {
    const outcomes = new Set<string>();
    for (let i = 1; i <= 120; i++) {
      const cut = Math.floor((DEFAULT_TEXT.length * i) / 121);
      outcomes.add(outcome(() => parse(DEFAULT_TEXT.slice(0, cut))));
    }
    expect(outcomes.has('rejected')).toBe(true);
  });

  it('binary noise, alone or spliced into the file, never crashes the loader', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (bytes, at) => {
        const noise = Buffer.from(bytes).toString('latin1');
        outcome(() => parse(noise));
        const pos = at % DEFAULT_TEXT.length;
        outcome(() => parse(DEFAULT_TEXT.slice(0, pos) + noise + DEFAULT_TEXT.slice(pos)));
      }),
      { numRuns: 150 },
    );
  });

  it('deep nesting (flow and block, 5 000 levels) and an alias bomb are rejected, not a stack overflow or a hang', () => {
    const depth = 5000;
    expect(outcome(() => parse(`cluster: ${'['.repeat(depth)}${']'.repeat(depth)}`))).toBe('rejected');
    expect(outcome(() => parse(`cluster:\n  mode: dual\n  nats: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`))).toBe('rejected');
    const block = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n');
    expect(outcome(() => parse(`cluster:\n${block} 1`))).toBe('rejected');
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
      'cluster: *i',
    ].join('\n');
    expect(outcome(() => parse(bomb))).toBe('rejected');
  });

  it.each([
    ['a number beyond float range', '1e400'],
    ['a 30-digit integer', '123456789012345678901234567890'],
    ['.inf', '.inf'],
    ['-.inf', '-.inf'],
    ['.nan', '.nan'],
    ['a negative port', '-4222'],
    ['a hex number', '0x10000'],
  ])('%s as a port is rejected', (_name, value) => {
    expect(outcome(() => parse(DEFAULT_TEXT.replace('port: 4222', `port: ${value}`)))).toBe('rejected');
  });

  it('a value of the wrong type at every key, at every level, is rejected', () => {
    const base = parseYaml(DEFAULT_TEXT) as Record<string, unknown>;
    const paths: string[][] = [];
    const walk = (node: unknown, path: string[]): void => {
      if (path.length > 0) paths.push(path);
      if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
        for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
      }
    };
    walk(base, []);
    expect(paths.length).toBeGreaterThan(30);
    const wrongFor = (value: unknown): unknown[] => {
      const candidates: unknown[] = ['text', 12_345, true, [1], { unexpected: 1 }];
      const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
      // A key that is null by default accepts a string or a number of its own kind: only structures are surely wrong.
      return candidates.filter((c) => kind(c) !== kind(value) && (value !== null || typeof c === 'object'));
    };
    let checked = 0;
    for (const path of paths) {
      const original = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], base);
      for (const wrong of wrongFor(original)) {
        const copy = structuredClone(base);
        const parent = path.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, copy);
        parent[path.at(-1) as string] = wrong;
        expect(
          outcome(() => parse(copy)),
          `${path.join('.')} = ${JSON.stringify(wrong)}`,
        ).toBe('rejected');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
