/**
 * Trace context on typed channels, on a real nats-server with the real OpenTelemetry SDK (in-memory exporter):
 * `send <template>` and `process <template>` spans after the messaging conventions, one trace across the wire, the
 * W3C headers as a foreign NATS client sees them (and as one writes them, in another case), handlers in their span's
 * context, failures, the channel modes, and, first, nothing at all without an SDK.
 */
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { headers as natsHeaders, type Msg } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, setChannelTracing, type InferenceAck, type InferenceRequest, type WorkerRegistration } from '../../src/index.js';
import { overrideOtelLoader, tracingActive, type OtelApi } from '../../src/observability/otel.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';
import { installSdk, record, type SpanRecord, type TestSdk } from './sdk.js';

const shared = useServerWithClients();
const WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const SPAN_KIND = { server: 1, client: 2, producer: 3, consumer: 4 };
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

const registration = (): WorkerRegistration => ({
  workerId: WORKER,
  hostname: 'mac-mini',
  ip: '10.0.0.2',
  port: 8082,
  hardware: { chip: 'Apple M2', performanceCores: 8, efficiencyCores: 4, gpuCores: 10, neuralEngineCores: 16, unifiedMemoryGB: 32, macOSVersion: '14.5' },
  capabilities: { maxConcurrent: 4, supportedModelTiers: ['small'], availableMemoryGB: 24 },
  status: 'online',
  timestamp: Date.now(),
});
const request = (): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3.1-8b', prompt: 'Hi' });
const ack = (req: InferenceRequest): InferenceAck => ({ requestId: req.requestId, workerId: WORKER, status: 'accepted' });

/** Headers of every message on `subject`, as a plain nats.js subscriber (no package code) receives them. */
function spy(subject: string): { seen: Msg[]; stop: () => void } {
  const seen: Msg[] = [];
  const sub = shared.raw.subscribe(subject, {
    callback: (_e, msg) => {
      seen.push(msg);
    },
  });
  return {
    seen,
    stop: () => {
      sub.unsubscribe();
    },
  };
}

describe('with no OpenTelemetry SDK registered', () => {
  it('writes no trace header, starts no span and never loads @opentelemetry/api', async () => {
    let loads = 0;
    const restore = overrideOtelLoader(() => {
      loads += 1;
      throw new Error('must not be loaded');
    });
    try {
      expect(tracingActive()).toBe(false);
      const wire = spy(`worker.${WORKER}.register`);
      await shared.raw.flush();
      const got: string[] = [];
      const sub = await channels.workerRegister.subscribe(shared.client, { workerId: '*' }, (_r, ctx) => {
        got.push(ctx.subject);
      });
      const replies = await channels.workerInference.reply(shared.client, { workerId: WORKER }, ack);
      await channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration());
      const reply = await shared.raw.request(`worker.${WORKER}.inference`, JSON.stringify(request()), { timeout: 2000 });
      await waitFor(() => got.length === 1 && wire.seen.length === 1, 'the registration');
      expect([...(wire.seen[0]?.headers?.keys() ?? [])]).toEqual(['Contract-Version']);
      expect(reply.headers?.has('traceparent')).toBe(false);
      expect(loads).toBe(0);
      wire.stop();
      await sub.unsubscribe();
      await replies.unsubscribe();
    } finally {
      restore();
    }
  });

  it('an SDK whose API cannot be loaded leaves tracing off, and says so once', async () => {
    const sdk = installSdk();
    const failures: unknown[] = [];
    const restore = overrideOtelLoader(
      () => {
        throw new Error('Cannot find module @opentelemetry/api');
      },
      (error) => failures.push(error),
    );
    try {
      expect(tracingActive()).toBe(true);
      const wire = spy(`worker.${WORKER}.register`);
      await shared.raw.flush();
      await channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration());
      await channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration());
      await waitFor(() => wire.seen.length === 2, 'both registrations');
      expect(wire.seen.map((m) => m.headers?.has('traceparent'))).toEqual([false, false]);
      expect(failures).toHaveLength(1);
      expect(sdk.spans()).toEqual([]);
      wire.stop();
    } finally {
      restore();
      await sdk.uninstall();
    }
  });
});

