/**
 * The optional OpenTelemetry API, and the one check the hot paths make.
 *
 * `@opentelemetry/api` is an optional peer: nothing here imports it statically, and its types are restated below
 * as the small structural subset this package calls (tests/tracing/otel-api.test-d.ts checks the real API
 * against it), so no public declaration of the package names it.
 *
 * Whether to trace at all is decided per message by {@link tracingActive}: one property read of the API's global
 * registry. Every copy and version 1.x of `@opentelemetry/api` keeps its registered providers on
 * `globalThis[Symbol.for('opentelemetry.js.api.1')]` (that shared slot is how two copies of the API in one process
 * find each other's SDK, so it cannot move within major version 1), and an SDK's tracer provider sits there under
 * `trace` from `trace.setGlobalTracerProvider()` until `trace.disable()`. Without an SDK, or without the API
 * installed at all, the slot is empty and the check is false: nothing is loaded, no span is made, no header written.
 * Only when it turns true is the API module loaded, synchronously and once (a failed load is remembered, and
 * tracing stays off).
 */
import { createRequire } from 'node:module';

/** Span kinds (the API's `SpanKind` values). */
export const SPAN_KIND = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 } as const;
/** `SpanStatusCode.ERROR`. */
export const STATUS_ERROR = 2;

/** An attribute value (the API's `AttributeValue`). */
export type AttributeValue = string | number | boolean | string[] | number[] | boolean[];
/** Span attributes. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** The identity of a span (the API's `SpanContext`). */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
}

/** A link from one span to another (the API's `Link`). */
export interface LinkLike {
  context: SpanContextLike;
  attributes?: Attributes;
}

/** A context (the API's `Context`): immutable, opaque. */
export interface ContextLike {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): ContextLike;
  deleteValue(key: symbol): ContextLike;
}

/** The part of the API's `Span` this package calls. */
export interface SpanLike {
  spanContext(): SpanContextLike;
  setAttribute(key: string, value: AttributeValue): SpanLike;
  setAttributes(attributes: Attributes): SpanLike;
  addEvent(name: string, attributes?: Attributes, startTime?: number): SpanLike;
  setStatus(status: { code: number; message?: string }): SpanLike;
  recordException(exception: Error | string): void;
  end(endTime?: number): void;
  isRecording(): boolean;
}

/** Options of a new span (the API's `SpanOptions`). */
export interface SpanOptionsLike {
  kind?: number;
  attributes?: Attributes;
  links?: LinkLike[];
  startTime?: number;
}

/** A tracer provider (the API's `TracerProvider`). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike;
}

/** A tracer (the API's `Tracer`). */
export interface TracerLike {
  startSpan(name: string, options?: SpanOptionsLike, context?: ContextLike): SpanLike;
}

/** Writes one header of a carrier (the API's `TextMapSetter`). */
export interface SetterLike<C> {
  set(carrier: C, key: string, value: string): void;
}

/** Reads headers of a carrier (the API's `TextMapGetter`). */
export interface GetterLike<C> {
  keys(carrier: C): string[];
  get(carrier: C, key: string): undefined | string | string[];
}

/** The part of `@opentelemetry/api` this package calls. */
export interface OtelApi {
  trace: {
    getTracerProvider(): TracerProviderLike;
    setSpan(context: ContextLike, span: SpanLike): ContextLike;
    getSpan(context: ContextLike): SpanLike | undefined;
  };
  context: {
    active(): ContextLike;
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: ContextLike, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F>;
  };
  propagation: {
    inject<C>(context: ContextLike, carrier: C, setter?: SetterLike<C>): void;
    extract<C>(context: ContextLike, carrier: C, getter?: GetterLike<C>): ContextLike;
  };
}

/** The API's global registry, major version 1 (see the module comment). */
const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as unknown as Record<symbol, { trace?: unknown } | undefined>;

/**
 * True while an OpenTelemetry SDK has registered a tracer provider in this process. The check of every typed
 * operation: a property read, false without the API or without an SDK.
 */
export function tracingActive(): boolean {
  return registry[GLOBAL_KEY]?.trace !== undefined;
}

/** Who reports a failed load of the API (once); the default writes nothing. Set by tests and by the package face. */
let onLoadFailure: (error: unknown) => void = () => undefined;

/** undefined: not tried yet; null: not loadable. */
let loaded: OtelApi | null | undefined;

/** The loader; tests replace it to see a missing API. */
let load = (): OtelApi => createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;

/**
 * The API module when an SDK is registered and the module can be loaded; undefined otherwise (tracing is off). Loads
 * it on the first call that finds an SDK, and never tries again after a failure.
 */
export function otelApi(): OtelApi | undefined {
  if (!tracingActive()) return undefined;
  if (loaded === undefined) {
    try {
      loaded = load();
    } catch (error) {
      loaded = null;
      onLoadFailure(error);
    }
  }
  return loaded ?? undefined;
}

/** For tests: replace the loader (and forget what was loaded), and see failures. Returns a function that restores both. */
export function overrideOtelLoader(loader: () => OtelApi, failures?: (error: unknown) => void): () => void {
  const previous = { load, onLoadFailure, loaded };
  load = loader;
  loaded = undefined;
  if (failures !== undefined) onLoadFailure = failures;
  return () => {
    ({ load, onLoadFailure, loaded } = previous);
  };
}

/** The tracer every span of this package comes from. */
export const TRACER_NAME = '@mlx-serving/distributed';

const tracers = new WeakMap<TracerProviderLike, TracerLike>();

/**
 * The package's tracer, from the tracer provider registered now (tests and benches register one SDK after another,
 * and a tracer stays bound to the provider it came from): one per provider.
 */
export function tracerOf(api: OtelApi): TracerLike {
  const provider = api.trace.getTracerProvider();
  let tracer = tracers.get(provider);
  if (tracer === undefined) {
    tracer = provider.getTracer(TRACER_NAME);
    tracers.set(provider, tracer);
  }
  return tracer;
}
