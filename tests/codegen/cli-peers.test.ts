/**
 * The generator's heavy dependencies, `@asyncapi/parser` and `prettier`, are optional peer dependencies: the
 * runtime entry never loads them, and the `mlx-codegen` bin (codegen/bin.ts) names the missing ones and the command
 * that installs them instead of failing somewhere inside the parser. Child processes run with a module hook
 * registered before anything else: one records every module resolved, one makes the peers impossible to find.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRendererMessage } from '../../codegen/docs/command.js';
import { GENERATOR_PEERS, missingPeers, missingPeersMessage, peerRanges, peersFor } from '../../codegen/peers.js';

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'codegen-peers-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Manifest {
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

/** Writes a hooks module and the `--import` module that registers it with `data`; returns the latter's path. */
function hookModule(name: string, hooks: string, data: unknown): string {
  const hooksFile = path.join(work, `${name}-hooks.mjs`);
  const registerFile = path.join(work, `${name}-register.mjs`);
  writeFileSync(hooksFile, hooks);
  writeFileSync(
    registerFile,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooksFile).href)}, { data: ${JSON.stringify(data)} });\n`,
  );
  return registerFile;
}

/** A peer's files, as a resolved URL or a require.cache key contains them. */
const PEER_PATHS = GENERATOR_PEERS.map((name) => `/node_modules/${name}/`);

const spawn = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(process.execPath, args).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    },
  );

describe('the package declares the generator peers', () => {
  it('as optional peer dependencies, pinned for development here, and not as dependencies', () => {
    for (const name of GENERATOR_PEERS) {
      expect(manifest.peerDependencies[name], name).toBe(`^${manifest.devDependencies[name] ?? ''}`);
      expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(manifest.dependencies[name], name).toBeUndefined();
    }
    // And the version of the docs page's renderer this repository tests with, for the docs command's install hint.
    expect(peerRanges()).toEqual({ ...manifest.peerDependencies, '@asyncapi/react-component': manifest.devDependencies['@asyncapi/react-component'] });
  });

  it('with the bins and the contract face export pointing into dist', () => {
    expect(manifest.bin).toEqual({ 'mlx-codegen': 'dist/codegen/bin.js', 'mlx-node': 'dist/src/cluster/service/bin.js' });
    expect(manifest.exports['./contract']).toEqual({ types: './dist/src/contract/index.d.ts', import: './dist/src/contract/index.js' });
  });
});

describe('the runtime entry', () => {
  it('does not load @asyncapi/parser or prettier', async () => {
    const log = path.join(work, 'resolved.log');
    const recorder = hookModule(
      'record',
      `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`,
      { log },
    );
    const probe = `await import(${JSON.stringify(pathToFileURL(path.resolve('src/index.ts')).href)});
const { createRequire } = await import('node:module');
console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const { code, stdout, stderr } = await spawn(['--import', recorder, '--import', 'tsx', '--input-type=module', '-e', probe]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const required = JSON.parse(stdout) as string[];
    // The hook saw the entry and its dependencies (so an absence below means something).
    expect(resolved.some((url) => url.endsWith('/src/index.ts'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/@nats-io/transport-node/'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/zod/'))).toBe(true);
    for (const peer of PEER_PATHS) {
      expect(
        resolved.filter((url) => url.includes(peer)),
        peer,
      ).toEqual([]);
      expect(
        required.filter((file) => file.includes(peer)),
        peer,
      ).toEqual([]);
    }
  }, 60_000);
});

