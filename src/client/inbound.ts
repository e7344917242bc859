/**
 * The inbound half of NatsClient: decoding (and decompressing) messages, calling subscription and reply handlers,
 * containing their failures, answering requests with results or error replies (sent by the client's one writer,
 * outbound.ts), and tracking handlers that are still running so `disconnect()` can let them finish.
 */
import { Match, type Msg } from '@nats-io/nats-core';
import { DistributedError, HandlerError, NatsSlowConsumerError, describe, describeForeign } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { operationError } from './errors.js';
import { ManagedSubscription, inboundError, messageContext, remoteErrorOf } from './messages.js';
import { decompressPayload, isCompressedMessage } from './compression.js';
import type { Outbound } from './outbound.js';
import type { DecodeInfo, Serializer } from './serializers.js';
import type { MessageContext, MessageHandler, ReplyHandler, ReplyOptions } from './types.js';

/** Most distinct (channel, unknown property) pairs logged; past it, they are only counted. */
const MAX_LOGGED_UNKNOWN = 1000;

/** Marker for "no value": a decoded payload may legitimately be undefined. */
const NOTHING: unique symbol = Symbol('nothing');

/** A nats.js subscription callback. */
export type SubscriptionCallback = (err: Error | null, msg: Msg) => void;

/** How the inbound side answers requests: through the client's one writer. */
export type Replier = Pick<Outbound, 'respond' | 'respondError'>;

/** What the inbound side needs from its client. */
export interface InboundHost {
  /** Logs, remembers and emits an error nobody awaits. */
  report(error: DistributedError): void;
  /** Sends replies and error replies. */
  readonly replies: Replier;
  logger(): Logger;
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Message dispatch for one NatsClient. */
export class Inbound {
  private running = 0;
  /** The message of the last message {@link decode} rejected (read right after, for a service endpoint's last error). */
  private lastRejection = '';
  private idleWaiters: (() => void)[] = [];
  /** `label\npath` of the unknown properties already logged. */
  private readonly loggedUnknown = new Set<string>();
  /** {@link logUnknownOnce}, bound once for every message's DecodeInfo. */
  private readonly logUnknown = (label: string, path: string, subject: string): void => {
    this.logUnknownOnce(label, path, subject);
  };

  constructor(private readonly host: InboundHost) {}

  /** The nats.js callback of a subscription: decode, count, call the handler, contain its failure. */
  subscriber<T>(sub: ManagedSubscription, handler: MessageHandler<T>, serializer: Serializer<T>): SubscriptionCallback {
    return (err, msg) => {
      if (err !== null) {
        this.host.report(operationError(err, 'receive', sub.subject));
        return;
      }
      if (sub.inFlight >= sub.maxInFlight) {
        this.drop(sub, msg, false);
        return;
      }
      const data = this.decode(sub, msg, serializer, false);
      if (data === NOTHING) return;
      try {
        const result = handler(data, messageContext(msg));
        if (isPromiseLike(result)) this.track(result, msg.subject, sub);
      } catch (error) {
        this.host.report(new HandlerError(msg.subject, error));
      }
    };
  }

