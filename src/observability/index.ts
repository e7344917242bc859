/**
 * Tracing through the optional `@opentelemetry/api`: the face the cluster layer and the package entry use. Typed
 * channels trace themselves (src/contract/define-channel.ts); everything here is off, and costs one property read
 * per message, until an OpenTelemetry SDK registers a tracer provider.
 */
export { MESSAGING_SYSTEM, TRACEPARENT_HEADER, TRACESTATE_HEADER, channelTracing, setChannelTracing, type ChannelTracing } from './messaging.js';
export { TRACER_NAME } from './otel.js';
export {
  SPAN_KIND,
  failSpan,
  inSpan,
  linkTo,
  startSpan,
  tracingActive,
  type Attributes,
  type LinkLike,
  type SpanLike,
  type StartSpanOptions,
  type TracedSpan,
} from './spans.js';
