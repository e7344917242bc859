/**
 * AsyncAPI parameter `location` enforced at run time (src/contract/parameter-locations.ts, define-channel.ts): a
 * payload whose field contradicts the subject's parameter never reaches a handler (counted as rejected, reported as a
 * ValidationError naming the subject, the parameter and both values; a wildcard reply answers with an error reply),
 * and is refused before anything is sent. An absent field contradicts nothing. The test's own contract, written as
 * generated code writes it, runs on a real nats-server with foreign publishers (plain nats.js); then every located
 * parameter of asyncapi.yaml is tried the same way.
 */
import { describe, expect, it } from 'vitest';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { z } from 'zod';
import {
  channels,
  defineChannel,
  NatsRemoteError,
  SubjectError,
  ValidationError,
  type MessageContext,
  type NatsClient,
  type Subscription,
} from '../../src/index.js';
import { compileLocationCheck } from '../../src/contract/parameter-locations.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';
import { declaredParameters, exampleOf, locationField, parameterValuesFor } from '../helpers/reliability.js';

const shared = useServerWithClients();
const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

// --- The test's contract: a node reports on a job, on the node's own subject; a node is asked to run a job. ---------

const NodeId = z.string().regex(/^n[0-9]+$/);
const ReportSchema = z.strictObject({ nodeId: z.string().optional(), job: z.strictObject({ id: z.string() }), progress: z.number() });
const report = defineChannel({
  id: 'report',
  address: 'test.loc.{nodeId}.report.{jobId}',
  parameters: { nodeId: NodeId, jobId: z.string() },
  message: { name: 'Report', schema: ReportSchema, readerSchema: ReportSchema },
  locations: { nodeId: '/nodeId', jobId: '/job/id' },
  contractVersion: '2.0.0',
});
const run = defineChannel({
  id: 'run',
  address: 'test.loc.{nodeId}.run',
  parameters: { nodeId: NodeId },
  message: { name: 'Run', schema: z.strictObject({ nodeId: z.string(), job: z.string() }) },
  reply: { name: 'Taken', schema: z.strictObject({ ok: z.boolean() }) },
  locations: { nodeId: '/nodeId' },
  contractVersion: '2.0.0',
});

type Report = z.infer<typeof ReportSchema>;
const reportOf = (nodeId: string | undefined, jobId: string, progress = 1): Report => ({
  ...(nodeId === undefined ? {} : { nodeId }),
  job: { id: jobId },
  progress,
});

/** The validation errors `shared.client` reported since `before`. */
const reportedSince = (before: number): ValidationError[] => shared.errors.slice(before).filter((e): e is ValidationError => e instanceof ValidationError);

