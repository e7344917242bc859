/**
 * A real OpenTelemetry SDK for the tracing tests: a tracer provider whose spans go to an in-memory exporter as
 * they end, the AsyncLocalStorage context manager and the W3C trace context propagator, registered globally as an
 * application would. `uninstall()` unregisters all three, so a test file can also run without an SDK.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';

/** A registered SDK. */
export interface TestSdk {
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
  /** Spans ended so far. */
  spans(): ReadableSpan[];
  /** Unregisters the provider, the context manager and the propagator. */
  uninstall(): Promise<void>;
}

/** Registers an SDK (every span sampled unless `sampler` says otherwise). */
export function installSdk(sampler?: Sampler): TestSdk {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)], ...(sampler === undefined ? {} : { sampler }) });
  const manager = new AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    async uninstall() {
      trace.disable();
      context.disable();
      propagation.disable();
      await provider.shutdown();
    },
  };
}

/** A span as the tests compare it: name, kind, ids, parent, attributes, events and links in plain JSON. */
export interface SpanRecord {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  status: { code: number; message?: string };
}

/** `span` as a {@link SpanRecord}. */
export function record(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, attributes: { ...e.attributes } })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: { ...l.attributes } })),
    status: { code: span.status.code, ...(span.status.message === undefined ? {} : { message: span.status.message }) },
  };
}