  /**
   * The nats.js callback of a reply subscription: decode, call the handler, answer with its result or an error reply.
   * `replyHeaders` as in `ReplyOptions`. A subscription that is a service endpoint (`sub.endpoint`) counts each
   * request when it is answered: the time since it arrived, and whether the answer was an error.
   */
  responder<Req, Res>(
    sub: ManagedSubscription,
    handler: ReplyHandler<Req, Res>,
    requestSerializer: Serializer<Req>,
    responseSerializer: Serializer<Res>,
    replyHeaders?: ReplyOptions<Req, Res>['replyHeaders'],
  ): SubscriptionCallback {
    const headersFor: (context: MessageContext) => Readonly<Record<string, string>> | undefined =
      typeof replyHeaders === 'function' ? replyHeaders : () => replyHeaders;
    return (err, msg) => {
      if (err !== null) {
        this.host.report(operationError(err, 'receive', sub.subject));
        return;
      }
      const endpoint = sub.endpoint;
      const start = endpoint === undefined ? 0 : performance.now();
      if (sub.inFlight >= sub.maxInFlight) {
        const error = this.drop(sub, msg, true);
        endpoint?.answered(start, error);
        return;
      }
      const data = this.decode(sub, msg, requestSerializer, true);
      if (data === NOTHING) {
        endpoint?.answered(start, this.lastRejection);
        return;
      }
      const context = messageContext(msg);
      let result: Res | Promise<Res>;
      try {
        result = handler(data, context);
      } catch (error) {
        const failure = this.failReply(msg, error);
        endpoint?.answered(start, failure);
        return;
      }
      if (!isPromiseLike(result)) {
        const failure = this.sendReply(msg, result, responseSerializer, headersFor(context));
        endpoint?.answered(start, failure);
        return;
      }
      this.running += 1;
      sub.inFlight += 1;
      Promise.resolve(result)
        .then(
          (value) => {
            const failure = this.sendReply(msg, value, responseSerializer, headersFor(context));
            endpoint?.answered(start, failure);
          },
          (error: unknown) => {
            const failure = this.failReply(msg, error);
            endpoint?.answered(start, failure);
          },
        )
        .finally(() => {
          this.done(sub);
        })
        .catch((error: unknown) => {
          this.host.logger().error({ subject: msg.subject, error: describe(error) }, 'Answering a request failed');
        });
    };
  }

  /** Resolves once no asynchronous handler is running. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Decodes a reply to a request on `subject`: a remote error becomes `NatsRemoteError`, compression is undone. */
  decodeResponse<Res>(msg: Msg, subject: string, serializer: Serializer<Res>): Res {
    const remote = remoteErrorOf(msg, subject);
    if (remote !== undefined) throw remote;
    try {
      const bytes = isCompressedMessage(msg) ? decompressPayload(msg.data, subject) : msg.data;
      return serializer.decode(bytes, subject, this.decodeInfo(msg, undefined));
    } catch (error) {
      throw inboundError(error, subject, msg.data.byteLength);
    }
  }

  /** Decompresses and decodes; on failure counts, reports (and answers a request with an error), returns NOTHING. */
  private decode<T>(sub: ManagedSubscription, msg: Msg, serializer: Serializer<T>, isRequest: boolean): T | typeof NOTHING {
    const bytes = msg.data;
    try {
      const data = serializer.decode(isCompressedMessage(msg) ? decompressPayload(bytes, msg.subject) : bytes, msg.subject, this.decodeInfo(msg, sub));
      sub.received += 1;
      const counts = sub.counts;
      if (counts !== undefined) counts.received += 1;
      return data;
    } catch (error) {
      sub.rejected += 1;
      const counts = sub.counts;
      if (counts !== undefined) counts.rejected += 1;
      const failure = inboundError(error, msg.subject, bytes.byteLength);
      this.lastRejection = failure.message;
      this.host.report(failure);
      if (isRequest) this.respondError(msg, failure.code, failure.message);
      return NOTHING;
    }
  }

  /** Headers of `msg`, and where stripped unknown properties are counted (the subscription's metrics) and logged. */
  private decodeInfo(msg: Msg, sub: ManagedSubscription | undefined): DecodeInfo {
    return new MessageDecodeInfo(msg, sub, this.logUnknown);
  }

  /** One debug line per channel and unknown property, for the life of the client (bounded). */
  private logUnknownOnce(label: string, path: string, subject: string): void {
    const key = `${label}\n${path}`;
    if (this.loggedUnknown.has(key) || this.loggedUnknown.size >= MAX_LOGGED_UNKNOWN) return;
    this.loggedUnknown.add(key);
    this.host
      .logger()
      .debug(
        { channel: label, subject, property: path },
        'Stripped a property this contract does not know (a peer on a newer contract?); logged once per channel and property',
      );
  }

