/**
 * NatsClient: the package's connection to NATS on nats.js v3 (@nats-io/transport-node). It starts its own nats-server or joins existing ones,
 * reconnects with backoff, keeps one small state machine with typed events, and offers typed publish/subscribe and
 * request/reply with bounded outbound buffering, optional compression, and errors that never carry credentials.
 *
 * This file is the public API and nothing else. The connection, its lifecycle and the one guard every method passes
 * live in connection.ts; writing (publish, requests' and replies' writes, when to flush) in outbound.ts; message
 * dispatch in inbound.ts; requests in flight in requests.ts.
 */
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { DistributedError, describe } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { requireServerFeature, serverSupports, type ServerFeature } from '../base/server-version.js';
import { assertQueueGroup, assertSubscribeSubject } from '../base/subjects.js';
import { ClientConnection, type Operation } from './connection.js';
import type { EmbeddedServerReload } from './embedded.js';
import { EndpointCounters } from './endpoint-stats.js';
import { operationError, requestError } from './errors.js';
import { TypedEvents } from './events.js';
import { Inbound, type SubscriptionCallback } from './inbound.js';
import { ManagedSubscription } from './messages.js';
import { GENERIC_LABEL, type ClientMetricsSink } from './metrics-sink.js';
import type { Outbound } from './outbound.js';
import type { RequestMux } from './requests.js';
import { JSON_SERIALIZER, type Serializer } from './serializers.js';
import { checkEndpoint, startService } from './services.js';
import type {
  ClientEventName,
  ClientEvents,
  ClientHealth,
  ConnectionState,
  MessageHandler,
  NatsClientOptions,
  PublishOptions,
  ReplyHandler,
  ReplyOptions,
  RequestOptions,
  RunningService,
  ServiceOptions,
  SubscribeOptions,
  Subscription,
} from './types.js';

/** A NATS client: see the module comment and the README for the full contract. */
export class NatsClient {
  private readonly events = new TypedEvents<ClientEvents>((event, error) => {
    this.conn.logger.error({ event, error: describe(error) }, 'An event listener threw; the client ignores it and goes on');
  });
  private readonly conn: ClientConnection;
  private readonly out: Outbound;
  private readonly requests: RequestMux;
  private readonly in: Inbound;
  private readonly subscriptions = new Set<ManagedSubscription>();
  private sink: ClientMetricsSink | undefined;

  /** `logger`: parent logger (default silent); the client logs through a `{ component: 'nats-client' }` child. */
  constructor(defaults: { logger?: Logger } = {}) {
    this.conn = new ClientConnection(defaults.logger ?? silentLogger(), this.events, () => this.quiesce());
    this.out = this.conn.out;
    this.requests = this.conn.requests;
    this.in = new Inbound({
      report: (error) => {
        this.conn.report(error);
      },
      replies: this.out,
      logger: () => this.conn.logger,
    });
  }

  // ───────────────────────────── connection ─────────────────────────────

  /**
   * Connects (embedded mode: starts nats-server first). Rejects with `NatsConnectionError` within `connectTimeout`
   * when no server answers, `ConfigValidationError` for bad options, `NatsServerStartError` when the embedded server
   * cannot start. Messages name the URL without credentials.
   */
  connect(options: NatsClientOptions): Promise<void> {
    return this.conn.connect(options);
  }

  /**
   * Drains and closes: publishes waiting for backpressure go out, subscriptions stop taking messages, running
   * handlers finish (bounded by `drainTimeout`), pending data is flushed, the connection closes, and an embedded
   * server is stopped. Safe to call twice or concurrently.
   */
  disconnect(): Promise<void> {
    return this.conn.disconnect();
  }

  /**
   * Embedded mode: applies `update` (its nkey users and their permissions) to the running nats-server without a
   * restart, and resolves once the server has reloaded. nats-server (2.9 too) closes the connections of users it no
   * longer lists, and applies changed permissions to open connections.
   * @throws {DistributedError} `NATS_SERVER_NOT_STARTED` when this client runs no embedded server,
   * `NATS_SERVER_RELOAD` when the server refused the new configuration (it keeps the old one).
   */
  reloadEmbeddedServer(update: EmbeddedServerReload): Promise<void> {
    return this.conn.reloadEmbeddedServer(update);
  }

  /** The version the current server reported (`2.9.10`); undefined before the first connection and after disconnect(). */
  serverVersion(): string | undefined {
    return this.conn.serverVersion();
  }

  /**
   * True when the server the client is connected to has `feature` (from its version). Features a server lacks are
   * ignored by it rather than refused, so check before relying on one.
   */
  supportsServerFeature(feature: ServerFeature): boolean {
    return serverSupports(this.serverVersion(), feature);
  }

  /**
   * Throws `NatsServerVersionError` (code `NATS_SERVER_VERSION`) naming the feature, the version it needs and the
   * version the server runs, unless the connected server has `feature`.
   */
  requireServerFeature(feature: ServerFeature): void {
    requireServerFeature(this.serverVersion(), feature, this.conn.serverName());
  }

