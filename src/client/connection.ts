/**
 * The connection of one NatsClient and its lifecycle, apart from the client's public API, as nats.js keeps its
 * ProtocolHandler (dialling, reconnects, status, the outbound buffer) apart from NatsConnectionImpl (what users call):
 * connect and the embedded server, the states nats.js's status events drive (one table, {@link NEXT_STATES}),
 * reconnect bookkeeping, drain and close, the errors nobody awaits, health, and the one guard every operation of the
 * API passes ({@link ClientConnection.guard}, one table of operations, {@link OPERATIONS}). It owns the client's
 * writer (Outbound) and its request mux, which it attaches to each new connection and fails or replays as the
 * connection comes and goes.
 */
import { connect as natsConnect } from '@nats-io/transport-node';
import { nkeyAuthenticator, type Authenticator, type NatsConnection, type Status } from '@nats-io/nats-core';
import { DistributedError, NatsConnectionError, NatsNotConnectedError, describe, describeForeign, redactUrl } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { notYetSaid, serverVersionWarnings } from '../base/server-version.js';
import { startEmbeddedServer, type EmbeddedServerHandle, type EmbeddedServerReload } from './embedded.js';
import { asyncServerError, connectError, connectTimeoutError, refusedPublishSubject } from './errors.js';
import type { TypedEvents } from './events.js';
import { isTransportConnected } from './nats-internals.js';
import { checkUserSeed, readSeedFile } from './node-keys.js';
import { CLIENT_DEFAULTS, embeddedServerOptions, natsConnectionOptions, resolveClientOptions, type ResolvedClientOptions } from './options.js';
import { Outbound } from './outbound.js';
import { createReconnectDelay, type ReconnectDelay } from './reconnect.js';
import { RequestMux, withTimeout } from './requests.js';
import type { ClientEvents, ClientHealth, ConnectionState, NatsClientOptions } from './types.js';

const HEALTH_RTT_TIMEOUT_MS = 2000;

/** Servers (INFO `server_id`) that embedded-mode clients of this process started. */
const serversStartedHere = new Set<string>();

/**
 * The states and the moves between them. connect() leaves any state but connecting for connecting; the dial ends in
 * connected or back in disconnected; nats.js's statuses move between connected, disconnected and reconnecting;
 * disconnect() drains and closes; a connection nats.js gives up on closes. A move not listed is a bug: it is logged.
 */
const NEXT_STATES: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  disconnected: ['connecting', 'reconnecting', 'connected', 'draining', 'closed'],
  connecting: ['connected', 'disconnected'],
  connected: ['disconnected', 'reconnecting', 'draining', 'closed'],
  reconnecting: ['connected', 'disconnected', 'draining', 'closed'],
  // connect() after a drain that closed the connection but still stops its embedded server.
  draining: ['closed', 'connecting'],
  closed: ['connecting'],
};

/** An operation of the public API, as the guard knows it. */
export type Operation = 'publish' | 'subscribe' | 'reply' | 'service' | 'request' | 'flush';

/** What an operation needs of the connection. */
interface OperationRule {
  /** The operation in a sentence: "Cannot <verb>: ...". */
  readonly verb: string;
  /**
   * Set for operations that need the socket up, and fail at once during an outage: the refusal's message. Without it
   * an operation goes on during an outage (a publish is kept and replayed, a subscription is renewed by nats.js).
   */
  readonly whileDown?: (state: ConnectionState, subject: string) => string;
}

/**
 * Every operation and what it needs. All need a client that takes new work: connected once, and not yet drained
 * (draining lets running handlers publish and reply until they are done).
 */
const OPERATIONS: Readonly<Record<Operation, OperationRule>> = {
  publish: { verb: 'publish' },
  subscribe: { verb: 'subscribe' },
  reply: { verb: 'reply' },
  service: { verb: 'register a service' },
  request: {
    verb: 'send a request',
    whileDown: (state, subject) =>
      `Request on "${subject}" not sent: the client is ${state}. It fails at once instead of waiting for the timeout; retry after 'reconnected'.`,
  },
  flush: { verb: 'flush', whileDown: (state) => `Cannot flush while the client is ${state}: wait for 'reconnected'.` },
};

/** What the parts of the client need of its connection: the one guard, and the connection as it is. */
export interface ConnectionAccess {
  /**
   * The connection, if it may carry `operation` now; otherwise `NatsNotConnectedError` saying why. `subject` names
   * the subject in the messages that have one.
   */
  guard(operation: Operation, subject?: string): NatsConnection;
  /** The connection, open or not; undefined before the first connect and after disconnect(). */
  current(): NatsConnection | undefined;
}