  /** Sends the reply; returns undefined, or the message of the error reply sent instead when it could not be encoded. */
  private sendReply<Res>(msg: Msg, value: Res, serializer: Serializer<Res>, replyHeaders: Readonly<Record<string, string>> | undefined): string | undefined {
    const subject = msg.subject;
    try {
      if (!this.host.replies.respond(msg, value, serializer, replyHeaders)) {
        this.host.logger().debug({ subject }, 'A reply handler ran for a message without a reply subject; nothing to answer');
      }
      return undefined;
    } catch (error) {
      const failure = error instanceof DistributedError ? error : operationError(error, 'reply', subject);
      this.host.report(failure);
      this.respondError(msg, failure.code, failure.message);
      return failure.message;
    }
  }

  /** Answers with the handler's error; returns the error reply's message. */
  private failReply(msg: Msg, error: unknown): string {
    this.host.report(new HandlerError(msg.subject, error));
    const code = error instanceof DistributedError ? error.code : 'HANDLER_ERROR';
    const message = describeForeign(error);
    this.respondError(msg, code, message);
    return message;
  }

  private respondError(msg: Msg, code: string, message: string): void {
    try {
      this.host.replies.respondError(msg, code, message);
    } catch (error) {
      this.host.logger().warn({ subject: msg.subject, error: describe(error) }, 'Could not send an error reply');
    }
  }

  private track(result: PromiseLike<unknown>, subject: string, sub: ManagedSubscription): void {
    this.running += 1;
    sub.inFlight += 1;
    void result.then(
      () => {
        this.done(sub);
      },
      (error: unknown) => {
        this.done(sub);
        this.host.report(new HandlerError(subject, error));
      },
    );
  }

  /**
   * A message that arrived while `maxInFlight` handlers run: counted, a request answered with an error, reported once
   * per episode. Returns the error reply's message.
   */
  private drop(sub: ManagedSubscription, msg: Msg, isRequest: boolean): string {
    sub.dropped += 1;
    const counts = sub.counts;
    if (counts !== undefined) counts.dropped += 1;
    const busy = `The responder on "${msg.subject}" is busy (${sub.maxInFlight} requests in progress); retry later.`;
    if (isRequest) this.respondError(msg, 'NATS_SLOW_CONSUMER', busy);
    if (!sub.dropping) {
      sub.dropping = true;
      this.host.report(new NatsSlowConsumerError(msg.subject, sub.subject, sub.maxInFlight));
    }
    return busy;
  }

  private done(sub: ManagedSubscription): void {
    sub.inFlight -= 1;
    // Hysteresis: the episode ends once half the slots are free, so a sustained overload is one report, not one per message.
    if (sub.dropping && sub.inFlight <= sub.maxInFlight / 2) {
      sub.dropping = false;
      this.host.logger().warn({ subscription: sub.subject, dropped: sub.dropped }, 'A slow subscription caught up; it dropped messages while behind');
    }
    this.running -= 1;
    if (this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * The DecodeInfo of one received message. Created for every message but read only when a message fails or carries
 * unknown properties: a class keeps that to one small object, without two closures per message.
 */
class MessageDecodeInfo implements DecodeInfo {
  constructor(
    private readonly msg: Msg,
    private readonly sub: ManagedSubscription | undefined,
    private readonly logOnce: (label: string, path: string, subject: string) => void,
  ) {}

  header(name: string): string | undefined {
    const h = this.msg.headers;
    if (h === undefined) return undefined;
    const value = h.get(name, Match.IgnoreCase);
    return value === '' ? undefined : value;
  }

  unknownFields(paths: readonly string[]): void {
    const counts = this.sub?.counts;
    if (counts !== undefined) counts.unknownFields += paths.length;
    const label = this.sub?.label ?? this.msg.subject;
    for (const path of paths) this.logOnce(label, path, this.msg.subject);
  }
}
