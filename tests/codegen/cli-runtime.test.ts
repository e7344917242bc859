/**
 * `--runtime`: the module specifier generated code imports the runtime's contract face from. By default it is the
 * package's `@mlx-serving/distributed/contract` export, so output can live anywhere in a project that depends on
 * the package; this repository's `npm run codegen` passes `../src/contract/index.js`. The CLI warns when the output
 * directory cannot reach the runtime module, instead of silently writing code that does not compile.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUNTIME_MODULE } from '../../codegen/emit/common.js';
import { generate } from '../../codegen/generate.js';
import { runtimeModuleProblem } from '../../codegen/runtime-module.js';
import { runCodegenCli } from '../helpers/codegen-cli.js';

const CONTRACT = path.resolve('tests/package/contract/asyncapi.yaml');
const CONFIG_SCHEMA = path.resolve('schemas/cluster-config.schema.json');
const work = mkdtempSync(path.join(tmpdir(), 'codegen-runtime-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The module specifiers a generated file imports from, other than zod and its siblings. */
function runtimeImports(content: string): string[] {
  return [...content.matchAll(/^import [^;]* from '([^']+)';$/gm)].map((m) => m[1] ?? '').filter((s) => s !== 'zod' && !s.startsWith('./'));
}

const cli = runCodegenCli;

describe('the runtime module of generated code', () => {
  it('is the package export @mlx-serving/distributed/contract by default, in every file that imports it', async () => {
    expect(DEFAULT_RUNTIME_MODULE).toBe('@mlx-serving/distributed/contract');
    const { files } = await generate({ input: CONTRACT, output: path.join(work, 'default/generated'), configSchema: CONFIG_SCHEMA });
    const byName = Object.fromEntries(files.map((f) => [path.basename(f.path), f.content]));
    for (const name of ['channels.ts', 'schemas.ts', 'config.ts']) expect(runtimeImports(byName[name] ?? ''), name).toEqual([DEFAULT_RUNTIME_MODULE]);
    expect(runtimeImports(byName['contract.ts'] ?? '')).toEqual([]);
    expect(runtimeImports(byName['index.ts'] ?? '')).toEqual([]);
  });

  it('is what `runtime` names, in every file, and changes nothing else', async () => {
    const output = path.join(work, 'custom/generated');
    const byDefault = await generate({ input: CONTRACT, output, configSchema: CONFIG_SCHEMA });
    const custom = await generate({ input: CONTRACT, output, configSchema: CONFIG_SCHEMA, runtime: '../runtime/contract.js' });
    expect(custom.files.map((f) => f.path)).toEqual(byDefault.files.map((f) => f.path));
    custom.files.forEach((file, i) => {
      expect(runtimeImports(file.content).every((s) => s === '../runtime/contract.js')).toBe(true);
      expect(file.content.replaceAll("'../runtime/contract.js'", `'${DEFAULT_RUNTIME_MODULE}'`)).toBe(byDefault.files[i]?.content);
    });
  });

  it('is passed by this repository as ../src/contract/index.js, so generated/ keeps its relative import', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.codegen).toMatch(/^node codegen\/output\/npm-entry\.mjs .*--runtime \.\.\/src\/contract\/index\.js\b/);
    expect(manifest.scripts.codegen).toContain('--config-schema schemas/cluster-config.schema.json');
    for (const name of ['channels.ts', 'schemas.ts', 'config.ts']) {
      expect(runtimeImports(readFileSync(path.join('generated', name), 'utf8')), name).toEqual(['../src/contract/index.js']);
    }
  });
});

describe('the CLI --runtime flag', () => {
  it('writes the given specifier, without a warning when the output reaches it', async () => {
    const project = path.join(work, 'flag');
    mkdirSync(path.join(project, 'runtime'), { recursive: true });
    writeFileSync(path.join(project, 'runtime/contract.ts'), 'export {};\n');
    // An ES-module project, as generated code needs (tests/codegen/project/ has the CommonJS case).
    writeFileSync(path.join(project, 'package.json'), '{ "type": "module" }\n');
    const output = path.join(project, 'generated');
    const { code, stderr } = await cli(['--input', CONTRACT, '--output', output, '--runtime', '../runtime/contract.js']);
    expect(code).toBe(0);
    expect(stderr).not.toContain('warning');
    expect(runtimeImports(readFileSync(path.join(output, 'channels.ts'), 'utf8'))).toEqual(['../runtime/contract.js']);
    expect(runtimeImports(readFileSync(path.join(output, 'schemas.ts'), 'utf8'))).toEqual(['../runtime/contract.js']);
  }, 60_000);

  it('defaults to the package and warns, naming the install command, when the output cannot import it', async () => {
    const output = path.join(work, 'no-package/generated');
    const { code, stderr } = await cli(['--input', CONTRACT, '--output', output]);
    expect(code).toBe(0);
    expect(runtimeImports(readFileSync(path.join(output, 'channels.ts'), 'utf8'))).toEqual([DEFAULT_RUNTIME_MODULE]);
    expect(stderr).toContain('codegen: warning: the package "@mlx-serving/distributed"');
    expect(stderr).toContain('npm install @mlx-serving/distributed');
  }, 60_000);

  it('lists --runtime and its default in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: mlx-codegen [options]');
    expect(stdout).toMatch(/--runtime <specifier>[^]*default: @mlx-serving\/distributed\/contract/);
  }, 60_000);
});

describe('runtimeModuleProblem', () => {
  const project = path.join(work, 'reach');
  mkdirSync(path.join(project, 'src/contract'), { recursive: true });
  mkdirSync(path.join(project, 'node_modules/some-runtime'), { recursive: true });
  mkdirSync(path.join(project, 'node_modules/@scope/rt'), { recursive: true });
  writeFileSync(path.join(project, 'src/contract/index.ts'), 'export {};\n');
  writeFileSync(path.join(project, 'src/contract/plain.js'), 'export {};\n');
  writeFileSync(path.join(project, 'node_modules/some-runtime/package.json'), '{"name":"some-runtime"}');
  writeFileSync(path.join(project, 'node_modules/@scope/rt/package.json'), '{"name":"@scope/rt"}');
  writeFileSync(path.join(project, 'package.json'), '{"name":"@me/self"}');
  const out = path.join(project, 'generated');

  it('accepts a relative specifier naming a file, .js standing for its .ts source', () => {
    expect(runtimeModuleProblem('../src/contract/index.js', out)).toBeUndefined();
    expect(runtimeModuleProblem('../src/contract/plain.js', out)).toBeUndefined();
  });

  it('reports a relative specifier that names nothing, with the flag that fixes it', () => {
    const problem = runtimeModuleProblem('../src/contract/index.js', path.join(project, 'deeper/generated'));
    expect(problem).toContain('"../src/contract/index.js" does not exist');
    expect(problem).toContain('--runtime @mlx-serving/distributed/contract');
  });

  it('accepts a package installed above the output, scoped or not, with a subpath, or the project itself', () => {
    expect(runtimeModuleProblem('some-runtime/contract', out)).toBeUndefined();
    expect(runtimeModuleProblem('@scope/rt/contract', path.join(out, 'nested'))).toBeUndefined();
    expect(runtimeModuleProblem('@me/self/contract', out)).toBeUndefined();
  });

  it('reports a package that is not installed, and leaves URLs alone', () => {
    expect(runtimeModuleProblem('@mlx-serving/distributed/contract', out)).toMatch(
      /"@mlx-serving\/distributed" .* is not installed .*npm install @mlx-serving\/distributed/,
    );
    expect(runtimeModuleProblem('node:fs', out)).toBeUndefined();
  });
});
