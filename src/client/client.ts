/**
 * NatsClient: the package's connection to NATS on nats.js v3 (@nats-io/transport-node). It starts its own nats-server or joins existing ones,
 * reconnects with backoff, keeps one small state machine with typed events, and offers typed publish/subscribe and
 * request/reply with bounded outbound buffering, optional compression, and errors that never carry credentials.
 *
 * This file holds the connection lifecycle and the public API; publishing lives in client-outbound.ts, message
 * dispatch in client-inbound.ts.
 */
import { connect as natsConnect } from '@nats-io/transport-node';
import { nkeyAuthenticator, type Authenticator, type NatsConnection, type Status } from '@nats-io/nats-core';
import { DistributedError, NatsConnectionError, NatsNotConnectedError, SubjectError, describe, describeForeign, redactUrl } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { assertSubscribeSubject } from '../base/subjects.js';
import { asyncServerError, refusedPublishSubject, connectError, connectTimeoutError, operationError, requestError } from './errors.js';
import { TypedEvents } from './events.js';
import { Inbound, type SubscriptionCallback } from './inbound.js';
import { isTransportConnected } from './nats-internals.js';
import { notYetSaid, requireServerFeature, serverSupports, serverVersionWarnings, type ServerFeature } from '../base/server-version.js';
import { ManagedSubscription } from './messages.js';
import { GENERIC_LABEL, type ClientMetricsSink } from './metrics-sink.js';
import { CLIENT_DEFAULTS, embeddedServerOptions, natsConnectionOptions, resolveClientOptions } from './options.js';
import { ConnectionSlot } from './connection.js';
import { Outbound } from './outbound.js';
import { RequestMux, withTimeout } from './requests.js';
import { startEmbeddedServer, type EmbeddedServerHandle, type EmbeddedServerReload } from './embedded.js';
import { checkUserSeed, readSeedFile } from './node-keys.js';
import { EndpointCounters } from './endpoint-stats.js';
import { checkEndpoint, startService } from './services.js';
import { createReconnectDelay, type ReconnectDelay } from './reconnect.js';
import { JSON_SERIALIZER, type Serializer } from './serializers.js';
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

const HEALTH_RTT_TIMEOUT_MS = 2000;
/** Default `maxInFlight` of a subscription: enough for any sane handler, small enough to bound memory. */
const DEFAULT_MAX_IN_FLIGHT = 1000;

/** Servers (INFO `server_id`) that embedded-mode clients of this process started. */
const serversStartedHere = new Set<string>();

/** A NATS client: see the module comment and the README for the full contract. */
export class NatsClient {
  private readonly rootLogger: Logger;
  private log: Logger;
  private readonly events = new TypedEvents<ClientEvents>((event, error) => {
    this.log.error({ event, error: describe(error) }, 'An event listener threw; the client ignores it and goes on');
  });
  private readonly connection = new ConnectionSlot(() => this.state);
  private readonly out = new Outbound({
    connection: this.connection,
    report: (error) => {
      this.report(error);
    },
  });
  private readonly in = new Inbound({
    report: (error) => {
      this.report(error);
    },
    encode: (subject, data, serializer, headers) => this.out.encode(subject, data, serializer, headers),
    holdForTick: () => {
      this.out.holdForTick();
    },
    logger: () => this.log,
  });
  private nc: NatsConnection | undefined;
  private server: EmbeddedServerHandle | undefined;
  private state: ConnectionState = 'disconnected';
  private requestTimeout: number = CLIENT_DEFAULTS.requestTimeout;
  private drainTimeout: number = CLIENT_DEFAULTS.drainTimeout;
  private reconnectDelay: ReconnectDelay | undefined;
  private reconnectAttempt = 0;
  private reconnects = 0;
  private currentServer: string | undefined;
  private lastError: string | undefined;
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;
  private readonly requests = new RequestMux((error) => {
    this.report(error);
  });
  private readonly subscriptions = new Set<ManagedSubscription>();
  private sink: ClientMetricsSink | undefined;