  /** True while connected (not while reconnecting, draining or closed). */
  isConnected(): boolean {
    return this.conn.getState() === 'connected';
  }

  /** One of disconnected, connecting, connected, reconnecting, draining, closed. */
  getConnectionState(): ConnectionState {
    return this.conn.getState();
  }

  /** A snapshot: state, server (no credentials), RTT of a fresh ping when connected, reconnects, last error, pending bytes. */
  health(): Promise<ClientHealth> {
    return this.conn.health();
  }

  /** Adds a listener. Listener errors are logged, never thrown; `error` with no listener is logged only. */
  on<E extends ClientEventName>(event: E, handler: (...args: ClientEvents[E]) => void): this {
    this.events.on(event, handler);
    return this;
  }

  /** Removes a listener. */
  off<E extends ClientEventName>(event: E, handler: (...args: ClientEvents[E]) => void): this {
    this.events.off(event, handler);
    return this;
  }

  /**
   * Starts (or with `undefined` stops) counting messages and timing requests into `sink`. Used by `ClientMetrics`;
   * existing subscriptions are counted from now on too.
   */
  setMetrics(sink: ClientMetricsSink | undefined): void {
    this.sink = sink;
    for (const sub of this.subscriptions) sub.counts = sink?.channel(sub.label);
  }

  /** The first half of a drain: subscriptions stop taking messages, and running handlers finish (they may publish and reply). */
  private async quiesce(): Promise<void> {
    // Messages already received are dispatched before each subscription's drain resolves.
    const draining: Promise<void>[] = [];
    for (const sub of this.subscriptions) if (sub.inner !== undefined) draining.push(sub.inner.drain().catch(() => undefined));
    await Promise.all(draining);
    await this.in.idle();
  }

  // ───────────────────────────── messaging ─────────────────────────────

  /**
   * Publishes `data` (JSON unless `options.serializer`). Resolves at once in the common case; when more than
   * `maxPendingBytes` wait to be sent it first waits for a flush. While the connection is down the message is kept
   * (up to `maxPendingBytes`) and sent after the reconnect; past that bound it rejects with `NatsBackpressureError`.
   * Rejects with `SubjectError` for wildcards or malformed subjects (nothing sent).
   */
  publish<T>(subject: string, data: T, options?: PublishOptions<T>): Promise<void> {
    return this.out.publish(subject, data, options?.serializer, options?.headers, this.sink?.channel(options?.metricsLabel ?? GENERIC_LABEL));
  }

  /**
   * Like `publish()` but never waits: throws `NatsBackpressureError` when more than `maxPendingBytes` wait to be
   * sent (or are kept during an outage). Never drops a message silently.
   */
  tryPublish<T>(subject: string, data: T, options?: PublishOptions<T>): void {
    this.out.tryPublish(subject, data, options?.serializer, options?.headers, this.sink?.channel(options?.metricsLabel ?? GENERIC_LABEL));
  }

  /** Resolves once the server has processed everything published before. Rejects at once while disconnected. */
  async flush(): Promise<void> {
    const nc = this.conn.guard('flush');
    try {
      await this.out.flush(nc);
    } catch (error) {
      throw operationError(error, 'flush', '*');
    }
  }

  /**
   * Subscribes (wildcards `*` and `>` allowed; `options.queue` for queue groups). Resolves once the server knows the
   * subscription. A message that fails to decode is counted as `rejected` and emitted as `error` (handler not
   * called); a handler that throws or rejects is emitted as `HandlerError`; the subscription keeps running. Past
   * `maxInFlight` running handlers, messages are dropped, counted as `dropped` and reported as `NatsSlowConsumerError`.
   */
  async subscribe<T>(subject: string, handler: MessageHandler<T>, options?: SubscribeOptions<T>): Promise<Subscription> {
    const serializer = options?.serializer ?? (JSON_SERIALIZER as Serializer<T>);
    return this.listen('subscribe', subject, options, options?.max, (sub) => this.in.subscriber(sub, handler, serializer));
  }

  /** Stops a subscription (same as `subscription.unsubscribe()`). Safe twice. */
  async unsubscribe(subscription: Subscription): Promise<void> {
    await subscription.unsubscribe();
  }

  /**
   * Answers requests on `subject` with the handler's return value. A request that fails to decode, a handler that
   * throws, or a reply that fails to encode is answered with an error reply (`Nats-Service-Error` /
   * `Nats-Service-Error-Code` headers, which the requester gets as `NatsRemoteError`) and emitted as `error`.
   */
  async reply<Req, Res>(subject: string, handler: ReplyHandler<Req, Res>, options?: ReplyOptions<Req, Res>): Promise<Subscription> {
    const requestSerializer = options?.requestSerializer ?? (JSON_SERIALIZER as Serializer<Req>);
    const responseSerializer = options?.responseSerializer ?? (JSON_SERIALIZER as Serializer<Res>);
    const endpoint = options?.endpoint;
    if (endpoint !== undefined) checkEndpoint(endpoint, subject);
    return this.listen('reply', subject, options, undefined, (sub) => {
      if (endpoint !== undefined) sub.endpoint = new EndpointCounters(endpoint, subject, options?.queue);
      return this.in.responder(sub, handler, requestSerializer, responseSerializer, options?.replyHeaders);
    });
  }

