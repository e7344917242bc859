import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../codegen/input/diagnostics.js';
import { GENERATED_MARKER, sourceHash, staleFiles, tsHeader, writeFiles } from '../../codegen/output/write.js';

const run = promisify(execFile);
const FIXTURES = path.resolve('tests/fixtures/specs');
const work = mkdtempSync(path.join(tmpdir(), 'codegen-test-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A private copy of the fixtures, so a test can change a source file. */
function copyFixtures(name: string): string {
  const dir = path.join(work, name);
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

describe('generate', () => {
  it('is deterministic: two runs give identical bytes', async () => {
    const options = { input: path.join(FIXTURES, 'valid.yaml'), output: path.join(work, 'det/generated') };
    const first = await generate(options);
    const second = await generate(options);
    expect(second.files).toEqual(first.files);
    expect(first.files.map((f) => path.basename(f.path))).toEqual(['channels.ts', 'contract.ts', 'index.ts', 'schemas.ts']);
    for (const file of first.files) {
      expect(file.content.startsWith(`// ${GENERATED_MARKER} from valid.yaml`)).toBe(true);
      expect(file.content).not.toContain(work);
      expect(file.content).not.toContain(FIXTURES);
    }
  });

  it('emits named schemas by reference, parameter schemas, unions and replies', async () => {
    const { files } = await generate({ input: path.join(FIXTURES, 'valid.yaml'), output: path.join(work, 'shape/generated') });
    const schemas = files.find((f) => f.path.endsWith('schemas.ts'))?.content ?? '';
    const channels = files.find((f) => f.path.endsWith('channels.ts'))?.content ?? '';
    expect(schemas).toContain('export const PongSchema = z.looseObject({ box: StartedSchema.optional() });');
    expect(schemas).toContain('export const ResumedSchema = StartedSchema;');
    expect(schemas).toContain('export type Ping = z.infer<typeof PingSchema>;');
    expect(channels).toContain("export const PingNodeIdParameterSchema: z.ZodType<string> = z.enum(['a', 'b']);");
    expect(channels).toContain("parameters: { 'node-id': PingNodeIdParameterSchema }");
    expect(channels).toContain("reply: { name: 'Pong', schema: PongSchema }");
    expect(channels).toContain("message: { name: 'Started | Resumed | stopped', schema: z.union([StartedSchema, ResumedSchema, StoppedSchema]) }");
    expect(channels).toContain("import { defineChannel } from '@mlx-serving/distributed/contract';");
  });

  it('stamps each file with the sha256 of its sources, which follows a change in a referenced file', async () => {
    const dir = copyFixtures('hash');
    const options = { input: path.join(dir, 'valid.yaml'), output: path.join(dir, 'generated') };
    const before = await generate(options);
    const schemas = (r: typeof before): string => r.files.find((f) => f.path.endsWith('schemas.ts'))?.content ?? '';
    expect(schemas(before)).toContain(tsHeader(options.input, before.sourceFiles, dir));
    expect(schemas(before)).toContain('// Sources: schemas/box.json, valid.yaml');
    const box = path.join(dir, 'schemas/box.json');
    writeFileSync(box, readFileSync(box, 'utf8').replace('"Box"', '"A box"'));
    const after = await generate(options);
    expect(schemas(after).split('\n')[2]).not.toBe(schemas(before).split('\n')[2]);
  });

  it('hashes line endings the same on every checkout', () => {
    const dir = path.join(work, 'eol');
    cpSync(path.join(FIXTURES, 'schemas/box.json'), path.join(dir, 'lf.json'));
    const lf = sourceHash([path.join(dir, 'lf.json')], dir);
    writeFileSync(path.join(dir, 'lf.json'), readFileSync(path.join(dir, 'lf.json'), 'utf8').replace(/\n/g, '\r\n'));
    expect(sourceHash([path.join(dir, 'lf.json')], dir)).toBe(lf);
  });

  it('stops with a located diagnostic naming an unsupported construct', async () => {
    const error = await generate({ input: path.join(FIXTURES, 'unsupported-construct.yaml'), output: path.join(work, 'bad/generated') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      'tests/fixtures/specs/schemas/uses-if.json:4:18: Ping: unsupported schema construct "if/then/else" (conditional schemas are not supported)',
    ]);
  });

  it('emits the config schema as ClusterConfigSchema with its inferred and input types, and the config docs', async () => {
    const docs = path.join(work, 'cfg/docs/configuration.md');
    const { files } = await generate({ input: 'asyncapi.yaml', output: path.join(work, 'cfg/generated'), configSchema: 'schemas/cluster-config.schema.json', configDocs: docs });
    const config = files.find((f) => f.path.endsWith('config.ts'))?.content ?? '';
    expect(config).toContain('export const ClusterConfigSchema = ');
    expect(config).toContain('export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;');
    expect(config).toContain('export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;');
    const markdown = files.find((f) => f.path === docs)?.content ?? '';
    expect(markdown.startsWith(`<!-- ${GENERATED_MARKER} from schemas/cluster-config.schema.json.`)).toBe(true);
    expect(files.find((f) => f.path.endsWith('index.ts'))?.content).toContain("export * from './config.js';");
  });
});

describe('writeFiles and staleFiles', () => {
  it('writes everything, then finds changed, missing and orphaned generated files', async () => {
    const out = path.join(work, 'write/generated');
    const result = await generate({ input: path.join(FIXTURES, 'valid.yaml'), output: out });
    expect(staleFiles(result.files, result.managedDirs)).toHaveLength(4);
    expect(writeFiles(result.files, result.managedDirs)).toHaveLength(4);
    expect(staleFiles(result.files, result.managedDirs)).toEqual([]);
    expect(writeFiles(result.files, result.managedDirs)).toEqual([]);

    writeFileSync(path.join(out, 'channels.ts'), 'edited by hand');
    rmSync(path.join(out, 'index.ts'));
    writeFileSync(path.join(out, 'old.ts'), `// ${GENERATED_MARKER} from somewhere\n`);
    writeFileSync(path.join(out, 'mine.ts'), '// hand-written, not generated\n');
    expect(staleFiles(result.files, result.managedDirs).map((f) => path.basename(f))).toEqual(['channels.ts', 'index.ts', 'old.ts']);
    expect(writeFiles(result.files, result.managedDirs).map((f) => path.basename(f)).sort()).toEqual(['channels.ts', 'index.ts', 'old.ts']);
    expect(existsSync(path.join(out, 'old.ts'))).toBe(false);
    expect(existsSync(path.join(out, 'mine.ts'))).toBe(true);
    expect(staleFiles(result.files, result.managedDirs)).toEqual([]);
  });
});

describe('the CLI', () => {
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    run(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', ...args]).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      },
    );

  it('exits 1 on a broken spec, prints each problem once, and writes nothing', async () => {
    const out = path.join(work, 'cli-broken/generated');
    const { code, stderr } = await cli(['--input', 'tests/fixtures/specs/bad-ref.yaml', '--output', out]);
    expect(code).toBe(1);
    expect(stderr.split('\n').filter((l) => l.includes('nope.json'))).toEqual(['tests/fixtures/specs/bad-ref.yaml:12:17: cannot resolve $ref "./schemas/nope.json": file not found']);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--check lists a stale file and exits 1', async () => {
    const out = path.join(work, 'cli-check/generated');
    const args = ['--input', 'tests/fixtures/specs/valid.yaml', '--output', out];
    const result = await generate({ input: args[1] ?? '', output: out });
    writeFiles(result.files, result.managedDirs);
    writeFileSync(path.join(out, 'schemas.ts'), `${readFileSync(path.join(out, 'schemas.ts'), 'utf8')}// drift\n`);
    const checked = await cli([...args, '--check']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(path.relative(process.cwd(), path.join(out, 'schemas.ts')));
  }, 60_000);
});
