/**
 * The run cache behind the npm script's fast `--check` (codegen/output/run-cache.mjs): it answers "up to date" only
 * when every recorded byte is the same (sources, output, the output directory's names, the generator, the command
 * line), and answers nothing otherwise, so that the full run decides. A run whose sources changed while it ran is
 * not recorded.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTLE_MS, answerFromCache, generatorId, recordRun, runContext, type FinishedRunData, type RunContext } from '../../../codegen/output/run-cache.mjs';

let root: string;
let project: string;
let generator: string;
const ARGS = ['--runtime', '../src/contract/index.js', '--config-schema', 'schema.json'];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'codegen-run-cache-'));
  generator = path.join(root, 'generator');
  project = path.join(root, 'project');
  mkdirSync(path.join(generator, 'emit'), { recursive: true });
  writeFileSync(path.join(generator, 'cli.ts'), 'export {};\n');
  writeFileSync(path.join(generator, 'emit', 'schemas.ts'), 'export const version = 1;\n');
  writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  mkdirSync(path.join(project, 'schemas'));
  mkdirSync(path.join(project, 'generated'));
  writeFileSync(path.join(project, 'asyncapi.yaml'), 'asyncapi: 3.0.0\n# a comment\ninfo: { title: T, version: 1.0.0 }\n');
  writeFileSync(path.join(project, 'schemas', 'event.json'), '{ "type": "object" }\n');
  writeFileSync(path.join(project, 'schema.json'), '{ "type": "object" }\n');
  writeFileSync(path.join(project, 'generated', 'schemas.ts'), '// generated\nexport {};\n');
  writeFileSync(path.join(project, 'generated', 'hand-written.md'), 'notes\n');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const at = (...parts: string[]): string => path.join(project, ...parts);
const context = (args: string[] = ARGS, cwd = project): RunContext => runContext(args, cwd, generator);
const run = (): FinishedRunData => ({
  sourceFiles: [at('asyncapi.yaml'), at('schemas', 'event.json'), at('schema.json')],
  files: [{ path: at('generated', 'schemas.ts'), content: '// generated\nexport {};\n' }],
  managedDirs: [at('generated')],
  warnings: ['asyncapi.yaml:3:1: warning: message "M" needs a description'],
});
/** A start time after every file of the test was written, settling time included. */
const later = (): number => Date.now() + SETTLE_MS + 1000;
/**
 * A run start after every file written so far and clearly before any written from now on (file times come from a
 * coarse clock, a few ms behind).
 */
function startNow(): number {
  const now = Date.now();
  while (Date.now() < now + 25) {
    // wait
  }
  return now + 2;
}
/** Records the standard run; every test starts from a recorded, unchanged state. */
function recorded(): RunContext {
  const c = context();
  expect(recordRun(c, later(), run())).toBe(true);
  return c;
}

