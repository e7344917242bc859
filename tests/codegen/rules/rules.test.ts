/* eslint-disable @typescript-eslint/no-unsafe-member-access -- the contract is plain YAML, edited freely */
/**
 * The contract rules (codegen/rules/) as a developer meets them: a contract that keeps them gets no warning; a new
 * channel that breaks them gets one located warning per rule and place from `npm run codegen` (exit 0), and exit 1
 * with nothing written under `--strict`; a project's package.json sets each rule's severity, and a misspelt setting
 * is an error where it is written.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generate } from '../../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';
import { RULES } from '../../../codegen/rules/index.js';

const run = promisify(execFile);
const ENTRY = path.resolve('codegen/output/npm-entry.mjs');
const FIXTURE = path.resolve('tests/fixtures/root-causes/new-channel.yaml');
const work = mkdtempSync(path.join(tmpdir(), 'codegen-rules-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the contract is plain YAML, edited freely
interface Doc {
  channels: Obj;
  operations: Obj;
  components: { messages: Obj };
}

/** A project in a temp dir: package.json (with `settings` under "mlx-codegen" when given) and the contract after `edit`. */
function project(name: string, edit: (doc: Doc) => void = () => undefined, settings?: unknown): string {
  const dir = path.join(work, name);
  cpSync(path.dirname(FIXTURE), dir, { recursive: true });
  const doc = parse(readFileSync(FIXTURE, 'utf8')) as Doc;
  edit(doc);
  writeFileSync(path.join(dir, 'asyncapi.yaml'), stringify(doc));
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, type: 'module', ...(settings === undefined ? {} : { 'mlx-codegen': settings }) }, null, 2)}\n`,
  );
  return path.join(dir, 'asyncapi.yaml');
}

/** A new channel `returns`, published by an operation without a title or a role, and received by nobody. */
function addReturns(doc: Doc): void {
  doc.channels.returns = {
    address: 'returns.requested',
    description: 'Return requests.',
    messages: { returnRequested: { $ref: '#/components/messages/ReturnRequested' } },
  };
  doc.operations.publishReturn = { action: 'send', channel: { $ref: '#/channels/returns' } };
  doc.components.messages.ReturnRequested = {
    name: 'ReturnRequested',
    summary: 'A customer sends an order back.',
    payload: { type: 'object', properties: { orderId: { type: 'string' } } },
    examples: [{ payload: { orderId: 'o-1' } }],
  };
}

/** The diagnostics of a run, as the CLI prints them. */
async function diagnostics(input: string): Promise<string[]> {
  try {
    const result = await generate({ input, output: path.join(path.dirname(input), 'generated') });
    return result.warnings.map((d) => formatDiagnostic(d, path.dirname(input)));
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    return error.diagnostics.map((d) => formatDiagnostic(d, path.dirname(input)));
  }
}

describe('contract rules', () => {
  it('are named and each has a default severity and a one-line description', () => {
    expect(RULES.map((r) => [r.name, r.defaultSeverity, r.runs])).toEqual([
      ['message-docs', 'warning', 'always'],
      ['operation-title', 'warning', 'clean'],
      ['operation-role', 'warning', 'clean'],
      ['message-send-receive', 'warning', 'clean'],
    ]);
    for (const rule of RULES) expect(rule.description).toMatch(/^every /);
  });

  it('a contract that keeps them gets no warning', async () => {
    expect(await diagnostics(project('clean'))).toEqual([]);
  });

  it('a new channel that breaks them gets one located warning per rule, each naming its rule', async () => {
    expect(await diagnostics(project('new-channel', addReturns))).toEqual([
      'asyncapi.yaml:20:9: warning: message "ReturnRequested" of channel "returns" is never received: add a "receive" operation on the channel that lists it (tagged with the role that receives it), or remove the message [message-send-receive]',
      'asyncapi.yaml:37:5: warning: operation "publishReturn" has no title: add a short "title" saying what it does (the docs show it) [operation-title]',
      'asyncapi.yaml:37:5: warning: operation "publishReturn" names no role: tag it with the one role that performs it (tags: [{ name: <role> }]); roles are what the generated permissions grant [operation-role]',
    ]);
  });

  it('an operation with two roles, and a message sent by nobody', async () => {
    const input = project('two-roles', (doc) => {
      const publish = doc.operations.publishOrder as Obj;
      publish.tags = [{ name: 'shop' }, { name: 'warehouse' }];
      publish.action = 'receive';
    });
    expect(await diagnostics(input)).toEqual([
      'asyncapi.yaml:14:9: warning: message "OrderCreated" of channel "orders" is never sent: add a "send" operation on the channel that lists it (tagged with the role that sends it), or remove the message [message-send-receive]',
      'asyncapi.yaml:22:7: warning: operation "publishOrder" has 2 tags (shop, warehouse): tag it with exactly one role, the one that performs it, and give the other role an operation of its own [operation-role]',
    ]);
  });

  it('the role rules apply by default to a contract that names roles; one without any describes one side and is left alone', async () => {
    const oneSided = (doc: Doc): void => {
      addReturns(doc);
      for (const operation of Object.values(doc.operations) as Obj[]) delete operation.tags;
    };
    expect(await diagnostics(project('one-sided', oneSided))).toEqual([
      'asyncapi.yaml:33:5: warning: operation "publishReturn" has no title: add a short "title" saying what it does (the docs show it) [operation-title]',
    ]);
    // Named in the settings, a rule applies anyway.
    const forced = await diagnostics(project('one-sided-forced', oneSided, { rules: { 'message-send-receive': 'warning' } }));
    expect(forced.filter((d) => d.endsWith('[message-send-receive]'))).toHaveLength(1);
  });

  it('wait for a contract without errors: an error is the one thing to fix first', async () => {
    const input = project('with-error', (doc) => {
      addReturns(doc);
      doc.channels.returns.address = 'returns.{orderId}'; // no parameters map: an error
    });
    const found = await diagnostics(input);
    expect(found).toEqual([expect.stringContaining('address parameter {orderId} is not declared')]);
  });
});

describe('the project sets each rule', () => {
  it('"off" silences a rule, "error" stops the run at it', async () => {
    const input = project('settings', addReturns, { rules: { 'operation-title': 'off', 'message-send-receive': 'error' } });
    const error = await generate({ input, output: path.join(path.dirname(input), 'generated') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    const printed = (error as CodegenError).diagnostics.map((d) => formatDiagnostic(d, path.dirname(input)));
    expect(printed).toEqual([
      expect.stringMatching(/^asyncapi\.yaml:20:9: message "ReturnRequested" .* \[message-send-receive\]$/),
      expect.stringMatching(/^asyncapi\.yaml:37:5: warning: operation "publishReturn" names no role/),
    ]);
  });

  it('the package.json whose settings applied is a file the run read (--watch and the run cache follow it), not a source in the headers', async () => {
    const input = project('settings-read', undefined, { rules: { 'operation-title': 'warning' } });
    const result = await generate({ input, output: path.join(path.dirname(input), 'generated') });
    const manifest = path.join(path.dirname(input), 'package.json');
    expect(result.sourceFiles).toContain(manifest);
    for (const file of result.files) expect(file.content).not.toContain('package.json');
  });

  it('a misspelt rule or severity is an error at its place in package.json, and no rule is switched off by it', async () => {
    const input = project('misspelt', addReturns, { rules: { 'operation-titles': 'off', 'operation-role': 'of' } });
    const printed = await diagnostics(input);
    expect(printed).toEqual([
      'package.json:6:27: "mlx-codegen" settings: unknown rule "operation-titles"; the rules are message-docs, operation-title, operation-role, message-send-receive',
      'package.json:7:25: "mlx-codegen" settings: rule "operation-role": "of" is not a severity; use off, warning, error',
    ]);
  });
});

describe("this repository's contract with a new channel, through npm run codegen's entry and flags", () => {
  it('gets located warnings (exit 0), and exit 1 under --strict', async () => {
    const dir = path.join(work, 'repository');
    cpSync('schemas', path.join(dir, 'schemas'), { recursive: true });
    // The package itself, so the generated code's runtime import resolves to it and only the rules speak.
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "@mlx-serving/distributed", "type": "module" }\n');
    const doc = parse(readFileSync('asyncapi.yaml', 'utf8')) as Doc;
    const contract = path.join(dir, 'asyncapi.yaml');
    writeFileSync(contract, stringify(doc));
    expect(await diagnostics(contract)).toEqual([]); // as committed, it keeps every rule
    doc.channels.workerDrain = {
      address: 'worker.{workerId}.drain',
      parameters: { workerId: { $ref: '#/components/parameters/workerId' } },
      messages: { cancel: { $ref: '#/components/messages/InferenceCancel' } },
    };
    doc.operations.sendDrain = { action: 'send', channel: { $ref: '#/channels/workerDrain' } };
    writeFileSync(contract, stringify(doc));
    const args = [
      ENTRY,
      '--runtime',
      '@mlx-serving/distributed/contract',
      '--config-schema',
      'schemas/cluster-config.schema.json',
      '--config-docs',
      'docs/configuration.md',
    ];
    const npm = (extra: string[]): Promise<{ code: number; stderr: string }> =>
      run(process.execPath, [...args, ...extra], { cwd: dir }).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (error: unknown) => error as { code: number; stderr: string },
      );
    const plain = await npm([]);
    expect(plain.code, plain.stderr).toBe(0);
    const warnings = plain.stderr.trim().split('\n');
    expect(warnings.map((w) => /^asyncapi\.yaml:\d+:\d+: warning: .* \[([a-z-]+)\]$/.exec(w)?.[1])).toEqual([
      'message-send-receive',
      'operation-title',
      'operation-role',
    ]);
    expect(warnings[0]).toContain('message "InferenceCancel" of channel "workerDrain" is never received');
    const strict = await npm(['--check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('codegen --strict: 3 warning(s) above');
  }, 60_000);
});

describe('npm run codegen on a new channel that breaks a rule', () => {
  const codegen = (input: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    run(process.execPath, [ENTRY, '--input', input, '--output', path.join(path.dirname(input), 'generated'), '--runtime', '../runtime.js', ...args], {
      cwd: path.dirname(input),
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );

  it('prints the located warnings and writes (exit 0); --strict exits 1 and writes nothing; --check --strict exits 1', async () => {
    const input = project('cli', addReturns);
    // The runtime the output imports exists: the only warnings are the rules'.
    writeFileSync(path.join(path.dirname(input), 'runtime.ts'), 'export {};\n');
    const strict = await codegen(input, ['--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('asyncapi.yaml:37:5: warning: operation "publishReturn" has no title');
    expect(strict.stderr).toMatch(/codegen --strict: 3 warning\(s\) above; fix them .*; nothing written/);
    expect(existsSync(path.join(path.dirname(input), 'generated'))).toBe(false);

    const plain = await codegen(input, []);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('[operation-role]');
    expect(plain.stdout).toMatch(/^codegen: 5 files, 5 changed/);
    const check = await codegen(input, ['--check', '--strict']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('files up to date');
    expect(check.stderr).toContain('codegen --strict: ');
  }, 60_000);
});
