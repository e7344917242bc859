/**
 * Parameter `location` as codegen reads it (codegen/model/location.ts): a payload location becomes the channel's
 * `locations` entry (a JSON pointer) in generated channels.ts; a header location is a warning (not checked at run
 * time); a payload location that no message of the channel can carry is an error at the location, per channel, so a
 * parameter component shared by channels with different payloads is caught.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';

const work = mkdtempSync(path.join(tmpdir(), 'codegen-location-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/**
 * A node reports progress on `node.{nodeId}.progress` (a union: a step, or a final result that nests the node) and
 * is sent jobs on `node.{nodeId}.job` (a payload without the node). `progressId` and `jobId` are the two `nodeId`
 * parameter objects; a test points either at a shared component.
 */
const CONTRACT = (progressId: string, jobId: string): string => `asyncapi: 3.0.0
info:
  title: Locations
  version: 1.0.0
channels:
  progress:
    address: node.{nodeId}.progress
    parameters:
      nodeId:
${progressId}
    messages:
      progress:
        $ref: '#/components/messages/Progress'
  job:
    address: node.{nodeId}.job
    parameters:
      nodeId:
${jobId}
    messages:
      job:
        $ref: '#/components/messages/Job'
components:
  parameters:
    nodeId:
      description: A node, as the payload says.
      location: $message.payload#/nodeId
  messages:
    Progress:
      description: A step or the result.
      payload:
        oneOf:
          - type: object
            additionalProperties: false
            required: [kind, nodeId]
            properties: { kind: { const: step }, nodeId: { type: string } }
          - type: object
            additionalProperties: false
            required: [kind, result]
            properties:
              kind: { const: result }
              result: { type: object, additionalProperties: false, properties: { node: { type: string } } }
      examples: [{ payload: { kind: step, nodeId: n1 } }]
    Job:
      description: A job.
      payload: { type: object, additionalProperties: false, required: [job], properties: { job: { type: string } } }
      examples: [{ payload: { job: j } }]
`;

const inline = (location: string): string => `        description: The node.\n        location: ${location}`;
const shared = "        $ref: '#/components/parameters/nodeId'";
const plain = '        description: The node.';

function writeContract(name: string, text: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'asyncapi.yaml');
  writeFileSync(file, text);
  return file;
}

async function channelsOf(file: string): Promise<{ code: string; warnings: string[] }> {
  const result = await generate({ input: file, output: path.join(path.dirname(file), 'generated') });
  const code = result.files.find((f) => f.path.endsWith('channels.ts'))?.content ?? '';
  return { code, warnings: result.warnings.map((d) => formatDiagnostic(d, path.dirname(file))) };
}

async function errorsOf(file: string): Promise<string[]> {
  const error = await generate({ input: file, output: path.join(path.dirname(file), 'generated') }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CodegenError);
  return (error as CodegenError).diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, path.dirname(file)));
}

/** `asyncapi.yaml:line:col` of the value of the `n`-th `location:` in `text` (1-based). */
function locationPosition(text: string, n: number): string {
  const lines = text.split('\n');
  const line = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('location:'))[n - 1]?.[1] ?? -1;
  const column = (lines[line] ?? '').indexOf('location:') + 'location: '.length + 1;
  return `asyncapi.yaml:${String(line + 1)}:${String(column)}`;
}

describe('payload locations', () => {
  it("become the channel's locations (a JSON pointer), where some branch of a union carries the field; other channels get none", async () => {
    const { code, warnings } = await channelsOf(writeContract('payload', CONTRACT(inline('$message.payload#/nodeId'), plain)));
    expect(warnings).toEqual([]);
    expect(code).toContain("locations: { nodeId: '/nodeId' },");
    expect(code.match(/locations:/g)).toHaveLength(1);
  });

  it('a nested pointer, and a field of an open payload, are taken as written', async () => {
    const text = CONTRACT(inline('$message.payload#/result/node'), inline('$message.payload#/anything')).replace(
      '{ type: object, additionalProperties: false, required: [job], properties: { job: { type: string } } }',
      '{ type: object, required: [job], properties: { job: { type: string } } }',
    );
    const { code } = await channelsOf(writeContract('nested', text));
    expect(code).toContain("locations: { nodeId: '/result/node' },");
    expect(code).toContain("locations: { nodeId: '/anything' },");
  });

  it("a shared parameter whose field one channel's payload cannot carry is an error at the location, naming that channel", async () => {
    const text = CONTRACT(shared, shared);
    expect(await errorsOf(writeContract('shared', text))).toEqual([
      `${locationPosition(text, 1)}: parameter "nodeId" of channel "job": location $message.payload#/nodeId names a field no message of the channel has; point it at a payload field, or drop it for this channel (a parameter shared by several channels needs a component of its own where the payloads differ)`,
    ]);
  });

  it('a field no branch of a union has is an error too', async () => {
    const text = CONTRACT(inline('$message.payload#/result/elsewhere'), plain);
    expect(await errorsOf(writeContract('union', text))).toEqual([
      `${locationPosition(text, 1)}: parameter "nodeId" of channel "progress": location $message.payload#/result/elsewhere names a field no message of the channel has; point it at a payload field, or drop it for this channel (a parameter shared by several channels needs a component of its own where the payloads differ)`,
    ]);
  });
});

describe('header locations', () => {
  it('are a warning, not checked at run time, and give no locations entry', async () => {
    const text = CONTRACT(inline('$message.header#/Node-Id'), plain);
    const { code, warnings } = await channelsOf(writeContract('header', text));
    expect(warnings).toEqual([
      `${locationPosition(text, 1)}: warning: parameter "nodeId" of channel "progress": location $message.header#/Node-Id is not checked at run time (the runtime compares payload locations only)`,
    ]);
    expect(code).not.toContain('locations:');
  });
});
