/**
 * Role permissions as codegen derives them from the operations: the roles are the tags, `send` publishes and
 * `receive` subscribes, a parameter bound by `x-identity-of` is `{self}` for its role only, a null-address reply
 * channel gives no subject; an `x-identity-of` naming no role is a located error; and a channel added to the
 * contract shows up in the generated permissions.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { compareAgainst } from '../../../codegen/evolution/index.js';
import { generate } from '../../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';
import { checkContract } from '../../../codegen/model/contract.js';
import type { RoleModel } from '../../../codegen/model/permissions.js';

const work = mkdtempSync(path.join(tmpdir(), 'codegen-permissions-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Two roles: `boss` sends jobs to one node and reads results; `node` takes its own jobs and reports results. */
const ROLES_CONTRACT = (identityOf: string): string => `asyncapi: 3.0.0
info:
  title: Roles
  version: 1.0.0
channels:
  job:
    address: node.{nodeId}.job
    parameters:
      nodeId:
        $ref: '#/components/parameters/nodeId'
    messages:
      job:
        $ref: '#/components/messages/Job'
  jobReply:
    address: null
    messages:
      ack:
        $ref: '#/components/messages/Ack'
  result:
    address: result.{jobId}.{nodeId}
    parameters:
      jobId:
        description: Any job.
      nodeId:
        $ref: '#/components/parameters/nodeId'
    messages:
      result:
        $ref: '#/components/messages/Result'
operations:
  sendJob:
    action: send
    channel:
      $ref: '#/channels/job'
    tags:
      - $ref: '#/components/tags/boss'
    reply:
      channel:
        $ref: '#/channels/jobReply'
  takeJob:
    action: receive
    channel:
      $ref: '#/channels/job'
    tags:
      - $ref: '#/components/tags/node'
    reply:
      channel:
        $ref: '#/channels/jobReply'
  sendResult:
    action: send
    channel:
      $ref: '#/channels/result'
    tags:
      - $ref: '#/components/tags/node'
  readResult:
    action: receive
    channel:
      $ref: '#/channels/result'
    tags:
      - $ref: '#/components/tags/boss'
components:
  tags:
    boss:
      name: boss
      description: Hands out jobs.
    node:
      name: node
  parameters:
    nodeId:
      description: A node.
      x-identity-of: ${identityOf}
  messages:
    Job:
      description: A job.
      payload: { type: object }
      examples: [{ payload: {} }]
    Ack:
      description: Taken.
      payload: { type: object }
      examples: [{ payload: {} }]
    Result:
      description: A result.
      payload: { type: object }
      examples: [{ payload: {} }]
`;

function writeContract(name: string, text: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'asyncapi.yaml');
  writeFileSync(file, text);
  return file;
}

async function rolesOf(file: string): Promise<RoleModel[]> {
  const checked = await checkContract(file);
  expect(checked.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d))).toEqual([]);
  return checked.model?.roles ?? [];
}

async function errorsOf(file: string): Promise<string[]> {
  const error = await generate({ input: file, output: path.join(path.dirname(file), 'generated') }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CodegenError);
  return (error as CodegenError).diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, path.dirname(file)));
}

/** `file:line:col` of the value of the first `x-identity-of` in `text`. */
function identityPosition(text: string): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('x-identity-of:'));
  const column = (lines[line] ?? '').indexOf('x-identity-of:') + 'x-identity-of: '.length + 1;
  return `asyncapi.yaml:${String(line + 1)}:${String(column)}`;
}

describe('role permissions from the operations', () => {
  it('publish from send, subscribe from receive, {self} only for the role a parameter is bound to, no subject for a reply channel', async () => {
    expect(await rolesOf(writeContract('roles', ROLES_CONTRACT('node')))).toEqual([
      { name: 'boss', description: 'Hands out jobs.', publish: ['node.*.job'], subscribe: ['result.*.*'], requests: true, replies: false },
      { name: 'node', description: undefined, publish: ['result.*.{self}'], subscribe: ['node.{self}.job'], requests: false, replies: true },
    ]);
  });

  it('binds nothing without x-identity-of, and emits the roles as plain data', async () => {
    const text = ROLES_CONTRACT('node').replace(/\n\s+x-identity-of: node/, '');
    const file = writeContract('unbound', text);
    expect((await rolesOf(file)).map((r) => [r.publish, r.subscribe])).toEqual([
      [['node.*.job'], ['result.*.*']],
      [['result.*.*'], ['node.*.job']],
    ]);
    const { files } = await generate({ input: file, output: path.join(work, 'unbound/generated') });
    const permissions = files.find((f) => f.path.endsWith('permissions.ts'))?.content ?? '';
    expect(permissions).toContain("boss: {\n    publish: ['node.*.job'],\n    subscribe: ['result.*.*'],\n    requests: true,\n    replies: false,\n  },");
    expect(permissions).not.toMatch(/^import /m);
    expect(files.find((f) => f.path.endsWith('index.ts'))?.content).toContain("export * from './permissions.js';");
  });

  it('writes no permissions.ts for a contract whose operations have no tags', async () => {
    const { files } = await generate({ input: 'tests/fixtures/specs/valid.yaml', output: path.join(work, 'untagged/generated') });
    expect(files.map((f) => path.basename(f.path))).not.toContain('permissions.ts');
  });
});

