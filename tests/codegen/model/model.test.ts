import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';
import { loadContract } from '../../../codegen/input/load.js';
import { addressParameters, buildModel, subjectProblem, type ContractModel } from '../../../codegen/model/model.js';

const spec = (name: string): string => path.resolve('tests/fixtures/specs', name);

async function model(name: string): Promise<ContractModel> {
  const loaded = await loadContract(spec(name));
  return buildModel(loaded.document, loaded.sources, loaded.file);
}

async function modelProblems(name: string): Promise<string[]> {
  try {
    await model(name);
  } catch (error) {
    if (error instanceof CodegenError) return error.diagnostics.map((d) => formatDiagnostic(d));
    throw error;
  }
  throw new Error(`${name} built without problems`);
}

describe('buildModel on a valid contract', () => {
  it('declares each schema once, after the schemas it uses, named after its message', async () => {
    const m = await model('valid.yaml');
    expect(m.schemas.map((s) => (s.aliasOf === undefined ? s.name : `${s.name}=${s.aliasOf}`))).toEqual([
      'Ping',
      'Started',
      'Pong',
      'Stopped',
      'Resumed=Started',
    ]);
    const started = m.schemas.find((s) => s.name === 'Started');
    const pong = m.schemas.find((s) => s.name === 'Pong')?.schema as { properties: { box: object } };
    // The shared $ref target is one object, so the emitter references it by name instead of inlining a copy.
    expect(started?.schema).toBe(pong.properties.box);
    expect(m.nameOf(pong.properties.box)).toBe('Started');
    expect(m.originOf(pong.properties.box)?.file).toBe(spec('schemas/box.json'));
    expect(JSON.stringify(m.schemas)).not.toContain('x-parser-');
  });

  it('models channels with parameters, several messages and replies; skips reply-only and empty channels', async () => {
    const m = await model('valid.yaml');
    expect(m.channels.map((c) => c.id)).toEqual(['ping', 'events']);
    const [ping, events] = m.channels;
    expect(ping?.parameters).toMatchObject([
      { name: 'node-id', identifier: 'PingNodeIdParameterSchema', schema: { type: 'string', enum: ['a', 'b'] }, description: 'The node.' },
    ]);
    expect(ping?.replies.map((r) => r.name)).toEqual(['Pong']);
    expect(events?.messages.map((r) => r.name)).toEqual(['Started', 'Resumed', 'stopped']);
    expect(m.warnings.map((w) => formatDiagnostic(w))).toEqual([
      'tests/fixtures/specs/valid.yaml:46:5: warning: channel "quiet" declares no messages; no functions are generated for it',
    ]);
    expect(m.info).toMatchObject({ asyncapi: '3.0.0', title: 'Fixture', servers: [{ id: 'local', host: 'localhost:4222', protocol: 'nats' }] });
  });

  it('reads the project contract: its message and schema names, shared schemas, x-format on parameters', async () => {
    const loaded = await loadContract('asyncapi.yaml');
    const m = buildModel(loaded.document, loaded.sources, loaded.file);
    const names = m.schemas.map((s) => s.name);
    for (const name of [
      'WorkerRegistration',
      'WorkerHeartbeat',
      'InferenceRequest',
      'StreamingResponse',
      'InferenceAck',
      'ClusterAnnouncement',
      'HardwareProfile',
      'ModelTier',
      'StreamingToken',
    ]) {
      expect(names).toContain(name);
    }
    expect(names.indexOf('HardwareProfile')).toBeLessThan(names.indexOf('WorkerRegistration'));
    expect(names.indexOf('StreamingToken')).toBeLessThan(names.indexOf('StreamingResponse'));
    const inference = m.channels.find((c) => c.id === 'workerInference');
    expect(inference?.parameters[0]).toMatchObject({
      name: 'workerId',
      identifier: 'WorkerInferenceWorkerIdParameterSchema',
      schema: { type: 'string', format: 'uuid' },
    });
    expect(inference?.replies.map((r) => r.name)).toEqual(['InferenceAck']);
    expect(m.channels.map((c) => c.id)).not.toContain('workerInferenceReply');
  });
});

describe('buildModel diagnostics', () => {
  it('reports a circular $ref at the reference that closes the loop', async () => {
    expect(await modelProblems('circular-ref.yaml')).toEqual([
      'tests/fixtures/specs/schemas/loop-b.json:1:52: circular $ref is not supported (recursive schema: loop-a.json# -> loop-b.json# -> loop-a.json#)',
    ]);
  });

  it('reports an address that is not a NATS subject, naming the construct', async () => {
    expect(await modelProblems('non-nats-address.yaml')).toEqual([
      'tests/fixtures/specs/non-nats-address.yaml:7:14: channel "ping": address "ping/{id}/x" cannot be a NATS subject: {id} must be a whole "."-separated token, and "ping/{id}/x" is not (unsupported construct: non-NATS address)',
    ]);
  });
});

describe('subject templates', () => {
  it.each([
    ['worker.{workerId}.inference', undefined],
    ['/', undefined],
    ['', 'it is empty'],
    ['a..b', 'it has an empty token (a leading, trailing or doubled ".")'],
    ['a.b{c}', '{c} must be a whole "."-separated token, and "b{c}" is not'],
    ['a.*', 'token "*" contains a wildcard, white space or a control character'],
    ['a b', 'token "a b" contains a wildcard, white space or a control character'],
  ])('subjectProblem(%j)', (address, problem) => {
    expect(subjectProblem(address)).toBe(problem);
  });

  it('lists address parameters in order', () => {
    expect(addressParameters('a.{x}.b.{y}')).toEqual(['x', 'y']);
    expect(addressParameters('a.b')).toEqual([]);
  });
});
