/**
 * The runtime behind generated `channels`: one call per AsyncAPI channel turns its address, parameter schemas and
 * message schemas into subject builders/parsers and validated, typed publish/subscribe/request/reply functions.
 * It knows nothing of any particular contract, so code generated from any spec runs on it.
 *
 * This file holds the channel's types and assembles it; its parts live beside it: how every method reads its
 * arguments (channel-arguments.ts), the subjects built once per parameter value (subject-cache.ts), the handler's
 * context (channel-context.ts), the validating serializer (typed-serializer.ts), the payload-subject agreement
 * (parameter-locations.ts), and the spans (src/observability/messaging.ts).
 */
import type { z } from 'zod';
import { ValidationError } from '../base/errors.js';
import { compileSubjectTemplate } from '../base/subjects.js';
import { CONTRACT_VERSION_HEADER, contractVersionNote, toValidationIssues, validatingJsonSerializer } from './typed-serializer.js';
import { channelArguments } from './channel-arguments.js';
import { channelContexts, isPattern } from './channel-context.js';
import { SubjectCache } from './subject-cache.js';
import { compileLocationCheck, type ParameterLocations } from './parameter-locations.js';
import type { Serializer } from '../client/index.js';
import { tracingActive } from '../observability/otel.js';
import { endWith, runIn, startProcess, startSend, withTraceHeaders, type MessagingOperation } from '../observability/messaging.js';
import type { SpanLike } from '../observability/otel.js';
import type { MessageContext, MessageHandler, PublishOptions, ReplyOptions, RequestOptions, SubscribeOptions, Subscription } from '../client/index.js';

/** What a channel needs from a client. `NatsClient` satisfies it. */
export interface ChannelTransport {
  publish<T>(subject: string, data: T, options?: PublishOptions<T>): Promise<void>;
  subscribe<T>(subject: string, handler: MessageHandler<T>, options?: SubscribeOptions<T>): Promise<Subscription>;
  request<Req, Res>(subject: string, data: Req, options?: RequestOptions<Req, Res>): Promise<Res>;
  reply<Req, Res>(
    subject: string,
    handler: (data: Req, context: MessageContext) => Res | Promise<Res>,
    options?: ReplyOptions<Req, Res>,
  ): Promise<Subscription>;
}

/**
 * Parameter schemas of a channel, one per `{name}` in its address. Each yields a string; its own type may be
 * narrower (a union of literals for an enum parameter), and that type is what callers pass and handlers see.
 */
export type ParameterSchemas = Record<string, z.ZodType<string>>;

/** Concrete parameter values of a channel: each one of its schema's type (for an enum, one of its literals). */
export type ParameterValues<PS extends ParameterSchemas> = { readonly [K in keyof PS]: z.output<PS[K]> };

/** Parameter values of a subscription: each a concrete value, or `'*'` for every value of that parameter. */
export type ParameterPatterns<PS extends ParameterSchemas> = { readonly [K in keyof PS]: z.output<PS[K]> | '*' };

/** Parameters (`P`) first for channels that have them; nothing for channels that have none. */
type WithParams<PS extends ParameterSchemas, P, Rest extends unknown[]> = [keyof PS] extends [never] ? Rest : [params: P, ...Rest];

/**
 * What a typed handler learns besides the payload: the subject, its parsed parameters, and the contract version the
 * sender was generated from (its `Contract-Version` header; undefined for a sender that does not say, e.g. a plain
 * NATS client).
 */
export interface ChannelMessageContext<PS extends ParameterSchemas> extends MessageContext {
  params: ParameterValues<PS>;
  contractVersion: string | undefined;
}

/** A typed subscription handler. */
export type ChannelHandler<T, PS extends ParameterSchemas> = (payload: T, context: ChannelMessageContext<PS>) => void | Promise<void>;

/** A typed reply handler: its return value (validated) is the reply. */
export type ChannelReplyHandler<T, R, PS extends ParameterSchemas> = (payload: T, context: ChannelMessageContext<PS>) => R | Promise<R>;

