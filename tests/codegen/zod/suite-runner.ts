// Runs the official JSON Schema Test Suite (tests/fixtures/json-schema-test-suite) through the Zod emitter: each
// group's schema is emitted on its own, evaluated, and every test's verdict compared with the suite's.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import * as formats from '../../../src/contract/formats.js';
import { emitZod, UnsupportedSchemaError } from '../../../codegen/zod/emit.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';

export const SUITE_ROOT = path.resolve(import.meta.dirname, '../../fixtures/json-schema-test-suite/tests/draft7');

interface SuiteTest {
  readonly description: string;
  readonly data: unknown;
  readonly valid: boolean;
}

interface SuiteGroup {
  readonly description: string;
  readonly schema: JsonSchema;
  readonly tests: readonly SuiteTest[];
}

/** One group's outcome: refused with the emitter's construct, or the tests whose verdict differs from the suite. */
export type GroupResult =
  | { readonly kind: 'refused'; readonly group: string; readonly construct: string; readonly message: string }
  | { readonly kind: 'emitted'; readonly group: string; readonly agree: number; readonly wrong: readonly string[] };

/** What one file gave: counts of verdicts (agree, wrong) and of groups refused. */
export interface FileResult {
  readonly file: string;
  readonly agree: number;
  readonly wrong: readonly string[];
  readonly refused: readonly { readonly group: string; readonly construct: string; readonly message: string }[];
}

/** The suite's files under `dir` (relative to the draft7 folder), sorted. */
export function suiteFiles(dir: string): string[] {
  const full = path.join(SUITE_ROOT, dir);
  return fs
    .readdirSync(full)
    .filter((name) => name.endsWith('.json') && fs.statSync(path.join(full, name)).isFile())
    .sort()
    .map((name) => path.join(dir, name));
}

/** Evaluates emitted source the way a generated module runs it: `z` and the contract face's helpers in scope. */
export function evaluate(source: string, helpers: ReadonlySet<string>): z.ZodType {
  const names = [...helpers];
  const values = names.map((name) => (formats as Record<string, unknown>)[name]);
  if (values.some((value) => value === undefined)) throw new Error(`a helper of ${names.join(', ')} is not exported`);
  // the emitted source is TypeScript (a recursive binding is annotated): strip the types first
  const js = ts.transpileModule(`return ${source};`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the emitted source is what this test is for
  const factory = new Function('z', ...names, js) as (...args: unknown[]) => z.ZodType;
  return factory(z, ...values);
}

/** Emits one group standalone and checks each of its tests. */
export function runGroup(group: SuiteGroup, reader = false): GroupResult {
  const helpers = new Set<string>();
  let source: string;
  try {
    source = emitZod(group.schema, { refName: () => undefined, pointer: '#', usedHelpers: helpers, reader });
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    return { kind: 'refused', group: group.description, construct: error.construct, message: error.message };
  }
  const schema = evaluate(source, helpers);
  let agree = 0;
  const wrong: string[] = [];
  for (const test of group.tests) {
    const accepted = schema.safeParse(structuredClone(test.data)).success;
    if (accepted === test.valid) agree++;
    else wrong.push(`${group.description} / ${test.description}: suite says ${test.valid ? 'valid' : 'invalid'}`);
  }
  return { kind: 'emitted', group: group.description, agree, wrong };
}

/** Runs every group of one suite file. */
export function runFile(file: string): FileResult {
  const groups = JSON.parse(fs.readFileSync(path.join(SUITE_ROOT, file), 'utf8')) as SuiteGroup[];
  let agree = 0;
  const wrong: string[] = [];
  const refused: { group: string; construct: string; message: string }[] = [];
  for (const group of groups) {
    const result = runGroup(group);
    if (result.kind === 'refused') refused.push({ group: result.group, construct: result.construct, message: result.message });
    else {
      agree += result.agree;
      wrong.push(...result.wrong);
    }
  }
  return { file, agree, wrong, refused };
}

/**
 * The reader variant of every group that emits: the data the writer accepts but the reader refuses (the tolerant
 * reader may only be more lenient, never stricter).
 */
export function readerStricterThanWriter(file: string): string[] {
  const groups = JSON.parse(fs.readFileSync(path.join(SUITE_ROOT, file), 'utf8')) as SuiteGroup[];
  const stricter: string[] = [];
  for (const group of groups) {
    const emitted = [false, true].map((reader) => {
      const helpers = new Set<string>();
      try {
        return evaluate(emitZod(group.schema, { refName: () => undefined, usedHelpers: helpers, reader }), helpers);
      } catch (error) {
        if (error instanceof UnsupportedSchemaError) return undefined;
        throw error;
      }
    });
    const [writer, reader] = emitted;
    if (writer === undefined || reader === undefined) continue;
    for (const test of group.tests) {
      if (writer.safeParse(structuredClone(test.data)).success && !reader.safeParse(structuredClone(test.data)).success) {
        stricter.push(`${group.description} / ${test.description}`);
      }
    }
  }
  return stricter;
}