  /**
   * Runs this client as a NATS micro service (ADR-32): `nats micro ls|info|stats` and every services client find it
   * by `options.name`. Its endpoints are the client's reply subscriptions made with `ReplyOptions.endpoint` (typed
   * channels make theirs so): INFO lists each with its subject and metadata, STATS counts the requests each
   * answered, the errors among them and the processing time, plus `options.statsData`. Several services may run on
   * one client; each stops with `stop()` or when the connection closes. Needs permission to subscribe to
   * `$SRV.PING|INFO|STATS[.<name>[.<id>]]` and to answer (`natsPermissions`'s `services` option).
   * @throws {DistributedError} `INVALID_ARGUMENT` for a name or version the protocol refuses, `NATS_NOT_CONNECTED`.
   */
  async registerService(options: ServiceOptions): Promise<RunningService> {
    const nc = this.conn.guard('service');
    return startService(nc, options, () => this.endpoints());
  }

  /** The live reply subscriptions that are service endpoints, in the order they were made. */
  private *endpoints(): Iterable<EndpointCounters> {
    for (const sub of this.subscriptions) if (sub.endpoint !== undefined && !sub.isClosed()) yield sub.endpoint;
  }

  /** Validates, subscribes with the callback `makeCallback` builds, and resolves once the server knows the subscription. */
  private async listen(
    operation: Extract<Operation, 'subscribe' | 'reply'>,
    subject: string,
    options: { queue?: string; maxInFlight?: number; metricsLabel?: string; confirm?: boolean } | undefined,
    max: number | undefined,
    makeCallback: (sub: ManagedSubscription) => SubscriptionCallback,
  ): Promise<Subscription> {
    const nc = this.conn.guard(operation);
    assertSubscribeSubject(subject);
    const queue = options?.queue;
    if (queue !== undefined) assertQueueGroup(queue, subject);
    const maxInFlight = options?.maxInFlight ?? RUNTIME_DEFAULTS.subscription.maxInFlight;
    if (!(maxInFlight === Infinity || (Number.isInteger(maxInFlight) && maxInFlight >= 1))) {
      throw new DistributedError('INVALID_ARGUMENT', `maxInFlight for "${subject}" must be an integer of at least 1 or Infinity, got ${maxInFlight}.`);
    }
    const sub = new ManagedSubscription(subject, (s) => this.subscriptions.delete(s), maxInFlight, options?.metricsLabel ?? GENERIC_LABEL);
    sub.counts = this.sink?.channel(sub.label);
    this.subscriptions.add(sub);
    const natsSub = nc.subscribe(subject, { queue, max, callback: makeCallback(sub) });
    sub.attach(natsSub);
    // Forget subscriptions that end on their own (max reached, connection closed).
    void natsSub.closed.then(() => this.subscriptions.delete(sub)).catch(() => undefined);
    // Once the server has the subscription, messages published right after reach it. Skipped while disconnected.
    if (options?.confirm !== false && this.conn.isLive()) await this.out.flush(nc).catch(() => undefined);
    return sub;
  }

  /**
   * Sends a request and resolves with the decoded reply. Rejects with `NatsTimeoutError`, `NatsNoRespondersError`,
   * `NatsRemoteError` (the responder failed), `NatsNotConnectedError` (at once while the connection is down, or
   * when it drops while waiting), `SubjectError` or the serializers' errors.
   */
  request<Req, Res>(subject: string, data: Req, options?: RequestOptions<Req, Res>): Promise<Res> {
    const sink = this.sink;
    if (sink === undefined) return this.sendRequest(subject, data, options);
    // Metrics on: time the request from the call to its outcome, labelled ok or with the error's code.
    const label = options?.metricsLabel ?? GENERIC_LABEL;
    const start = performance.now();
    const finish = (outcome: string): void => {
      sink.requestFinished(label, (performance.now() - start) / 1000, outcome);
    };
    return this.sendRequest(subject, data, options).then(
      (value) => {
        finish('ok');
        return value;
      },
      (error: unknown) => {
        finish(error instanceof DistributedError ? error.code : 'ERROR');
        throw error;
      },
    );
  }

  private sendRequest<Req, Res>(subject: string, data: Req, options: RequestOptions<Req, Res> | undefined): Promise<Res> {
    const timeout = options?.timeout ?? this.conn.requestTimeout;
    try {
      const nc = this.conn.guard('request', subject);
      this.out.checkSubject(subject);
      if (!(timeout >= 1)) throw new DistributedError('INVALID_ARGUMENT', `Request timeout must be at least 1 ms, got ${timeout}.`);
      const message = this.out.encode(subject, data, options?.requestSerializer, options?.headers);
      const serializer = options?.responseSerializer ?? (JSON_SERIALIZER as Serializer<Res>);
      return this.requests.send(nc, subject, message, timeout, (msg, on) => this.in.decodeResponse(msg, on, serializer));
    } catch (error) {
      return Promise.reject(requestError(error, subject, timeout));
    }
  }
}