/** Declaration of a channel, as generated code writes it. */
export interface ChannelSpec<PS extends ParameterSchemas, T, R> {
  /** Channel id in the contract, e.g. `workerInference`. */
  id: string;
  /** Address template, e.g. `worker.{workerId}.inference`. */
  address: string;
  description?: string;
  parameters: PS;
  /**
   * `schema` is the writer (strict: what this side sends); `readerSchema`, when generated, the tolerant reader
   * inbound messages are decoded with (unknown properties stripped, everything else as strict).
   */
  message: { name: string; schema: z.ZodType<T>; readerSchema?: z.ZodType<T> };
  reply?: { name: string; schema: z.ZodType<R>; readerSchema?: z.ZodType<R> };
  /**
   * Parameters the payload carries too (AsyncAPI `location: $message.payload#/field`), as JSON pointers into the
   * payload. A payload whose field holds another value than its subject's parameter is refused before it is sent and
   * dropped before the handler when it arrives; an absent field contradicts nothing.
   */
  locations?: ParameterLocations;
  /**
   * `info.version` of the contract the channel was generated from. Sent as the `Contract-Version` header with every
   * publish, request and reply, and named in inbound validation errors next to the sender's.
   */
  contractVersion?: string;
}

/** A channel without a declared reply: publish and subscribe. */
export interface Channel<PS extends ParameterSchemas, T> {
  readonly id: string;
  /** The address template from the contract. */
  readonly address: string;
  readonly description: string | undefined;
  readonly messageName: string;
  /** The payload schema (Zod), strict: what this side sends. */
  readonly schema: z.ZodType<T>;
  /** The contract version this channel was generated from (`Contract-Version` on everything it sends), if known. */
  readonly contractVersion: string | undefined;
  /** The tolerant reader schema inbound messages are decoded with (unknown properties stripped); `schema` when none was generated. */
  readonly readerSchema: z.ZodType<T>;
  /** Parameters the payload carries too, as JSON pointers into it (empty when none): checked on publish, request and receipt. */
  readonly locations: ParameterLocations;
  /** The validating serializer used on the wire, for callers of the generic client API. */
  readonly serializer: Serializer<T>;
  /** Builds the concrete subject. Throws `SubjectError` for a value that is not one safe token or breaks its schema. */
  subject(...params: WithParams<PS, ParameterValues<PS>, []>): string;
  /** Anchored, exact: the parameters of a subject on this channel, or undefined. */
  parse(subject: string): ParameterValues<PS> | undefined;
  /**
   * Validates, then publishes. Rejects with `ValidationError` (nothing sent; also for a payload that contradicts the
   * subject where {@link locations} tie them) or `SubjectError`.
   */
  publish(client: ChannelTransport, ...args: WithParams<PS, ParameterValues<PS>, [payload: T, options?: Omit<PublishOptions<T>, 'serializer'>]>): Promise<void>;
  /**
   * Subscribes. A parameter value of `'*'` subscribes to every value of it; the handler gets the parsed parameters.
   * Invalid messages never reach the handler (nor messages whose payload contradicts their subject, see
   * {@link locations}): they are counted on the subscription and emitted as client `error`s.
   */
  subscribe(
    client: ChannelTransport,
    ...args: WithParams<PS, ParameterPatterns<PS>, [handler: ChannelHandler<T, PS>, options?: Omit<SubscribeOptions<T>, 'serializer'>]>
  ): Promise<Subscription>;
}

/** A channel whose operation declares a reply: adds request and reply. */
export interface RequestReplyChannel<PS extends ParameterSchemas, T, R> extends Channel<PS, T> {
  readonly replyName: string;
  readonly replySchema: z.ZodType<R>;
  /** Sends a validated request and resolves with the validated reply. */
  request(
    client: ChannelTransport,
    ...args: WithParams<PS, ParameterValues<PS>, [payload: T, options?: { timeout?: number; headers?: Record<string, string> }]>
  ): Promise<R>;
  /** Answers requests; the handler's return value is validated before it is sent. `'*'` parameters serve every value. */
  reply(
    client: ChannelTransport,
    ...args: WithParams<PS, ParameterPatterns<PS>, [handler: ChannelReplyHandler<T, R, PS>, options?: { queue?: string }]>
  ): Promise<Subscription>;
}

