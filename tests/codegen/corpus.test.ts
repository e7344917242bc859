/**
 * Real-world AsyncAPI 3 documents (../shared/asyncapi-corpus, written by others): codegen either produces code that
 * passes `tsc --strict`, or stops with a diagnostic naming the unsupported construct, or the example that breaks its
 * own schema. Never a crash, never broken output. The outcomes are pinned here and recorded in docs/codegen.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../codegen/input/diagnostics.js';
import { writeFiles } from '../../codegen/output/write.js';

const run = promisify(execFile);
const CORPUS = path.resolve('../shared/asyncapi-corpus');
const REPO = process.cwd();

/** Outcome per document: `generated`, the construct its diagnostic names, or `invalid example`. */
const EXPECTED: Record<string, string> = {
  anyof: 'generated',
  'application-headers': 'non-NATS address',
  'correlation-id': 'non-NATS address',
  'gitter-streaming': 'non-NATS address',
  'kraken-websocket-request-reply-message-filter-in-reply': 'invalid example',
  'kraken-websocket-request-reply-multiple-channels': 'invalid example',
  mercure: 'non-NATS address',
  not: 'generated',
  oneof: 'generated',
  'operation-security': 'default',
  'rpc-client': 'generated',
  'rpc-server': 'generated',
  simple: 'generated',
  'slack-rtm': 'generated',
  'social-media/backend': 'non-NATS address',
  'social-media/comments-service': 'non-NATS address',
  'social-media/frontend': 'generated',
  'social-media/notification-service': 'generated',
  'social-media/public-api': 'generated',
  'streetlights-kafka': 'generated',
  'streetlights-mqtt': 'non-NATS address',
  'streetlights-operation-security': 'generated',
  'websocket-gemini': 'non-NATS address',
};

/** Every `<name>/asyncapi.yaml` (and `social-media/<service>/asyncapi.yaml`) in the corpus, sorted. */
function corpusDocuments(): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (existsSync(path.join(dir, entry.name, 'asyncapi.yaml'))) found.push(name);
      else walk(path.join(dir, entry.name), name);
    }
  };
  walk(CORPUS, '');
  return found;
}

const work = mkdtempSync(path.join(tmpdir(), 'codegen-corpus-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

// <work>/src links to this repository's runtime, so every output directory <work>/<doc> resolves `../src/...` to it
// (and tsc compiles the runtime once); <work>/node_modules links to this repository's dependencies.
mkdirSync(work, { recursive: true });
symlinkSync(path.join(REPO, 'src'), path.join(work, 'src'), 'dir');
symlinkSync(path.join(REPO, 'node_modules'), path.join(work, 'node_modules'), 'dir');
writeFileSync(path.join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));

/** Output directory of a document. */
function outputFor(doc: string): string {
  return path.join(work, `gen-${doc.replace(/\//g, '__')}`);
}

describe('AsyncAPI corpus', () => {
  // CI lays shared/ beside the clone; without it this test must fail, not pass by skipping.
  it('finds the corpus', () => {
    expect(existsSync(CORPUS), `the AsyncAPI corpus is missing at ${CORPUS} (it comes with ../shared/)`).toBe(true);
  });

  it('generates strict-clean code or stops with a diagnostic naming the unsupported construct or the invalid example, for every document', async () => {
    const documents = corpusDocuments();
    expect(documents).toEqual(Object.keys(EXPECTED).sort());
    const outcomes: Record<string, string> = {};
    for (const doc of documents) {
      const output = outputFor(doc);
      try {
        const result = await generate({ input: path.join(CORPUS, doc, 'asyncapi.yaml'), output, runtime: '../src/contract/index.js' });
        writeFiles(result.files, result.managedDirs);
        outcomes[doc] = 'generated';
      } catch (error) {
        // Anything but a CodegenError is a crash and fails the test here.
        if (!(error instanceof CodegenError)) throw error;
        const errors = error.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.length).toBeGreaterThan(0);
        for (const d of errors) expect(formatDiagnostic(d)).toMatch(/:\d+:\d+: (?:.*unsupported|message "[^"]+", example )/);
        const first = errors[0]?.message ?? '';
        outcomes[doc] =
          /unsupported construct: ([^)]+)\)/.exec(first)?.[1] ??
          /unsupported schema construct "([^"]+)"/.exec(first)?.[1] ??
          (first.includes(', example ') ? 'invalid example' : 'unknown');
        expect(existsSync(output)).toBe(false);
      }
    }
    expect(outcomes).toEqual(EXPECTED);

    // One strict type-check over every generated output; `../src/...` resolves through each document's src link.
    writeFileSync(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: false,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['gen-*/*.ts'],
      }),
    );
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(work, 'tsconfig.json')]).then(
      () => '',
      (error: unknown) => (error as { stdout: string }).stdout,
    );
    expect(result).toBe('');
  }, 300_000);

  it('the real CLI produces the same bytes as the in-process pipeline', async () => {
    const doc = 'simple';
    const output = path.join(work, 'cli');
    const inProcess = await generate({ input: path.join(CORPUS, doc, 'asyncapi.yaml'), output });
    await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'codegen/cli.ts'), '--input', path.join(CORPUS, doc, 'asyncapi.yaml'), '--output', output]);
    for (const file of inProcess.files) expect(readFileSync(file.path, 'utf8')).toBe(file.content);
  }, 60_000);
});
