/**
 * Spans of the package's own work (a request's routing, attempts, a generation), for layers above the runtime.
 * Each helper does nothing and returns undefined when no OpenTelemetry SDK is registered ({@link tracingActive}).
 */
import { SPAN_KIND, otelApi, tracerOf, tracingActive, type Attributes, type ContextLike, type LinkLike, type OtelApi, type SpanLike } from './otel.js';

export { SPAN_KIND, tracingActive, type Attributes, type LinkLike, type SpanLike };
export { failSpan } from './messaging.js';

/** A started span and the context it is current in. */
export interface TracedSpan {
  readonly api: OtelApi;
  readonly span: SpanLike;
  /** The parent's context with this span current: run work in it with {@link inSpan}. */
  readonly context: ContextLike;
}

/** Options of {@link startSpan}. */
export interface StartSpanOptions {
  kind?: number;
  attributes?: Attributes;
  links?: LinkLike[];
  /** The parent: a span started here (default: the current context). */
  parent?: TracedSpan;
}

/** Starts a span (child of `options.parent`, else of the current context); undefined when tracing is off. */
export function startSpan(name: string, options: StartSpanOptions = {}): TracedSpan | undefined {
  const api = otelApi();
  if (api === undefined) return undefined;
  const parent = options.parent?.context ?? api.context.active();
  const span = tracerOf(api).startSpan(name, { kind: options.kind ?? SPAN_KIND.internal, attributes: options.attributes, links: options.links }, parent);
  return { api, span, context: api.trace.setSpan(parent, span) };
}

/** Runs `fn` with `traced`'s span current (a returned promise keeps it for its continuations). */
export function inSpan<R>(traced: TracedSpan, fn: () => R): R {
  return traced.api.context.with(traced.context, fn);
}

/** A link to `traced`'s span, for a span that follows from it (a request moved on from one worker to the next). */
export function linkTo(traced: TracedSpan, attributes?: Attributes): LinkLike {
  return attributes === undefined ? { context: traced.span.spanContext() } : { context: traced.span.spanContext(), attributes };
}