/** Declares a channel with a reply. */
export function defineChannel<PS extends ParameterSchemas, T, R>(
  spec: ChannelSpec<PS, T, R> & { reply: { name: string; schema: z.ZodType<R>; readerSchema?: z.ZodType<R> } },
): RequestReplyChannel<PS, T, R>;
/** Declares a channel without a reply. */
export function defineChannel<PS extends ParameterSchemas, T>(spec: ChannelSpec<PS, T, never> & { reply?: undefined }): Channel<PS, T>;
export function defineChannel<PS extends ParameterSchemas, T, R>(spec: ChannelSpec<PS, T, R>): Channel<PS, T> | RequestReplyChannel<PS, T, R> {
  type Params = ParameterValues<PS>;
  const paramSchemas = spec.parameters as Record<string, z.ZodType<string>>;
  const template = compileSubjectTemplate<string>(spec.address, (param, value) => {
    const schema = paramSchemas[param];
    if (schema === undefined) return `the contract declares no schema for it`;
    const result = schema.safeParse(value);
    return result.success
      ? undefined
      : toValidationIssues(result.error)
          .map((i) => i.message)
          .join('; ');
  });
  const args = channelArguments<Params>(template.parameters.length > 0);
  // Hot path: a subject is built and checked once per parameter value, not per message.
  const subjects = new SubjectCache(template);
  const locations = Object.freeze({ ...spec.locations });
  const contradictions = compileLocationCheck(spec.address, template.parameters, locations);
  const contractVersion = spec.contractVersion;
  const serializer = validatingJsonSerializer(spec.message.name, spec.message.schema, { readerSchema: spec.message.readerSchema, contractVersion });
  // Metrics count per channel id: bounded, unlike the concrete subjects of parameterised channels.
  const metricsLabel = spec.id;
  /** The headers every message this channel sends carries (the caller's own, plus the contract version). */
  const versionHeaders: Readonly<Record<string, string>> | undefined =
    contractVersion === undefined ? undefined : Object.freeze({ [CONTRACT_VERSION_HEADER]: contractVersion });
  const withVersion = (headers: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined =>
    headers === undefined ? versionHeaders : versionHeaders === undefined ? headers : { ...headers, ...versionHeaders };
  const publishOptions: PublishOptions<T> = versionHeaders === undefined ? { serializer, metricsLabel } : { serializer, metricsLabel, headers: versionHeaders };

  /** Refuses a payload that contradicts the parameters of the subject it is about to be sent on; nothing is sent. */
  const contradiction = (subject: string, params: Params, payload: unknown): ValidationError | undefined => {
    const issues = contradictions?.(payload, params);
    return issues === undefined ? undefined : new ValidationError('outbound', subject, issues, spec.message.name);
  };

  /**
   * The serializer of a subscription. A wildcard subscription also checks the parameters of each message's subject
   * before decoding it, and a channel with {@link ChannelSpec.locations} checks the decoded payload against them:
   * either failure is handled like an invalid payload (counted as rejected, reported with the subject, answered with
   * an error reply for a request), and the handler never runs.
   */
  const inboundSerializer = <V>(params: Params, base: Serializer<V>, schemaName: string): Serializer<V> => {
    const wildcard = isPattern(template, params);
    if (!wildcard && contradictions === undefined) return base;
    return {
      name: base.name,
      encode: (value, subject) => base.encode(value, subject),
      decode(bytes, subject, info) {
        const actual = wildcard ? template.parse(subject) : (params as Record<string, string>);
        if (actual === undefined) {
          const issues = template
            .explain(subject)
            .map(({ parameter, problem }) => ({ path: parameter === undefined ? '(subject)' : `{${parameter}}`, message: problem }));
          throw new ValidationError('inbound', subject, issues, `${schemaName} (${spec.address})`, 'subject parameters');
        }
        const value = base.decode(bytes, subject, info);
        // After validation: the handler's payload, as decoded, is what must agree with the subject.
        const issues = contradictions?.(value, actual);
        if (issues !== undefined) {
          throw new ValidationError(
            'inbound',
            subject,
            issues,
            schemaName,
            'payload',
            contractVersionNote(info?.header(CONTRACT_VERSION_HEADER), contractVersion),
          );
        }
        return value;
      },
    };
  };

  /** The operation on `subject`, as a span describes it. */
  const operation = (subject: string): MessagingOperation => ({ channelId: spec.id, template: spec.address, subject });

  /** A publish with an SDK registered: a `send` span (unless the channel's tracing mode says otherwise), its context in the headers. */
  const tracedPublish = (client: ChannelTransport, subject: string, payload: T, options: Omit<PublishOptions<T>, 'serializer'> | undefined): Promise<void> => {
    const headers = options === undefined ? versionHeaders : withVersion(options.headers);
    const trace = startSend(operation(subject), false, headers);
    const sent = client.publish(subject, payload, {
      ...options,
      serializer: trace?.span === undefined ? serializer : measured(serializer, trace.span),
      metricsLabel,
      headers: trace === undefined ? headers : trace.headers,
    });
    return trace?.span === undefined ? sent : endWith(trace.span, sent);
  };

  const channel: Channel<PS, T> = {
    id: spec.id,
    address: spec.address,
    description: spec.description,
    messageName: spec.message.name,
    schema: spec.message.schema,
    contractVersion,
    readerSchema: spec.message.readerSchema ?? spec.message.schema,
    locations,
    serializer,
    subject: (first?: unknown) => template.build(args.params(first)),
    parse: (subject) => template.parse(subject) as Params | undefined,
    // Not async: an async wrapper would cost every awaited publish two more promise turns.
    publish(client, first: unknown, second?: unknown, third?: unknown) {
      try {
        const params = args.params(first);
        const subject = subjects.subject(params);
        const payload = args.value(first, second) as T;
        const refused = contradictions === undefined ? undefined : contradiction(subject, params, payload);
        if (refused !== undefined) return Promise.reject(refused);
        const options = args.options(second, third) as Omit<PublishOptions<T>, 'serializer'> | undefined;
        if (tracingActive()) return tracedPublish(client, subject, payload, options);
        return client.publish(
          subject,
          payload,
          options === undefined ? publishOptions : { ...options, serializer, metricsLabel, headers: withVersion(options.headers) },
        );
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    async subscribe(client, first: unknown, second?: unknown, third?: unknown) {
      const params = args.params(first);
      const subject = template.buildPattern(params);
      const handler = args.value(first, second) as ChannelHandler<T, PS>;
      const options = args.options(second, third) as Omit<SubscribeOptions<T>, 'serializer'> | undefined;
      const contextFor = channelContexts<PS>(template, params);
      const checked = inboundSerializer(params, serializer, spec.message.name);
      const queue = options?.queue;
      return client.subscribe<T>(
        subject,
        (payload, context) => {
          // With an SDK registered: a `process` span around the handler, child of the sender's context.
          const trace = tracingActive() ? startProcess(operation(context.subject), false, context.headers, context.size, queue) : undefined;
          return trace === undefined ? handler(payload, contextFor(context)) : runIn(trace, () => handler(payload, contextFor(context)));
        },
        { ...options, serializer: checked, metricsLabel },
      );
    },
  };
  if (spec.reply === undefined) return channel;

  const replyName = spec.reply.name;
  const replySchema = spec.reply.schema;
  const replySerializer = validatingJsonSerializer(replyName, replySchema, { readerSchema: spec.reply.readerSchema, contractVersion });
  const requestOptions: RequestOptions<T, R> = { headers: versionHeaders, requestSerializer: serializer, responseSerializer: replySerializer, metricsLabel };
  /** Lists a reply subscription as this channel's endpoint when its client runs a NATS service. */
  const endpoint = {
    name: spec.id,
    metadata: Object.freeze({
      address: spec.address,
      request: spec.message.name,
      response: replyName,
      ...(contractVersion === undefined ? {} : { contract_version: contractVersion }),
    }),
  };
  /** Headers of the reply to a request whose handler ran in a span: the span's context (see `reply`). */
  const traceReplyHeaders = new WeakMap<MessageContext, Readonly<Record<string, string>>>();
  const replyHeadersFor = (context: MessageContext): Readonly<Record<string, string>> | undefined => traceReplyHeaders.get(context) ?? versionHeaders;

  /** A request with an SDK registered: a `send` span that lasts until the reply, its context in the headers. */
  const tracedRequest = (
    client: ChannelTransport,
    subject: string,
    payload: T,
    options: { timeout?: number; headers?: Record<string, string> } | undefined,
  ): Promise<R> => {
    const headers = options === undefined ? versionHeaders : withVersion(options.headers);
    const trace = startSend(operation(subject), true, headers);
    const sent = client.request<T, R>(subject, payload, {
      timeout: options?.timeout,
      headers: trace === undefined ? headers : trace.headers,
      requestSerializer: trace?.span === undefined ? serializer : measured(serializer, trace.span),
      responseSerializer: replySerializer,
      metricsLabel,
    });
    return trace?.span === undefined ? sent : endWith(trace.span, sent);
  };
  const withReply: RequestReplyChannel<PS, T, R> = {
    ...channel,
    replyName,
    replySchema,
    request(client, first: unknown, second?: unknown, third?: unknown) {
      try {
        const params = args.params(first);
        const subject = subjects.subject(params);
        const payload = args.value(first, second) as T;
        const refused = contradictions === undefined ? undefined : contradiction(subject, params, payload);
        if (refused !== undefined) return Promise.reject(refused);
        const options = args.options(second, third) as { timeout?: number; headers?: Record<string, string> } | undefined;
        if (tracingActive()) return tracedRequest(client, subject, payload, options);
        return client.request<T, R>(
          subject,
          payload,
          options === undefined
            ? requestOptions
            : {
                timeout: options.timeout,
                headers: withVersion(options.headers),
                requestSerializer: serializer,
                responseSerializer: replySerializer,
                metricsLabel,
              },
        );
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    async reply(client, first: unknown, second?: unknown, third?: unknown) {
      const params = args.params(first);
      const subject = template.buildPattern(params);
      const handler = args.value(first, second) as ChannelReplyHandler<T, R, PS>;
      const options = args.options(second, third) as { queue?: string } | undefined;
      const contextFor = channelContexts<PS>(template, params);
      const queue = options?.queue;
      return client.reply<T, R>(
        subject,
        (payload, context) => {
          // With an SDK registered: a `process` span around the handler, child of the requester's; the reply carries its context.
          const trace = tracingActive() ? startProcess(operation(context.subject), true, context.headers, context.size, queue) : undefined;
          if (trace === undefined) return handler(payload, contextFor(context));
          traceReplyHeaders.set(context, withTraceHeaders(trace.api, trace.context, versionHeaders));
          return runIn(trace, () => handler(payload, contextFor(context)));
        },
        {
          ...options,
          requestSerializer: inboundSerializer(params, serializer, spec.message.name),
          responseSerializer: replySerializer,
          metricsLabel,
          replyHeaders: replyHeadersFor,
          endpoint,
        },
      );
    },
  };
  return withReply;
}

/** `base`, recording the size of each payload it encodes on `span` (`messaging.message.body.size`); `base` when the span records nothing. */
function measured<T>(base: Serializer<T>, span: SpanLike): Serializer<T> {
  if (!span.isRecording()) return base;
  return {
    name: base.name,
    encode(value, subject) {
      const bytes = base.encode(value, subject);
      span.setAttribute('messaging.message.body.size', bytes.byteLength);
      return bytes;
    },
    decode: (bytes, subject, info) => base.decode(bytes, subject, info),
  };
}
