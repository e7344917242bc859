/**
 * Spans and trace context of typed channel operations, after OpenTelemetry's messaging conventions: a `send` span
 * for a publish or a request (its context travels in the message's `traceparent`/`tracestate` headers), a
 * `process` span around a handler (its parent read from those headers; the handler runs in its context). Names use
 * the channel's address template, `send worker.{workerId}.inference`, so they stay few; the concrete subject is an
 * attribute. Callers check {@link tracingActive} first: with no SDK registered none of this runs.
 *
 * Generic: it knows channels (id, address template, subject), header records and OpenTelemetry, not NATS.
 */
import {
  SPAN_KIND,
  STATUS_ERROR,
  otelApi,
  tracerOf,
  type Attributes,
  type ContextLike,
  type GetterLike,
  type OtelApi,
  type SetterLike,
  type SpanLike,
} from './otel.js';

/** `messaging.system`. `nats` is not (yet) a value OpenTelemetry's registry lists; it is the one other NATS instrumentations use. */
export const MESSAGING_SYSTEM = 'nats';

/** The W3C `traceparent` header, as written (lower case, as the W3C specifies it); read in any case. */
export const TRACEPARENT_HEADER = 'traceparent';
/** The W3C `tracestate` header, as written (lower case); read in any case. */
export const TRACESTATE_HEADER = 'tracestate';

/**
 * What a channel's messages get:
 * - `spans` (default): a `send` span per publish or request and a `process` span per handled message, the context
 *   in the headers;
 * - `context`: the sender's current context in the headers, no span of their own (a stream of tokens sent inside
 *   one generation span: one span per token would bury the request's trace);
 * - `off`: nothing (messages that belong to no request, such as heartbeats).
 */
export type ChannelTracing = 'spans' | 'context' | 'off';

const modes = new Map<string, ChannelTracing>();

/** Sets what the messages of the channel with id `channelId` get (see {@link ChannelTracing}); applies to every client. */
export function setChannelTracing(channelId: string, mode: ChannelTracing): void {
  if (mode === 'spans') modes.delete(channelId);
  else modes.set(channelId, mode);
}

/** What the channel with id `channelId` gets. */
export function channelTracing(channelId: string): ChannelTracing {
  return modes.get(channelId) ?? 'spans';
}

/** A typed operation, as its span describes it. */
export interface MessagingOperation {
  /** Channel id (`workerInference`). */
  channelId: string;
  /** Address template (`worker.{workerId}.inference`). */
  template: string;
  /** The concrete subject. */
  subject: string;
}

/** A header record the propagator writes into. */
type HeaderRecord = Record<string, string>;

const recordSetter: SetterLike<HeaderRecord> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** Reads a handler context's decoded headers by name in any case, as clients in other languages may write them. */
export const headerMapGetter: GetterLike<ReadonlyMap<string, readonly string[]> | undefined> = {
  keys: (carrier) => (carrier === undefined ? [] : [...carrier.keys()]),
  get(carrier, key) {
    if (carrier === undefined) return undefined;
    const exact = carrier.get(key);
    if (exact !== undefined) return exact[0];
    const lower = key.toLowerCase();
    for (const [name, values] of carrier) if (name.toLowerCase() === lower) return values[0];
    return undefined;
  },
};

/** `base` plus the trace context of `context` (the record is new; `base` is not changed). */
export function withTraceHeaders(api: OtelApi, context: ContextLike, base: Readonly<HeaderRecord> | undefined): HeaderRecord {
  const headers: HeaderRecord = base === undefined ? {} : { ...base };
  api.propagation.inject(context, headers, recordSetter);
  return headers;
}

/** Marks `span` failed by `error`: status, exception event, and `error.type` (the package's error code, else the class name). */
export function failSpan(span: SpanLike, error: unknown): void {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
  const type = code ?? (error instanceof Error ? error.name : 'Error');
  span.setAttribute('error.type', type);
  span.setStatus({ code: STATUS_ERROR, message: error instanceof Error ? error.message : String(error) });
  span.recordException(error instanceof Error ? error : String(error));
}