  /** `logger`: parent logger (default silent); the client logs through a `{ component: 'nats-client' }` child. */
  constructor(defaults: { logger?: Logger } = {}) {
    this.rootLogger = defaults.logger ?? silentLogger();
    this.log = this.rootLogger.child({ component: 'nats-client' });
  }

  // ───────────────────────────── connection ─────────────────────────────

  /**
   * Connects (embedded mode: starts nats-server first). Rejects with `NatsConnectionError` within `connectTimeout`
   * when no server answers, `ConfigValidationError` for bad options, `NatsServerStartError` when the embedded server
   * cannot start. Messages name the URL without credentials.
   */
  connect(options: NatsClientOptions): Promise<void> {
    if (this.connecting !== undefined || (this.nc !== undefined && !this.nc.isClosed())) {
      return Promise.reject(
        new DistributedError('NATS_ALREADY_CONNECTED', 'connect() was called on a client that is already connected or connecting. Call disconnect() first.'),
      );
    }
    this.connecting = this.doConnect(options).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(options: NatsClientOptions): Promise<void> {
    const resolved = resolveClientOptions(options);
    this.log = (options.logger ?? this.rootLogger).child({ component: 'nats-client' });
    this.requestTimeout = resolved.requestTimeout;
    this.drainTimeout = resolved.drainTimeout;
    this.reconnects = 0;
    this.lastError = undefined;
    this.setState('connecting');

    // A connection that closed for good (not through disconnect()) may leave its embedded server behind.
    await this.stopServer();
    // The seed is read and checked before a server starts, so a bad key fails fast and starts nothing.
    let authenticator: Authenticator | undefined;
    try {
      authenticator = await nkeyAuthenticatorOf(options);
    } catch (error) {
      this.failConnect(error);
      throw error;
    }
    this.requests.useInboxPrefix(resolved.inboxPrefix);
    let servers = resolved.servers;
    if (resolved.mode === 'embedded') {
      let server: EmbeddedServerHandle;
      try {
        // A crash report (code, signal, last log lines) counts only for the server this client still holds.
        server = await startEmbeddedServer(embeddedServerOptions(options), options.logger ?? this.rootLogger, (crash) => {
          if (this.server === server) this.report(crash);
        });
      } catch (error) {
        this.failConnect(error);
        throw error;
      }
      this.server = server;
      servers = [server.url];
    }

    const delay = createReconnectDelay({ initialMs: resolved.reconnectTimeWait, maxMs: Math.max(resolved.reconnectMaxWait, resolved.reconnectTimeWait) });
    const pending = natsConnect(natsConnectionOptions(options, resolved, servers, delay.handler, authenticator));
    let nc: NatsConnection;
    try {
      nc = await withTimeout(pending, resolved.connectTimeout, () => connectTimeoutError(servers, resolved.connectTimeout));
    } catch (error) {
      // A connection that completes after we gave up must not linger.
      pending.then((late) => late.close(), () => undefined).catch(() => undefined);
      const failure = error instanceof NatsConnectionError ? error : connectError(error, servers);
      this.failConnect(failure);
      await this.stopServer();
      throw failure;
    }
    this.nc = nc;
    this.reconnectDelay = delay;
    // nats.js consulted the handler while dialling; forget that wait, or a young connection that loses its server
    // sleeps it out before trying the other servers (a 2 s failover instead of an immediate one).
    delay.reset();
    this.reconnectAttempt = 0;
    this.connection.attach(nc);
    this.out.attach(nc, { maxPendingBytes: resolved.maxPendingBytes, compressThreshold: resolved.compressThreshold });
    this.currentServer = redactUrl(nc.getServer());
    // Both must be hooked before any await: nats.js only reports status events to iterators that already exist.
    void this.watchStatus(nc, nc.status());
    void nc
      .closed()
      .then((err) => {
        this.onClosed(nc, err);
      })
      .catch((error: unknown) => {
        this.log.error({ error: describe(error) }, 'Handling the closed connection failed');
      });
    this.setState('connected');
    this.log.info({ server: this.currentServer, version: nc.info?.version }, 'Connected to NATS');
    // An embedded server has already said what is wrong with it, judged by the config it runs. Remember it, so that
    // a client of this process joining it as an external server does not guess again (as for a server unseen).
    const serverId = nc.info?.server_id;
    if (resolved.mode === 'embedded') {
      if (serverId !== undefined) serversStartedHere.add(serverId);
    } else if (serverId === undefined || !serversStartedHere.has(serverId)) {
      for (const warning of notYetSaid(serverVersionWarnings(nc.info?.version))) this.log.warn({ server: this.currentServer }, warning);
    }
    this.events.emit('connected', { server: this.currentServer });
  }

  private failConnect(error: unknown): void {
    this.lastError = describeForeign(error);
    this.setState('disconnected');
    this.log.error({ error: this.lastError }, 'Connecting to NATS failed');
  }

  /**
   * Drains and closes: publishes waiting for backpressure go out, subscriptions stop taking messages, running
   * handlers finish (bounded by `drainTimeout`), pending data is flushed, the connection closes, and an embedded
   * server is stopped. Safe to call twice or concurrently.
   */
  disconnect(): Promise<void> {
    this.disconnecting ??= this.doDisconnect().finally(() => {
      this.disconnecting = undefined;
    });
    return this.disconnecting;
  }

  private async doDisconnect(): Promise<void> {
    if (this.connecting !== undefined) await this.connecting.catch(() => undefined);
    const nc = this.nc;
    if (nc !== undefined && !nc.isClosed()) {
      this.setState('draining');
      try {
        await withTimeout(this.drain(nc), this.drainTimeout, () => new Error(`drain did not finish within ${this.drainTimeout} ms`));
      } catch (error) {
        this.log.warn({ error: describe(error) }, 'Drain incomplete; closing the connection now');
      }
      this.connection.close();
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
      await nc.closed();
    }
    this.nc = undefined;
    this.connection.close();
    await this.stopServer();
    this.setState('closed');
  }

  private async drain(nc: NatsConnection): Promise<void> {
    // Publishers waiting for a backpressure flush write as soon as it completes: let them.
    await this.out.settle();
    // Without a connection nothing can be flushed; close() then reports what is lost.
    if (!isTransportConnected(nc)) return;
    // Stop taking messages; those already received are dispatched before each drain resolves.
    const draining: Promise<void>[] = [];
    for (const sub of this.subscriptions) if (sub.inner !== undefined) draining.push(sub.inner.drain().catch(() => undefined));
    await Promise.all(draining);
    // Handlers still running may publish or reply: publishing stays open until they are done.
    await this.in.idle();
    this.connection.close();
    await nc.drain();
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    try {
      await server.stop();
    } catch (error) {
      this.log.error({ error: describe(error) }, 'Stopping the embedded nats-server failed');
    }
  }

  /**
   * Embedded mode: applies `update` (its nkey users and their permissions) to the running nats-server without a
   * restart, and resolves once the server has reloaded. nats-server (2.9 too) closes the connections of users it no
   * longer lists, and applies changed permissions to open connections.
   * @throws {DistributedError} `NATS_SERVER_NOT_STARTED` when this client runs no embedded server,
   * `NATS_SERVER_RELOAD` when the server refused the new configuration (it keeps the old one).
   */
  async reloadEmbeddedServer(update: EmbeddedServerReload): Promise<void> {
    const server = this.server;
    if (server === undefined) {
      throw new DistributedError('NATS_SERVER_NOT_STARTED', 'reloadEmbeddedServer() needs a client connected in embedded mode: this one runs no nats-server.');
    }
    await server.reload(update);
  }

  /** The version the current server reported (`2.9.10`); undefined before the first connection and after disconnect(). */
  serverVersion(): string | undefined {
    return this.nc?.info?.version;
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
    requireServerFeature(this.serverVersion(), feature, this.currentServer ?? 'the NATS server');
  }

  /** True while connected (not while reconnecting, draining or closed). */
  isConnected(): boolean {
    return this.state === 'connected';
  }

  /** One of disconnected, connecting, connected, reconnecting, draining, closed. */
  getConnectionState(): ConnectionState {
    return this.state;
  }

  /** A snapshot: state, server (no credentials), RTT of a fresh ping when connected, reconnects, last error, pending bytes. */
  async health(): Promise<ClientHealth> {
    const nc = this.nc;
    let rttMs: number | undefined;
    if (nc !== undefined && this.state === 'connected' && isTransportConnected(nc)) {
      rttMs = await withTimeout(nc.rtt(), HEALTH_RTT_TIMEOUT_MS, () => new Error('rtt timeout')).catch(() => undefined);
    }
    return {
      state: this.state,
      server: this.currentServer,
      serverVersion: this.serverVersion(),
      rttMs,
      reconnects: this.reconnects,
      lastError: this.lastError,
      pendingBytes: this.out.pendingBytes(),
    };
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

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.log.debug({ from: this.state, to: state }, 'Connection state changed');
    this.state = state;
  }

  private async watchStatus(nc: NatsConnection, statuses: AsyncIterable<Status>): Promise<void> {
    try {
      for await (const status of statuses) {
        if (this.nc !== nc) break;
        this.onStatus(nc, status);
      }
    } catch (error) {
      this.log.error({ error: describe(error) }, 'Status monitoring stopped');
    }
  }

  private onStatus(nc: NatsConnection, status: Status): void {
    const closing = this.state === 'draining' || this.state === 'closed';
    switch (status.type) {
      case 'disconnect':
        if (closing) return;
        this.setState('disconnected');
        this.log.warn({ server: this.currentServer }, 'Disconnected from NATS');
        this.requests.failAll('the connection to NATS was lost');
        this.events.emit('disconnected', { server: this.currentServer });
        return;
      case 'reconnecting':
        if (closing) return;
        this.reconnectAttempt += 1;
        this.setState('reconnecting');
        this.log.info({ attempt: this.reconnectAttempt }, 'Reconnecting to NATS');
        this.events.emit('reconnecting', { attempt: this.reconnectAttempt });
        return;
      case 'reconnect': {
        this.reconnectDelay?.reset();
        this.reconnectAttempt = 0;
        this.reconnects += 1;
        this.currentServer = redactUrl(nc.getServer());
        const replayed = this.out.replay();
        if (replayed > 0) this.log.info({ messages: replayed }, 'Sent the messages published during the outage');
        if (closing) return;
        this.setState('connected');
        this.log.info({ server: this.currentServer, reconnects: this.reconnects }, 'Reconnected to NATS');
        this.events.emit('reconnected', { server: this.currentServer });
        return;
      }
      case 'error': {
        const error = asyncServerError(status.error, this.currentServer);
        // Requests to a subject this client may not publish to would otherwise wait for their timeout.
        const refused = refusedPublishSubject(status.error);
        if (refused !== undefined) this.requests.failSubject(refused, error);
        this.report(error);
        return;
      }
      case 'ldm':
        this.log.warn({ server: redactUrl(status.server) }, 'The NATS server entered lame duck mode; the client will move to another server');
        return;
      case 'staleConnection':
        this.log.warn({ server: this.currentServer }, 'The NATS server stopped answering pings; the client reconnects');
        return;
      case 'update':
        this.log.debug({ added: status.added?.map(redactUrl), deleted: status.deleted?.map(redactUrl) }, 'The cluster announced a change of servers');
        return;
      default:
        this.log.debug({ type: status.type }, 'NATS status');
    }
  }

  private onClosed(nc: NatsConnection, err: unknown): void {
    if (this.nc !== nc) return;
    this.connection.close();
    const lost = this.out.takeBuffered();
    this.requests.failAll('the connection to NATS closed');
    this.requests.detach();
    const error = err instanceof Error ? connectError(err, [this.currentServer ?? 'nats']) : undefined;
    if (error !== undefined) {
      this.lastError = error.message;
      this.log.error({ error: error.message }, 'The NATS connection closed for good');
    }
    if (lost.length > 0) {
      const bytes = lost.reduce((sum, item) => sum + item.size, 0);
      this.report(
        new NatsConnectionError(
          `${lost.length} message(s) (${bytes} bytes) published during the outage could not be delivered: the connection closed for good before it came back.`,
          this.currentServer ?? '',
        ),
      );
    }
    this.setState('closed');
    this.events.emit('closed', error === undefined ? {} : { error });
  }

  /** Logs an error the client does not throw to a caller, remembers it for health(), and emits it. */
  private report(error: DistributedError): void {
    this.lastError = error.message;
    this.log.warn({ code: error.code, subject: (error as { subject?: unknown }).subject, error: this.lastError }, 'NATS client error');
    this.events.emit('error', error);
  }

  /**
   * Starts (or with `undefined` stops) counting messages and timing requests into `sink`. Used by `ClientMetrics`;
   * existing subscriptions are counted from now on too.
   */
  setMetrics(sink: ClientMetricsSink | undefined): void {
    this.sink = sink;
    for (const sub of this.subscriptions) sub.counts = sink?.channel(sub.label);
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
    const nc = this.connection.require('flush');
    if (!isTransportConnected(nc)) throw new NatsNotConnectedError(`Cannot flush while the client is ${this.state}: wait for 'reconnected'.`);
    try {
      await nc.flush();
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
    const nc = this.connection.require('register a service');
    return startService(nc, options, () => this.endpoints());
  }

  /** The live reply subscriptions that are service endpoints, in the order they were made. */
  private *endpoints(): Iterable<EndpointCounters> {
    for (const sub of this.subscriptions) if (sub.endpoint !== undefined && !sub.isClosed()) yield sub.endpoint;
  }

  /** Validates, subscribes with the callback `makeCallback` builds, and resolves once the server knows the subscription. */
  private async listen(
    operation: string,
    subject: string,
    options: { queue?: string; maxInFlight?: number; metricsLabel?: string; confirm?: boolean } | undefined,
    max: number | undefined,
    makeCallback: (sub: ManagedSubscription) => SubscriptionCallback,
  ): Promise<Subscription> {
    const nc = this.connection.require(operation);
    assertSubscribeSubject(subject);
    const queue = options?.queue;
    if (queue !== undefined && (queue === '' || /[\s\p{Cc}]/u.test(queue))) {
      throw new SubjectError(`Invalid queue group "${queue}" for "${subject}": use a non-empty name without white space or control characters.`, {
        subject,
      });
    }
    const maxInFlight = options?.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
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
    if (options?.confirm !== false && isTransportConnected(nc)) await nc.flush().catch(() => undefined);
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
    const timeout = options?.timeout ?? this.requestTimeout;
    try {
      const nc = this.connection.require('send a request');
      this.out.checkSubject(subject);
      if (!isTransportConnected(nc)) {
        throw new NatsNotConnectedError(
          `Request on "${subject}" not sent: the client is ${this.state}. It fails at once instead of waiting for the timeout; retry after 'reconnected'.`,
        );
      }
      if (!(timeout >= 1)) throw new DistributedError('INVALID_ARGUMENT', `Request timeout must be at least 1 ms, got ${timeout}.`);
      const { payload, headers } = this.out.encode(subject, data, options?.requestSerializer, options?.headers);
      const serializer = options?.responseSerializer ?? (JSON_SERIALIZER as Serializer<Res>);
      this.out.holdForTick();
      return this.requests.send(nc, subject, payload, headers, timeout, (msg, on) => this.in.decodeResponse(msg, on, serializer));
    } catch (error) {
      return Promise.reject(requestError(error, subject, timeout));
    }
  }
}

/** A nats.js authenticator that signs the server's nonce with `seed` (checked to be a user seed). */
function seedAuthenticator(seed: Uint8Array, source: string): Authenticator {
  checkUserSeed(seed, source);
  return nkeyAuthenticator(seed);
}

/** The authenticator of the nkey `options` name (seed text or file), or undefined when it names none. */
async function nkeyAuthenticatorOf(options: NatsClientOptions): Promise<Authenticator | undefined> {
  if (options.nkeySeedFile !== undefined) return seedAuthenticator(await readSeedFile(options.nkeySeedFile), `the nkey seed file ${options.nkeySeedFile}`);
  if (options.nkeySeed !== undefined) return seedAuthenticator(new TextEncoder().encode(options.nkeySeed.trim()), 'the nkeySeed option');
  return undefined;
}