describe('x-identity-of diagnostics', () => {
  it('an x-identity-of naming a role no operation is tagged with is an error at its value, once for a shared parameter', async () => {
    const text = ROLES_CONTRACT('nod');
    expect(await errorsOf(writeContract('misspelt', text))).toEqual([
      `${identityPosition(text)}: parameter "nodeId": x-identity-of names the role "nod", but no operation is tagged "nod" (the roles are the operations' tags: boss, node)`,
    ]);
  });

  it('a value that is not a role name is an error', async () => {
    const text = ROLES_CONTRACT('[node]');
    expect(await errorsOf(writeContract('list', text))).toEqual([
      `${identityPosition(text)}: parameter "nodeId": x-identity-of must name a role (one operation tag, as a string), found ["node"]`,
    ]);
  });
});

describe('the project contract', () => {
  it('a channel added to a copy of asyncapi.yaml changes the generated permissions of both roles, and nothing else in them', async () => {
    const dir = path.join(work, 'project');
    mkdirSync(dir, { recursive: true });
    cpSync('schemas', path.join(dir, 'schemas'), { recursive: true });
    const doc = parseDocument(readFileSync('asyncapi.yaml', 'utf8'));
    writeFileSync(path.join(dir, 'asyncapi.yaml'), String(doc));
    const before = await generate({ input: path.join(dir, 'asyncapi.yaml'), output: path.join(dir, 'generated') });

    doc.setIn(['channels', 'workerMetrics'], {
      address: 'worker.{workerId}.metrics',
      parameters: { workerId: { $ref: '#/components/parameters/workerId' } },
      messages: { workerHeartbeat: { $ref: '#/components/messages/WorkerHeartbeat' } },
    });
    const operation = (action: string, role: string): object => ({
      action,
      channel: { $ref: '#/channels/workerMetrics' },
      tags: [{ $ref: `#/components/tags/${role}` }],
      messages: [{ $ref: '#/channels/workerMetrics/messages/workerHeartbeat' }],
    });
    doc.setIn(['operations', 'sendWorkerMetrics'], operation('send', 'worker'));
    doc.setIn(['operations', 'receiveWorkerMetrics'], operation('receive', 'controller'));
    writeFileSync(path.join(dir, 'asyncapi.yaml'), String(doc));
    const after = await generate({ input: path.join(dir, 'asyncapi.yaml'), output: path.join(dir, 'generated') });

    const body = (r: typeof before): string => (r.files.find((f) => f.path.endsWith('permissions.ts'))?.content ?? '').replace(/^\/\/.*\n/gm, '');
    expect(body(before)).toBe(readFileSync('generated/permissions.ts', 'utf8').replace(/^\/\/.*\n/gm, ''));
    expect(body(after)).not.toBe(body(before));
    const added = body(after)
      .replace("'response.{self}.*', 'worker.{self}.metrics']", "'response.{self}.*']")
      .replace("'response.*.*', 'worker.*.metrics']", "'response.*.*']");
    expect(added).toBe(body(before));
  });
});

describe('the evolution gate', () => {
  it('sees no change in an x-identity-of, which changes no message, and still sees one in an x-format', () => {
    const dir = path.join(work, 'gate');
    mkdirSync(dir, { recursive: true });
    cpSync('schemas', path.join(dir, 'schemas'), { recursive: true });
    const text = readFileSync('asyncapi.yaml', 'utf8');
    const write = (name: string, body: string): string => {
      writeFileSync(path.join(dir, name), body);
      return path.join(dir, name);
    };
    const withIdentity = write('with.yaml', text);
    const without = write('without.yaml', text.replace(/^ +x-identity-of: .*\n/m, ''));
    expect(readFileSync(without, 'utf8')).not.toBe(text);
    const { result, report } = compareAgainst(withIdentity, without);
    expect(result.changes, report).toEqual([]);
    const noFormat = write('no-format.yaml', text.replace(/^ +x-format: uuid\n/m, ''));
    expect(compareAgainst(noFormat, withIdentity).result.changes.map((c) => c.kind)).toContain('parameter-changed');
  });
});
