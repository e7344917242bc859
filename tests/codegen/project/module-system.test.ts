/**
 * The set-up a project needs for generated code (codegen/project/module-system.ts): a package.json with
 * `"type": "module"` and a tsconfig that compiles ES modules and reads package `exports`. `npm init` makes a CommonJS
 * project, where the generated files do not compile; the CLI says so plainly, with the commands that fix it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleSystemProblems, withoutComments } from '../../../codegen/project/module-system.js';
import { runCodegenCli } from '../../helpers/codegen-cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'codegen-project-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A project directory with `files` (name → content); returns its `src/generated` output directory. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  return path.join(dir, 'src', 'generated');
}

const GUIDE = 'docs/codegen.md#running-the-generator-in-another-project';
const ESM = '{ "name": "p", "type": "module" }';

describe('moduleSystemProblems', () => {
  it("a CommonJS project (npm init's package.json) is named, with the commands that fix it", () => {
    const out = project('cjs', { 'package.json': '{ "name": "cjs", "version": "1.0.0", "main": "index.js" }' });
    const problems = moduleSystemProblems(out, GUIDE);
    expect(problems).toEqual([
      `${path.join(work, 'cjs', 'package.json')} has no "type", so this is a CommonJS project (npm init's default): TypeScript compiles the generated ES modules to require() calls, which Node refuses at run time (ERR_PACKAGE_PATH_NOT_EXPORTED: @mlx-serving/distributed is ES modules only), and a top-level await in your own code does not compile (TS1309). Run npm pkg set type=module there, and compile with "module": "NodeNext" (see ${GUIDE})`,
    ]);
    expect(moduleSystemProblems(project('commonjs', { 'package.json': '{ "type": "commonjs" }' }), GUIDE)[0]).toContain(
      'has "type": "commonjs", so this is a CommonJS project',
    );
  });

  it('no package.json at all', () => {
    const out = path.join('/', 'nowhere-with-a-package-json-above', 'generated');
    expect(moduleSystemProblems(out, GUIDE)).toEqual([
      `no package.json above ${out}: generated code is ES modules and needs a project with "type": "module" (npm init -y && npm pkg set type=module) (see ${GUIDE})`,
    ]);
  });

  it('a tsconfig that compiles CommonJS, or resolves without package exports', () => {
    const commonjs = project('ts-commonjs', { 'package.json': ESM, 'tsconfig.json': '{ "compilerOptions": { "module": "commonjs" } }' });
    expect(moduleSystemProblems(commonjs, GUIDE)).toEqual([
      expect.stringContaining('compiles with "module": "commonjs", which cannot compile the generated ES modules: set "module": "NodeNext"'),
    ]);
    const node10 = project('ts-node10', { 'package.json': ESM, 'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "node" } }' });
    expect(moduleSystemProblems(node10, GUIDE)).toEqual([
      expect.stringContaining('"moduleResolution": "node", which cannot find @mlx-serving/distributed/contract'),
    ]);
  });

  it('an ES-module project with a NodeNext tsconfig (comments and trailing commas, as tsc --init writes) has none', () => {
    const tsconfig =
      '{\n  // tsc --init style\n  "compilerOptions": {\n    /* NodeNext */ "module": "NodeNext",\n    "moduleResolution": "NodeNext",\n    "outDir": "out", // a "quoted // comment" is kept\n  },\n}\n';
    expect(moduleSystemProblems(project('esm', { 'package.json': ESM, 'tsconfig.json': tsconfig }), GUIDE)).toEqual([]);
    // A tsconfig that extends another is not guessed at.
    expect(moduleSystemProblems(project('extends', { 'package.json': ESM, 'tsconfig.json': '{ "extends": "./base.json" }' }), GUIDE)).toEqual([]);
    expect(moduleSystemProblems(project('no-tsconfig', { 'package.json': ESM }), GUIDE)).toEqual([]);
  });

  it('withoutComments keeps strings and drops comments and trailing commas', () => {
    expect(JSON.parse(withoutComments('{ "a": "x // y", /* c */ "b": [1, 2,], // d\n }'))).toEqual({ a: 'x // y', b: [1, 2] });
    expect(JSON.parse(withoutComments('{ "a": "q\\"/*", "b": 1 }'))).toEqual({ a: 'q"/*', b: 1 });
  });
});

describe('the CLI in a CommonJS project', () => {
  it('writes the code, and warns with what to do (exit 0); --strict makes it exit 1', async () => {
    const out = project('cli-cjs', { 'package.json': '{ "name": "cli-cjs", "version": "1.0.0" }' });
    const args = ['--input', 'tests/package/contract/asyncapi.yaml', '--output', out];
    const first = await runCodegenCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('codegen: warning: ');
    expect(first.stderr).toContain('so this is a CommonJS project');
    expect(first.stderr).toContain('npm pkg set type=module');
    const strict = await runCodegenCli([...args, '--check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('codegen --strict: ');
  }, 60_000);
});