describe('with the OpenTelemetry SDK', () => {
  let sdk: TestSdk;
  beforeAll(() => {
    sdk = installSdk();
  });
  afterAll(async () => {
    await sdk.uninstall();
  });
  const spans = (): SpanRecord[] => sdk.spans().map(record);
  const named = (name: string): SpanRecord[] => spans().filter((s) => s.name === name);

  it("publish to subscribe is one trace: send (producer) is the parent of process (consumer), with the conventions' attributes, the handler in its span, the context on the wire", async () => {
    sdk.exporter.reset();
    const wire = spy(`worker.${WORKER}.register`);
    await shared.raw.flush();
    const inHandler: { spanId: string | undefined; traceId: string | undefined }[] = [];
    const sub = await channels.workerRegister.subscribe(shared.client, { workerId: '*' }, () => {
      const active = trace.getActiveSpan()?.spanContext();
      inHandler.push({ spanId: active?.spanId, traceId: active?.traceId });
    });
    const app = trace.getTracer('test');
    const parent = app.startSpan('register worker');
    await context.with(trace.setSpan(context.active(), parent), () => channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration()));
    parent.end();
    await waitFor(
      () => inHandler.length === 1 && wire.seen.length === 1 && named('process worker.{workerId}.register').length === 1,
      'the registration, handled',
    );

    const [send] = named('send worker.{workerId}.register');
    const [processed] = named('process worker.{workerId}.register');
    expect(send).toMatchObject({
      kind: SPAN_KIND.producer,
      traceId: parent.spanContext().traceId,
      parentSpanId: parent.spanContext().spanId,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': `worker.${WORKER}.register`,
        'messaging.destination.template': 'worker.{workerId}.register',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
      },
    });
    expect(processed).toMatchObject({
      kind: SPAN_KIND.consumer,
      traceId: parent.spanContext().traceId,
      parentSpanId: send?.spanId,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': `worker.${WORKER}.register`,
        'messaging.destination.template': 'worker.{workerId}.register',
        'messaging.operation.type': 'process',
      },
    });
    // The body size, on both sides: the bytes on the wire.
    const size = wire.seen[0]?.data.byteLength;
    expect(send?.attributes['messaging.message.body.size']).toBe(size);
    expect(processed?.attributes['messaging.message.body.size']).toBe(size);
    // The handler ran with the process span current.
    expect(inHandler).toEqual([{ spanId: processed?.spanId, traceId: parent.spanContext().traceId }]);
    // A foreign client sees W3C trace context naming the send span, next to the contract version.
    const traceparent = wire.seen[0]?.headers?.get('traceparent') ?? '';
    expect(traceparent).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(traceparent)?.slice(1, 3)).toEqual([send?.traceId, send?.spanId]);
    expect(wire.seen[0]?.headers?.get('Contract-Version')).toBe(channels.workerRegister.contractVersion);
    wire.stop();
    await sub.unsubscribe();
  });

  it("request to reply: a client send span, the server process span its child, the reply carrying the process span's context", async () => {
    sdk.exporter.reset();
    const inHandler: string[] = [];
    const replies = await channels.workerInference.reply(shared.client, { workerId: WORKER }, async (req) => {
      // Work the handler starts after an await is still in its span.
      await new Promise((resolve) => setTimeout(resolve, 5));
      trace.getTracer('test').startSpan('accept').end();
      inHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? 'none');
      return ack(req);
    });
    const answer = await channels.workerInference.request(shared.client, { workerId: WORKER }, request(), { timeout: 2000 });
    expect(answer.status).toBe('accepted');
    await waitFor(() => named('send worker.{workerId}.inference').length === 1, 'the request span');
    const [send] = named('send worker.{workerId}.inference');
    const [processed] = named('process worker.{workerId}.inference');
    const [accept] = named('accept');
    expect(send).toMatchObject({
      kind: SPAN_KIND.client,
      parentSpanId: undefined,
      attributes: { 'messaging.operation.type': 'send', 'messaging.operation.name': 'request' },
    });
    expect(processed).toMatchObject({
      kind: SPAN_KIND.server,
      traceId: send?.traceId,
      parentSpanId: send?.spanId,
      attributes: { 'messaging.operation.name': 'reply' },
    });
    expect(accept).toMatchObject({ traceId: send?.traceId, parentSpanId: processed?.spanId });
    expect(inHandler).toEqual([processed?.spanId]);

    // From a foreign requester whose client capitalises header names: its context is the parent, whatever the case.
    sdk.exporter.reset();
    const foreignTrace = 'ab'.repeat(16);
    const foreignSpan = 'cd'.repeat(8);
    const h = natsHeaders();
    h.set('TraceParent', `00-${foreignTrace}-${foreignSpan}-01`);
    h.set('TraceState', 'vendor=x');
    const reply = await shared.raw.request(`worker.${WORKER}.inference`, JSON.stringify(request()), { timeout: 2000, headers: h });
    await waitFor(() => named('process worker.{workerId}.inference').length === 1, 'the foreign request handled');
    const [foreign] = named('process worker.{workerId}.inference');
    expect(foreign).toMatchObject({ traceId: foreignTrace, parentSpanId: foreignSpan });
    expect(reply.headers?.get('traceparent')).toBe(`00-${foreignTrace}-${foreign?.spanId ?? ''}-01`);
    expect(reply.headers?.get('tracestate')).toBe('vendor=x');
    await replies.unsubscribe();
  });

  it('a failing handler fails its process span, and a failed request its send span, with error.type', async () => {
    sdk.exporter.reset();
    const replies = await channels.workerInference.reply(shared.client, { workerId: WORKER }, () => {
      throw new Error('model not loaded');
    });
    await expect(channels.workerInference.request(shared.client, { workerId: WORKER }, request(), { timeout: 2000 })).rejects.toMatchObject({
      code: 'NATS_REMOTE_ERROR',
    });
    await waitFor(() => named('process worker.{workerId}.inference').length === 1, 'the failed handler span');
    const [send] = named('send worker.{workerId}.inference');
    const [processed] = named('process worker.{workerId}.inference');
    expect(processed?.status).toEqual({ code: 2, message: 'model not loaded' });
    expect(processed?.attributes['error.type']).toBe('Error');
    expect(processed?.events.map((e) => e.name)).toEqual(['exception']);
    expect(send?.status.code).toBe(2);
    expect(send?.attributes['error.type']).toBe('NATS_REMOTE_ERROR');
    await replies.unsubscribe();
    // Nobody listens: the send span says so.
    sdk.exporter.reset();
    await expect(channels.workerInference.request(shared.client, { workerId: WORKER }, request(), { timeout: 2000 })).rejects.toMatchObject({
      code: 'NATS_NO_RESPONDERS',
    });
    expect(named('send worker.{workerId}.inference')[0]?.attributes['error.type']).toBe('NATS_NO_RESPONDERS');
  });

  it("in context mode messages carry the sender's context and make no span; off carries nothing", async () => {
    const wire = spy(`worker.${WORKER}.register`);
    await shared.raw.flush();
    let handled = 0;
    const sub = await channels.workerRegister.subscribe(shared.client, { workerId: WORKER }, () => {
      handled += 1;
    });
    const app = trace.getTracer('test');
    const generation = app.startSpan('generate');
    try {
      sdk.exporter.reset();
      setChannelTracing(channels.workerRegister.id, 'context');
      await context.with(trace.setSpan(context.active(), generation), () =>
        channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration()),
      );
      await waitFor(() => handled === 1 && wire.seen.length === 1, 'the message in context mode');
      expect(wire.seen[0]?.headers?.get('traceparent')).toBe(`00-${generation.spanContext().traceId}-${generation.spanContext().spanId}-01`);
      setChannelTracing(channels.workerRegister.id, 'off');
      await context.with(trace.setSpan(context.active(), generation), () =>
        channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration()),
      );
      await waitFor(() => handled === 2 && wire.seen.length === 2, 'the message in off mode');
      expect(wire.seen[1]?.headers?.has('traceparent')).toBe(false);
      expect(spans()).toEqual([]);
    } finally {
      setChannelTracing(channels.workerRegister.id, 'spans');
      generation.end();
      wire.stop();
      await sub.unsubscribe();
    }
  });

  it('a sampler that drops everything records nothing, yet passes the unsampled context on', async () => {
    await sdk.uninstall();
    const { AlwaysOffSampler } = await import('@opentelemetry/sdk-trace-base');
    const dropping = installSdk(new AlwaysOffSampler());
    try {
      const wire = spy(`worker.${WORKER}.register`);
      await shared.raw.flush();
      await channels.workerRegister.publish(shared.client, { workerId: WORKER }, registration());
      await waitFor(() => wire.seen.length === 1, 'the registration');
      expect(wire.seen[0]?.headers?.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(dropping.spans()).toEqual([]);
      wire.stop();
    } finally {
      await dropping.uninstall();
      sdk = installSdk();
    }
  });
});

describe('the structural API', () => {
  it('the real @opentelemetry/api satisfies the subset the package calls', async () => {
    const api: OtelApi = await import('@opentelemetry/api');
    expect(typeof api.trace.getTracerProvider).toBe('function');
  });
});