describe('on receipt', () => {
  it('a wildcard subscription drops a payload that contradicts its subject, names subject, parameter and both values, and goes on', async () => {
    const got: { report: Report; params: Record<string, string> }[] = [];
    const before = shared.errors.length;
    const sub = await report.subscribe(shared.client, { nodeId: '*', jobId: '*' }, (value, ctx) => {
      got.push({ report: value, params: { ...ctx.params } });
    });
    const headers = natsHeaders();
    headers.set('Contract-Version', '1.9.0');
    shared.raw.publish('test.loc.n1.report.j1', encode(reportOf('n2', 'j1')), { headers }); // another node's id
    shared.raw.publish('test.loc.n1.report.j1', encode(reportOf('n1', 'j9'))); // another job, two levels down
    shared.raw.publish('test.loc.n1.report.j1', encode(reportOf('n1', 'j1', 2)));
    shared.raw.publish('test.loc.n3.report.j1', encode(reportOf(undefined, 'j1', 3))); // optional field absent: no contradiction
    await shared.raw.flush();
    await waitFor(() => got.length === 2 && sub.rejected === 2, 'two deliveries and two rejections');
    expect(got).toEqual([
      { report: reportOf('n1', 'j1', 2), params: { nodeId: 'n1', jobId: 'j1' } },
      { report: reportOf(undefined, 'j1', 3), params: { nodeId: 'n3', jobId: 'j1' } },
    ]);
    const [node, job] = reportedSince(before);
    expect(node?.direction).toBe('inbound');
    expect(node?.subject).toBe('test.loc.n1.report.j1');
    expect(node?.issues).toEqual([
      { path: 'nodeId', message: '"n2" contradicts the subject, whose {nodeId} is "n1" (the contract locates {nodeId} at $message.payload#/nodeId)' },
    ]);
    expect(node?.message).toContain('Invalid inbound Report payload on "test.loc.n1.report.j1"');
    expect(node?.message).toContain('sent with contract 1.9.0; this reader has 2.0.0');
    expect(node?.message).toContain('The message was dropped before the handler');
    expect(job?.issues).toEqual([
      { path: 'job.id', message: '"j9" contradicts the subject, whose {jobId} is "j1" (the contract locates {jobId} at $message.payload#/job/id)' },
    ]);
    await sub.unsubscribe();
  });

  it('a subscription to one concrete subject checks the payload against it too', async () => {
    const got: Report[] = [];
    const sub = await report.subscribe(shared.client, { nodeId: 'n1', jobId: 'j1' }, (value) => {
      got.push(value);
    });
    shared.raw.publish('test.loc.n1.report.j1', encode(reportOf('n7', 'j1')));
    shared.raw.publish('test.loc.n1.report.j1', encode(reportOf('n1', 'j1')));
    await shared.raw.flush();
    await waitFor(() => got.length === 1 && sub.rejected === 1, 'one delivery and one rejection');
    expect(got).toEqual([reportOf('n1', 'j1')]);
    await sub.unsubscribe();
  });

  it('a wildcard reply answers a contradicting request with an error reply, and the handler never runs', async () => {
    let handled = 0;
    const sub = await run.reply(shared.client, { nodeId: '*' }, () => {
      handled += 1;
      return { ok: true };
    });
    // The generic API does not know the channel's locations: a foreign requester, as far as the responder can tell.
    const error = await shared.client.request('test.loc.n1.run', { nodeId: 'n2', job: 'x' }, { timeout: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsRemoteError);
    expect((error as NatsRemoteError).remoteCode).toBe('VALIDATION');
    expect((error as NatsRemoteError).message).toContain('"n2" contradicts the subject, whose {nodeId} is "n1"');
    expect(await shared.client.request('test.loc.n1.run', { nodeId: 'n1', job: 'x' }, { timeout: 2000 })).toEqual({ ok: true });
    expect(handled).toBe(1);
    expect(sub.rejected).toBe(1);
    await sub.unsubscribe();
  });
});

describe('on send (strict writer)', () => {
  it('publish and request refuse a payload that contradicts the subject, and nothing leaves', async () => {
    const seen: string[] = [];
    const spy = shared.raw.subscribe('test.loc.>', {
      callback: (_err, msg) => {
        seen.push(msg.subject);
      },
    });
    const published = await report.publish(shared.client, { nodeId: 'n1', jobId: 'j1' }, reportOf('n2', 'j1')).catch((e: unknown) => e);
    expect(published).toBeInstanceOf(ValidationError);
    expect((published as ValidationError).direction).toBe('outbound');
    expect((published as ValidationError).subject).toBe('test.loc.n1.report.j1');
    expect((published as ValidationError).message).toContain('nodeId: "n2" contradicts the subject, whose {nodeId} is "n1"');
    expect((published as ValidationError).message).toContain('Nothing was sent');
    const requested = await run.request(shared.client, { nodeId: 'n1' }, { nodeId: 'n2', job: 'x' }).catch((e: unknown) => e);
    expect(requested).toBeInstanceOf(ValidationError);
    await report.publish(shared.client, { nodeId: 'n1', jobId: 'j1' }, reportOf(undefined, 'j1')); // absent: sent
    await shared.client.flush();
    await shared.raw.flush();
    await waitFor(() => seen.length === 1, 'the one consistent report');
    expect(seen).toEqual(['test.loc.n1.report.j1']);
    spy.unsubscribe();
  });
});

describe('the declaration', () => {
  it('a channel exposes its locations; one without any has none and keeps its plain serializer path', () => {
    expect(report.locations).toEqual({ nodeId: '/nodeId', jobId: '/job/id' });
    const plain = defineChannel({ id: 'plain', address: 'test.plain', parameters: {}, message: { name: 'P', schema: z.strictObject({}) } });
    expect(plain.locations).toEqual({});
  });

  it('a location for a parameter the address lacks, or one that is not a JSON pointer, is refused when the channel is defined', () => {
    const define = (locations: Record<string, string>): unknown =>
      defineChannel({
        id: 'bad',
        address: 'test.{a}',
        parameters: { a: z.string() },
        message: { name: 'B', schema: z.strictObject({ a: z.string() }) },
        locations,
      });
    expect(() => define({ b: '/a' })).toThrow(SubjectError);
    expect(() => define({ a: 'a' })).toThrow(/must be a JSON pointer/);
  });

  it('pointers follow RFC 6901 escapes; a number compares by its JSON text; anything absent on the way contradicts nothing', () => {
    const check = compileLocationCheck('x.{p}', ['p'], { p: '/a~1b/c~0d' });
    expect(check?.({ 'a/b': { 'c~d': 'v' } }, { p: 'v' })).toBeUndefined();
    expect(check?.({ 'a/b': { 'c~d': 'w' } }, { p: 'v' })?.[0]?.path).toBe('a/b.c~d');
    expect(check?.({ 'a/b': 'not an object' }, { p: 'v' })).toBeUndefined();
    expect(check?.(null, { p: 'v' })).toBeUndefined();
    const numeric = compileLocationCheck('x.{n}', ['n'], { n: '/n' });
    expect(numeric?.({ n: 42 }, { n: '42' })).toBeUndefined();
    expect(numeric?.({ n: 43 }, { n: '42' })?.[0]?.message).toMatch(/^43 contradicts/);
    expect(numeric?.({ n: 'x'.repeat(500) }, { n: '42' })?.[0]?.message.length).toBeLessThan(200);
    expect(compileLocationCheck('x.{n}', ['n'], {})).toBeUndefined();
  });
});

// --- asyncapi.yaml: every parameter it locates in the payload ------------------------------------------------------

/** A generated channel seen without its types. */
interface AnyChannel {
  readonly id: string;
  readonly address: string;
  readonly messageName: string;
  readonly locations: Readonly<Record<string, string>>;
  subscribe(client: NatsClient, params: Record<string, string>, handler: (payload: unknown, ctx: MessageContext) => void): Promise<Subscription>;
}
const located = (Object.values(channels) as unknown as AnyChannel[]).map((channel) => {
  const fields = declaredParameters(channel.id).flatMap((p) => {
    const field = locationField(p);
    return field === undefined ? [] : [[p.name, field] as const];
  });
  return [channel.id, channel, fields] as const;
});

describe('the project contract', () => {
  it('every generated channel carries exactly the payload locations asyncapi.yaml declares', () => {
    for (const [id, channel, fields] of located) expect(channel.locations, id).toEqual(Object.fromEntries(fields.map(([name, field]) => [name, `/${field}`])));
    expect(located.some(([, , fields]) => fields.length > 0)).toBe(true);
  });

  it.each(located.filter(([, , fields]) => fields.length > 0))(
    '%s: a foreign publisher whose payload contradicts a located parameter is rejected; the example itself arrives',
    async (_id, channel, fields) => {
      const example = exampleOf(channel.messageName) as Record<string, unknown>;
      const params = parameterValuesFor(channel.id, example);
      const subject = channel.address.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
      const wildcard = Object.fromEntries(Object.keys(params).map((name) => [name, '*']));
      const got: unknown[] = [];
      const before = shared.errors.length;
      const sub = await channel.subscribe(shared.client, wildcard, (payload) => got.push(payload));
      const other = '5a7c9e1b-3d5f-4b7d-8f1a-3c5e7a9c1e3b';
      for (const [, field] of fields) shared.raw.publish(subject, encode({ ...example, [field]: other }));
      shared.raw.publish(subject, encode(example));
      await shared.raw.flush();
      await waitFor(() => got.length === 1 && sub.rejected === fields.length, `one delivery and ${String(fields.length)} rejection(s)`);
      expect(got).toEqual([example]);
      const reported = reportedSince(before);
      expect(reported.map((e) => [e.subject, e.issues[0]?.path])).toEqual(fields.map(([, field]) => [subject, field]));
      for (const [i, [name]] of fields.entries())
        expect(reported[i]?.message).toContain(`"${other}" contradicts the subject, whose {${name}} is "${params[name] ?? ''}"`);
      await sub.unsubscribe();
    },
  );
});