describe('missing peers', () => {
  it('are the peers the resolver cannot find', () => {
    expect(missingPeers(() => 'file:///found.js')).toEqual([]);
    expect(
      missingPeers((name) => {
        if (name === 'prettier') throw new Error('not found');
        return 'file:///found.js';
      }),
    ).toEqual(['prettier']);
    expect(missingPeers()).toEqual([]);
  });

  it('give a message naming each and the command that installs them at the declared ranges', () => {
    const ranges = { '@asyncapi/parser': '^3.6.6', prettier: '^3.10.1' };
    const one = missingPeersMessage(['prettier'], ranges);
    expect(one).toMatch(/^mlx-codegen: cannot generate code: prettier is not installed\./);
    expect(one).toContain('  npm install --save-dev prettier@^3.10.1');
    const both = missingPeersMessage(['@asyncapi/parser', 'prettier'], ranges);
    expect(both).toContain('@asyncapi/parser and prettier are not installed');
    expect(both).toContain('  npm install --save-dev @asyncapi/parser@^3.6.6 prettier@^3.10.1');
    expect(missingPeersMessage(['prettier'], {})).toContain('  npm install --save-dev prettier\n'.trimEnd());
  });

  it('are the ones the command needs: the gate and --help need none, docs needs the parser', () => {
    expect(peersFor(['--input', 'a.yaml', '--check'])).toEqual(GENERATOR_PEERS);
    expect(peersFor(['--against', 'HEAD'])).toEqual([]);
    expect(peersFor(['--against=HEAD', '--json'])).toEqual([]);
    expect(peersFor(['--help'])).toEqual([]);
    expect(peersFor(['docs', '--check'])).toEqual(['@asyncapi/parser']);
  });

  it('the docs page renderer, when missing, is named with the command that installs it', () => {
    const message = missingRendererMessage('@asyncapi/react-component', 'mlx-codegen docs', { '@asyncapi/react-component': '3.2.1' });
    expect(message).toMatch(/^mlx-codegen docs: cannot build the docs site: @asyncapi\/react-component is not installed\./);
    expect(message).toContain('  npm install --save-dev @asyncapi/react-component@3.2.1');
    expect(message).toContain('`mlx-codegen docs --check` needs only');
  });

  it('stop the bin before it loads anything else: exit 2, the message on stderr, nothing written', async () => {
    const hider = hookModule(
      'hide',
      `const hidden = ${JSON.stringify(GENERATOR_PEERS)};
export async function resolve(specifier, context, next) {
  if (hidden.some((name) => specifier === name || specifier.startsWith(name + '/'))) {
    const error = new Error("Cannot find package '" + specifier + "'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
`,
      {},
    );
    const output = path.join(work, 'hidden/generated');
    const { code, stdout, stderr } = await spawn([
      '--import',
      'tsx',
      '--import',
      hider,
      'codegen/bin.ts',
      '--input',
      'tests/package/contract/asyncapi.yaml',
      '--output',
      output,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('mlx-codegen: cannot generate code: @asyncapi/parser and prettier are not installed.');
    expect(stderr).toContain(
      `npm install --save-dev @asyncapi/parser@${manifest.peerDependencies['@asyncapi/parser'] ?? ''} prettier@${manifest.peerDependencies.prettier ?? ''}`,
    );
    expect(() => readFileSync(path.join(output, 'channels.ts'))).toThrow();
  }, 60_000);

  it('do not stop the gate, which needs none; the docs command names its renderer when that is missing', async () => {
    const hider = hookModule(
      'hide-all',
      `const hidden = ${JSON.stringify([...GENERATOR_PEERS, '@asyncapi/react-component'])};
export async function resolve(specifier, context, next) {
  if (hidden.some((name) => specifier === name || specifier.startsWith(name + '/'))) {
    const error = new Error("Cannot find package '" + specifier + "'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
`,
      {},
    );
    const contract = 'tests/package/contract/asyncapi.yaml';
    const gate = await spawn(['--import', 'tsx', '--import', hider, 'codegen/bin.ts', '--input', contract, '--against', contract]);
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.stdout).toContain('upgrade order: any order');
    const docs = await spawn(['--import', 'tsx', '--import', hider, 'codegen/bin.ts', 'docs', '--input', contract, '--out', path.join(work, 'no-parser')]);
    expect(docs.code).toBe(2);
    expect(docs.stderr).toContain('mlx-codegen: cannot build the docs: @asyncapi/parser is not installed.');
    const rendererHider = hookModule(
      'hide-renderer',
      readFileSync(hider.replace('-register.mjs', '-hooks.mjs'), 'utf8').replace(/const hidden = .*;/, "const hidden = ['@asyncapi/react-component'];"),
      {},
    );
    const site = path.join(work, 'no-renderer');
    const noRenderer = await spawn(['--import', 'tsx', '--import', rendererHider, 'codegen/bin.ts', 'docs', '--input', contract, '--out', site]);
    expect(noRenderer.code).toBe(2);
    expect(noRenderer.stderr).toContain('mlx-codegen docs: cannot build the docs site: @asyncapi/react-component is not installed.');
    expect(noRenderer.stderr).toContain(`npm install --save-dev @asyncapi/react-component@${manifest.devDependencies['@asyncapi/react-component'] ?? ''}`);
    expect(() => readFileSync(path.join(site, 'index.html'))).toThrow();
  }, 60_000);

  it('with the peers present, the bin runs the CLI', async () => {
    const { code, stdout } = await spawn(['--import', 'tsx', 'codegen/bin.ts', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: mlx-codegen [options]');
  }, 60_000);
});