/** The connection of one NatsClient: see the module comment. */
export class ClientConnection implements ConnectionAccess {
  /** The client's one writer. */
  readonly out: Outbound;
  /** Requests in flight, on one reply subscription. */
  readonly requests: RequestMux;
  private log: Logger;
  private state: ConnectionState = 'disconnected';
  private nc: NatsConnection | undefined;
  /** True while the client takes new work: from a successful dial until a drain has let running handlers finish. */
  private accepting = false;
  private server: EmbeddedServerHandle | undefined;
  /** The options of the last connect(). */
  private settings: ResolvedClientOptions | undefined;
  private reconnectDelay: ReconnectDelay | undefined;
  /** Reconnect attempts since the connection was last up. */
  private reconnectAttempt = 0;
  /** Successful reconnects since connect(). */
  private reconnects = 0;
  /** The server connected to, without credentials. */
  private currentServer: string | undefined;
  private lastError: string | undefined;
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;

  /**
   * `quiesce` is the first half of a drain, which only the client can do: stop taking messages on every subscription,
   * and resolve once running handlers are done (they may still publish and reply meanwhile).
   */
  constructor(
    private readonly rootLogger: Logger,
    private readonly events: TypedEvents<ClientEvents>,
    private readonly quiesce: () => Promise<void>,
  ) {
    this.log = rootLogger.child({ component: 'nats-client' });
    const report = (error: DistributedError): void => {
      this.report(error);
    };
    this.out = new Outbound({ connection: this, report });
    this.requests = new RequestMux(report, this.out);
  }

  /** The client's logger (its `{ component: 'nats-client' }` child of the connect() options' logger or the client's). */
  get logger(): Logger {
    return this.log;
  }

  /** The default timeout of a request. */
  get requestTimeout(): number {
    return this.settings?.requestTimeout ?? CLIENT_DEFAULTS.requestTimeout;
  }

  // ───────────────────────────── the guard ─────────────────────────────

  guard(operation: Operation, subject = ''): NatsConnection {
    const nc = this.nc;
    if (nc === undefined || !this.accepting || nc.isClosed()) {
      throw new NatsNotConnectedError(`Cannot ${OPERATIONS[operation].verb}: the client is ${this.state}. Call connect() first (and not after disconnect()).`);
    }
    const whileDown = OPERATIONS[operation].whileDown;
    if (whileDown !== undefined && !isTransportConnected(nc)) throw new NatsNotConnectedError(whileDown(this.state, subject));
    return nc;
  }

  current(): NatsConnection | undefined {
    return this.nc;
  }

  /** True while the socket is up. */
  isLive(): boolean {
    return this.nc !== undefined && isTransportConnected(this.nc);
  }

  getState(): ConnectionState {
    return this.state;
  }

  /** The version the current server reported; undefined before the first connection and after disconnect(). */
  serverVersion(): string | undefined {
    return this.nc?.info?.version;
  }

  /** The server connected to, without credentials, for messages. */
  serverName(): string {
    return this.currentServer ?? 'the NATS server';
  }

  /** See `NatsClient.health`. */
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

  /** Logs an error the client does not throw to a caller, remembers it for health(), and emits it. */
  report(error: DistributedError): void {
    this.lastError = error.message;
    this.log.warn({ code: error.code, subject: (error as { subject?: unknown }).subject, error: this.lastError }, 'NATS client error');
    this.events.emit('error', error);
  }

  // ───────────────────────────── connect ─────────────────────────────

  /** See `NatsClient.connect`. */
  connect(options: NatsClientOptions): Promise<void> {
    if (this.connecting !== undefined || (this.nc !== undefined && !this.nc.isClosed())) {
      return Promise.reject(
        new DistributedError('NATS_ALREADY_CONNECTED', 'connect() was called on a client that is already connected or connecting. Call disconnect() first.'),
      );
    }
    this.connecting = this.dial(options).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async dial(options: NatsClientOptions): Promise<void> {
    const resolved = resolveClientOptions(options);
    this.log = (options.logger ?? this.rootLogger).child({ component: 'nats-client' });
    this.settings = resolved;
    this.reconnects = 0;
    this.lastError = undefined;
    this.moveTo('connecting');

    // A connection that closed for good (not through disconnect()) may leave its embedded server behind.
    await this.stopServer();
    // The nkey seed is read and checked before a server starts, so a bad key fails fast and starts nothing.
    let authenticator: Authenticator | undefined;
    try {
      authenticator = await nkeyAuthenticatorOf(options);
    } catch (error) {
      this.failConnect(error);
      throw error;
    }
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
      pending
        .then(
          (late) => late.close(),
          () => undefined,
        )
        .catch(() => undefined);
      const failure = error instanceof NatsConnectionError ? error : connectError(error, servers);
      this.failConnect(failure);
      await this.stopServer();
      throw failure;
    }
    const server = this.attach(nc, delay, resolved);
    this.moveTo('connected');
    this.log.info({ server, version: nc.info?.version }, 'Connected to NATS');
    this.warnAboutServer(nc, resolved.mode);
    this.events.emit('connected', { server });
  }

