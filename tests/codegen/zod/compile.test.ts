// The emitted source as generated code uses it: it type-checks under tsc --strict with no `any` in the inferred
// types, a discriminated union narrows, and z.compile() accepts every contract schema without falling back.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emitZod, zodImports } from '../../../codegen/zod/emit.js';
import type { JsonSchema } from '../../../codegen/zod/json-schema.js';
import { loadContract, payloadsFor } from '../../helpers/parity-payloads.js';
import { buildZod } from '../../helpers/zod-harness.js';

const root = path.resolve(import.meta.dirname, '../../..');
const messages = loadContract(path.join(root, 'asyncapi.yaml'));

describe('z.compile() on emitted schemas', () => {
  it.each(messages)('$name compiles without a runtime fallback and parses like the runtime', ({ schema, examples }) => {
    const runtime = buildZod(schema).schema;
    const compiled = z.compile(runtime, { strict: true });
    for (const payload of payloadsFor(schema, examples, 7, 200)) {
      expect(compiled.safeParse(payload.value).success, payload.what).toBe(runtime.safeParse(payload.value).success);
    }
  });
});

describe('emitted source under tsc --strict', () => {
  const dir = path.join(root, 'node_modules/.cache', `zod-emit-typecheck-${process.pid}`);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks, infers no `any`, and narrows discriminated unions', () => {
    fs.mkdirSync(dir, { recursive: true });
    const extra: Record<string, JsonSchema> = {
      Loose: { type: 'object', properties: { a: { type: ['string', 'null'] } }, required: ['a'] },
      Typeless: { minLength: 1, required: ['x'] },
      Choice: { oneOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }] },
      Not: { not: { const: 'root' } },
      EnumObjects: { enum: [{ a: 1 }, 'x'] },
      Mixed: { enum: ['a', 1, null] },
      Catchall: { type: 'object', additionalProperties: { type: 'number' }, propertyNames: { maxLength: 3 }, minProperties: 1 },
      Items: { type: 'array', items: { type: 'string', format: 'uri' }, uniqueItems: true, contains: { const: 'x' } },
      Defaults: { type: 'object', properties: { d: { type: 'object', default: {}, properties: { n: { type: 'integer', default: 1 } } } } },
      Anything: true,
      Nothing: false,
      Point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      Labels: { type: 'object', patternProperties: { '^[a-z]+$': { type: 'string' } }, additionalProperties: false },
      Extensions: { type: 'object', properties: { id: { type: 'string' } }, patternProperties: { '^x-': {} }, additionalProperties: false },
      Conditional: { type: 'object', properties: { kind: { type: 'string' } }, if: { properties: { kind: { const: 'a' } } }, then: { required: ['a'] } },
      Dependent: { type: 'object', dependencies: { card: ['billing'], billing: { required: ['name'] } } },
      Tree: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } },
      Defined: { definitions: { n: { type: 'integer' } }, type: 'object', properties: { n: { $ref: '#/definitions/n' } } },
      ProtoNames: { type: 'object', properties: { constructor: { type: 'string' } }, required: ['toString'] },
    };
    const helpers = new Set<string>();
    const lines: string[] = [];
    const all: [string, JsonSchema][] = [...messages.map((m): [string, JsonSchema] => [m.name, m.schema]), ...Object.entries(extra)];
    for (const [name, schema] of all) {
      lines.push(`export const ${name}Schema = ${emitZod(schema, { refName: () => undefined, usedHelpers: helpers })};`);
      lines.push(`export type ${name} = z.infer<typeof ${name}Schema>;`);
    }
    lines.push(
      'export function tokenText(event: StreamingResponse): string {',
      "  if (event.type === 'token') return event.token;",
      '  // @ts-expect-error -- only the token variant has a token',
      '  return event.token;',
      '}',
      'export const point: Point = [1, 2];',
      "export const labels: Labels = { a: 'x' };",
      'export const definedN: number | undefined = ({} as Defined).n;',
      'export const protoName: string | undefined = ({ toString: 1 } as ProtoNames).constructor;',
      '// @ts-expect-error -- a closed tuple has two positions',
      'export const tooLong: Point = [1, 2, 3];',
    );
    const contractModule = `${path.relative(dir, path.join(root, 'src/contract')).split(path.sep).join('/')}/index.js`;
    const file = path.join(dir, 'generated.ts');
    fs.writeFileSync(file, [...zodImports(contractModule, helpers), '', ...lines, ''].join('\n'));
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const args = [tsc, '--strict', '--noUncheckedIndexedAccess', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    args.push('--target', 'es2022', '--skipLibCheck', '--declaration', '--emitDeclarationOnly', '--rootDir', root);
    args.push('--outDir', path.join(dir, 'out'), '--types', 'node', file);
    try {
      execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stdout } = error as { stdout?: string };
      throw new Error(`tsc failed:\n${stdout ?? String(error)}`, { cause: error });
    }
    const declarations = fs.readFileSync(path.join(dir, 'out', path.relative(root, file).replace(/\.ts$/, '.d.ts')), 'utf8');
    expect(declarations).toContain('WorkerHeartbeatSchema');
    expect(declarations).not.toMatch(/\bany\b/);
  }, 60_000);
});