describe('answerFromCache', () => {
  it('repeats a recorded run whose sources, output, directory and generator are unchanged, warnings included', () => {
    const c = recorded();
    expect(answerFromCache(c)).toEqual({ files: 1, warnings: run().warnings });
    // --check and --watch do not change what a run produces: the same record serves the check.
    expect(answerFromCache(context([...ARGS, '--check']))).toEqual({ files: 1, warnings: run().warnings });
    expect(answerFromCache(context(['--check', ...ARGS, '--watch']))).toBeDefined();
  });

  it('answers nothing before any run was recorded', () => {
    expect(answerFromCache(context())).toBeUndefined();
  });

  const changes: [string, () => void][] = [
    [
      'an edited spec',
      () => {
        writeFileSync(at('asyncapi.yaml'), 'asyncapi: 3.0.0\ninfo: { title: T, version: 1.0.1 }\n');
      },
    ],
    [
      'an edited referenced schema file',
      () => {
        writeFileSync(at('schemas', 'event.json'), '{ "type": "string" }\n');
      },
    ],
    [
      'an edited config schema',
      () => {
        appendFileSync(at('schema.json'), '\n');
      },
    ],
    // Raw bytes decide here; the full run then finds the output up to date and records the new bytes.
    [
      'a comment-only edit',
      () => {
        writeFileSync(at('asyncapi.yaml'), 'asyncapi: 3.0.0\n# another comment\ninfo: { title: T, version: 1.0.0 }\n');
      },
    ],
    [
      'a missing source',
      () => {
        rmSync(at('schemas', 'event.json'));
      },
    ],
    [
      'an output edited by hand',
      () => {
        appendFileSync(at('generated', 'schemas.ts'), '// edited\n');
      },
    ],
    [
      'a missing output',
      () => {
        rmSync(at('generated', 'schemas.ts'));
      },
    ],
    [
      'a new file in the output directory (perhaps an old generated one)',
      () => {
        writeFileSync(at('generated', 'old.ts'), '// Generated by `npm run codegen`\n');
      },
    ],
    [
      'an edited hand-written file in the output directory (it may now be a generated one)',
      () => {
        writeFileSync(at('generated', 'hand-written.md'), '<!-- Generated by `npm run codegen` -->\n');
      },
    ],
    [
      'an edited generator file',
      () => {
        writeFileSync(path.join(generator, 'emit', 'schemas.ts'), 'export const version = 2;\n');
      },
    ],
    [
      'a new generator file',
      () => {
        writeFileSync(path.join(generator, 'emit', 'channels.ts'), 'export {};\n');
      },
    ],
    [
      'a changed lockfile (another parser or prettier)',
      () => {
        writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
      },
    ],
    [
      'an unreadable record',
      () => {
        const file = context().file;
        if (file !== undefined) writeFileSync(file, '{');
      },
    ],
  ];
  it.each(changes)('answers nothing after %s', (_name, change) => {
    expect(answerFromCache(recorded())).toBeDefined();
    change();
    // A new process: its context (generator id included) is made after the change.
    expect(answerFromCache(context())).toBeUndefined();
  });

  it('answers nothing for a changed flag or another working directory', () => {
    recorded();
    expect(answerFromCache(context(['--runtime', '@mlx-serving/distributed/contract', '--config-schema', 'schema.json']))).toBeUndefined();
    expect(answerFromCache(context([...ARGS, '--output', 'generated']))).toBeUndefined();
    expect(answerFromCache(context(ARGS.slice(0, 2)))).toBeUndefined();
    mkdirSync(path.join(root, 'elsewhere', 'node_modules'), { recursive: true });
    expect(answerFromCache(context(ARGS, path.join(root, 'elsewhere')))).toBeUndefined();
  });
});

describe('recordRun', () => {
  it('does not record a run whose sources changed after it started (it may have read them half way)', () => {
    const c = context();
    const started = startNow();
    expect(recordRun(c, started, run(), 0)).toBe(true);
    appendFileSync(at('schemas', 'event.json'), ' ');
    expect(recordRun(c, started, run(), 0)).toBe(false);
    // Nor one that started less than the settling time after the last change: timestamps can be coarse.
    expect(recordRun(c, Date.now(), run())).toBe(false);
  });

  it('does not record a run when a file appeared in the output directory after it started', () => {
    const c = context();
    const started = startNow();
    expect(recordRun(c, started, run(), 0)).toBe(true);
    writeFileSync(at('generated', 'appeared.ts'), '// Generated by `npm run codegen`\n');
    expect(recordRun(c, started, run(), 0)).toBe(false);
    // The files the run produced are new, as expected.
    rmSync(at('generated', 'appeared.ts'));
    writeFileSync(at('generated', 'schemas.ts'), '// generated\nexport {};\n');
    expect(recordRun(c, started, run(), 0)).toBe(true);
  });

  it('records nothing without node_modules in the working directory, or without a lockfile for the generator', () => {
    rmSync(at('node_modules'), { recursive: true });
    expect(context().file).toBeUndefined();
    expect(recordRun(context(), later(), run())).toBe(false);
    rmSync(path.join(root, 'package-lock.json'));
    expect(generatorId(generator)).toBeUndefined();
  });

  it('never throws: a source that cannot be read means no record', () => {
    const c = context();
    expect(recordRun(c, later(), { ...run(), sourceFiles: [at('nope.yaml')] })).toBe(false);
  });
});