/** Ends `span` when `result` settles (failed if it rejects); returns `result` unchanged. */
export function endWith<T>(span: SpanLike, result: Promise<T>): Promise<T> {
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failSpan(span, error);
      span.end();
      throw error;
    },
  );
}

function attributes(op: MessagingOperation, operationType: 'send' | 'process', operationName: string): Attributes {
  return {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.destination.name': op.subject,
    'messaging.destination.template': op.template,
    'messaging.operation.type': operationType,
    'messaging.operation.name': operationName,
  };
}

/** An outgoing message's trace: the headers to send, and the span to end (undefined in `context` mode). */
export interface OutgoingTrace {
  headers: HeaderRecord;
  span: SpanLike | undefined;
}

/**
 * Starts the trace of a publish (`request: false`) or a request: in `spans` mode a `send` span (producer, or
 * client for a request, which waits for its reply) child of the current context, whose context the headers carry;
 * in `context` mode the current context only. Undefined when the channel's mode is `off` or no API is loaded.
 */
export function startSend(op: MessagingOperation, request: boolean, base: Readonly<HeaderRecord> | undefined): OutgoingTrace | undefined {
  const mode = channelTracing(op.channelId);
  if (mode === 'off') return undefined;
  const api = otelApi();
  if (api === undefined) return undefined;
  const current = api.context.active();
  if (mode === 'context') return { headers: withTraceHeaders(api, current, base), span: undefined };
  const span = tracerOf(api).startSpan(
    `send ${op.template}`,
    { kind: request ? SPAN_KIND.client : SPAN_KIND.producer, attributes: attributes(op, 'send', request ? 'request' : 'publish') },
    current,
  );
  return { headers: withTraceHeaders(api, api.trace.setSpan(current, span), base), span };
}

/** A handled message's trace: run the handler with {@link runIn}, then end it with its outcome. */
export interface IncomingTrace {
  readonly api: OtelApi;
  readonly span: SpanLike;
  /** The span's context, for the handler and for the headers of a reply. */
  readonly context: ContextLike;
}

/**
 * Starts the `process` span of a received message (consumer, or server for a request it answers), child of the
 * context its headers carry (a new trace when they carry none). Undefined unless the channel's mode is `spans` and
 * an API is loaded.
 */
export function startProcess(
  op: MessagingOperation,
  reply: boolean,
  headers: ReadonlyMap<string, readonly string[]> | undefined,
  bodySize: number | undefined,
  consumerGroup?: string,
): IncomingTrace | undefined {
  if (channelTracing(op.channelId) !== 'spans') return undefined;
  const api = otelApi();
  if (api === undefined) return undefined;
  const parent = api.propagation.extract(api.context.active(), headers, headerMapGetter);
  const attrs = attributes(op, 'process', reply ? 'reply' : 'process');
  if (bodySize !== undefined) attrs['messaging.message.body.size'] = bodySize;
  if (consumerGroup !== undefined) attrs['messaging.consumer.group.name'] = consumerGroup;
  const span = tracerOf(api).startSpan(`process ${op.template}`, { kind: reply ? SPAN_KIND.server : SPAN_KIND.consumer, attributes: attrs }, parent);
  return { api, span, context: api.trace.setSpan(parent, span) };
}

/**
 * Runs `fn` in the context of `trace`'s span and ends the span when it is done (a returned promise when it
 * settles): failed when it throws or rejects.
 */
export function runIn<R>(trace: IncomingTrace, fn: () => R): R {
  let result: R;
  try {
    result = trace.api.context.with(trace.context, fn);
  } catch (error) {
    failSpan(trace.span, error);
    trace.span.end();
    throw error;
  }
  if (result instanceof Promise) return endWith(trace.span, result) as R;
  trace.span.end();
  return result;
}