  /**
   * Starts using `nc`: the writer and the request mux work on it, and its statuses and its end are followed. Returns
   * the server's URL without credentials.
   */
  private attach(nc: NatsConnection, delay: ReconnectDelay, resolved: ResolvedClientOptions): string {
    this.nc = nc;
    this.accepting = true;
    this.reconnectDelay = delay;
    // nats.js consulted the handler while dialling; forget that wait, or a young connection that loses its server
    // sleeps it out before trying the other servers (a 2 s failover instead of an immediate one).
    delay.reset();
    this.reconnectAttempt = 0;
    this.requests.useInboxPrefix(resolved.inboxPrefix);
    this.out.attach(nc, { maxPendingBytes: resolved.maxPendingBytes, compressThreshold: resolved.compressThreshold });
    const server = redactUrl(nc.getServer());
    this.currentServer = server;
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
    return server;
  }

  /**
   * Says what is wrong with the server's version, once per process and server. An embedded server has already said
   * it, judged by the config it runs; it is remembered, so that a client of this process joining it as an external
   * server does not guess again (as for a server unseen).
   */
  private warnAboutServer(nc: NatsConnection, mode: ResolvedClientOptions['mode']): void {
    const serverId = nc.info?.server_id;
    if (mode === 'embedded') {
      if (serverId !== undefined) serversStartedHere.add(serverId);
    } else if (serverId === undefined || !serversStartedHere.has(serverId)) {
      for (const warning of notYetSaid(serverVersionWarnings(nc.info?.version))) this.log.warn({ server: this.currentServer }, warning);
    }
  }

  private failConnect(error: unknown): void {
    this.lastError = describeForeign(error);
    this.moveTo('disconnected');
    this.log.error({ error: this.lastError }, 'Connecting to NATS failed');
  }

  // ───────────────────────────── disconnect ─────────────────────────────

  /** See `NatsClient.disconnect`. */
  disconnect(): Promise<void> {
    this.disconnecting ??= this.close().finally(() => {
      this.disconnecting = undefined;
    });
    return this.disconnecting;
  }

  private async close(): Promise<void> {
    if (this.connecting !== undefined) await this.connecting.catch(() => undefined);
    const nc = this.nc;
    if (nc !== undefined && !nc.isClosed()) {
      this.moveTo('draining');
      const drainTimeout = this.settings?.drainTimeout ?? CLIENT_DEFAULTS.drainTimeout;
      try {
        await withTimeout(this.drain(nc), drainTimeout, () => new Error(`drain did not finish within ${drainTimeout} ms`));
      } catch (error) {
        this.log.warn({ error: describe(error) }, 'Drain incomplete; closing the connection now');
      }
      this.accepting = false;
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
      await nc.closed();
    }
    this.nc = undefined;
    this.accepting = false;
    await this.stopServer();
    this.moveTo('closed');
  }

  private async drain(nc: NatsConnection): Promise<void> {
    // Publishers waiting for a backpressure flush write as soon as it completes: let them.
    await this.out.settle();
    // Without a connection nothing can be flushed; close() then reports what is lost.
    if (!isTransportConnected(nc)) return;
    // Subscriptions stop taking messages; handlers still running may publish or reply until they are done.
    await this.quiesce();
    this.accepting = false;
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

  /** See `NatsClient.reloadEmbeddedServer`. */
  async reloadEmbeddedServer(update: EmbeddedServerReload): Promise<void> {
    const server = this.server;
    if (server === undefined) {
      throw new DistributedError('NATS_SERVER_NOT_STARTED', 'reloadEmbeddedServer() needs a client connected in embedded mode: this one runs no nats-server.');
    }
    await server.reload(update);
  }

  // ───────────────────────────── states ─────────────────────────────

  private moveTo(state: ConnectionState): void {
    const from = this.state;
    if (from === state) return;
    if (!NEXT_STATES[from].includes(state)) this.log.error({ from, to: state }, 'Unexpected connection state change (a bug in the client)');
    this.log.debug({ from, to: state }, 'Connection state changed');
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
        this.moveTo('disconnected');
        this.log.warn({ server: this.currentServer }, 'Disconnected from NATS');
        this.requests.failAll('the connection to NATS was lost');
        this.events.emit('disconnected', { server: this.currentServer });
        return;
      case 'reconnecting':
        if (closing) return;
        this.reconnectAttempt += 1;
        this.moveTo('reconnecting');
        this.log.info({ attempt: this.reconnectAttempt }, 'Reconnecting to NATS');
        this.events.emit('reconnecting', { attempt: this.reconnectAttempt });
        return;
      case 'reconnect': {
        this.reconnectDelay?.reset();
        this.reconnectAttempt = 0;
        this.reconnects += 1;
        const server = redactUrl(nc.getServer());
        this.currentServer = server;
        const replayed = this.out.replay();
        if (replayed > 0) this.log.info({ messages: replayed }, 'Sent the messages published during the outage');
        if (closing) return;
        this.moveTo('connected');
        this.log.info({ server, reconnects: this.reconnects }, 'Reconnected to NATS');
        this.events.emit('reconnected', { server });
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
    this.accepting = false;
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
    this.moveTo('closed');
    this.events.emit('closed', error === undefined ? {} : { error });
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
