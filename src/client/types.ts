/**
 * Public types of the client: options, states, events and handler shapes, shared with the generated channels.
 */
import type { Logger } from 'pino';
import type { EmbeddedServerOptions } from './embedded.js';
import type { Serializer } from './serializers.js';
import type { DistributedError } from '../base/errors.js';

/** Where the client stands. Mirrors nats.js status events in one small state machine. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'draining' | 'closed';

/** TLS material for external servers: file paths or PEM text. */
export interface TlsOptions {
  /** CA certificate (file path or PEM) used to verify the server. */
  ca?: string;
  /** Client certificate (file path or PEM), for mutual TLS. */
  cert?: string;
  /** Client private key (file path or PEM), for mutual TLS. */
  key?: string;
}

/** Options of `NatsClient.connect()`. */
export interface NatsClientOptions {
  /** `embedded` starts (and on disconnect stops) its own nats-server; `external` connects to `serverUrl` / `servers`. */
  mode: 'embedded' | 'external';
  /** External server URL, e.g. `nats://127.0.0.1:4222`. */
  serverUrl?: string;
  /** Several server URLs of one NATS cluster, for failover. */
  servers?: readonly string[];
  /** Embedded mode: the client port, a shorthand for `embedded.port` (this one wins when both are set). Default 4222. */
  embeddedPort?: number;
  /** Embedded mode: all server options. */
  embedded?: EmbeddedServerOptions;
  /** User/password authentication. */
  user?: string;
  password?: string;
  /** Token authentication. */
  token?: string;
  /**
   * nkey authentication with this node's own user seed (`SU...`, e.g. from `createNodeKey`). The seed signs the
   * server's nonce and never leaves the process; it is never logged, nor shown in errors or `health()`. Not together
   * with `nkeySeedFile`, `user` or `token`.
   */
  nkeySeed?: string;
  /**
   * nkey authentication with the seed in this file, read at each `connect()`. A file its group or others may access
   * is refused (chmod 600), as is one that holds no user seed; the error names the file, never its text.
   */
  nkeySeedFile?: string;
  /**
   * Prefix of this client's reply subjects instead of `_INBOX` (literal NATS tokens), for nats.js's own inboxes and
   * the request mux's one reply subscription (`<prefix>.<id>.*`). With a prefix of its own per node (`inboxPrefixFor`)
   * a server can let each node subscribe to its own replies only.
   */
  inboxPrefix?: string;
  /** TLS for external servers. */
  tls?: TlsOptions;
  /** Connection name, visible in the server's monitoring. */
  name?: string;
  /** Reconnect after a lost connection. Default true. */
  reconnect?: boolean;
  /** Reconnect attempts per server; -1 means forever. Default 10. */
  maxReconnectAttempts?: number;
  /** First reconnect delay in ms; later ones back off exponentially with jitter. Default 2000. */
  reconnectTimeWait?: number;
  /** Upper bound of the reconnect delay in ms. Default 30000. */
  reconnectMaxWait?: number;
  /** How long the first connection may take before `connect()` rejects. Default 5000 ms. */
  connectTimeout?: number;
  /** Default timeout of `request()`. Default 5000 ms. */
  requestTimeout?: number;
  /** Outbound bytes that may wait to be sent. Above it `publish()` waits for a flush, `tryPublish()` rejects. Default 8 MiB. */
  maxPendingBytes?: number;
  /** Compress payloads of at least this many bytes with zlib (header-marked). Default: off. */
  compressThreshold?: number;
  /** How long `disconnect()` lets handlers finish while draining. Default 10000 ms. */
  drainTimeout?: number;
  /** Logger; default: silent. */
  logger?: Logger;
}

/** What a handler learns about the message besides its payload. */
export interface MessageContext {
  /** The concrete subject the message arrived on. */
  subject: string;
  /** Headers, when the publisher sent any. */
  headers?: ReadonlyMap<string, readonly string[]>;
  /** Reply subject, for request messages. */
  reply?: string;
  /** Bytes of the payload as it arrived (compressed, if it was). */
  readonly size?: number;
}

/** A subscription handler. Throwing or rejecting is caught and reported; the subscription keeps running. */
export type MessageHandler<T> = (data: T, context: MessageContext) => void | Promise<void>;

/** A reply handler. Its return value is the reply; throwing sends an error reply the requester gets as `NatsRemoteError`. */
export type ReplyHandler<Req, Res> = (data: Req, context: MessageContext) => Res | Promise<Res>;

/** Options of `publish()` / `tryPublish()`. */
export interface PublishOptions<T> {
  serializer?: Serializer<T>;
  headers?: Record<string, string>;
  /** Metrics label (generated channels pass their channel id). Default `_generic`. Keep it bounded: never a concrete id. */
  metricsLabel?: string;
}

/** Options of `subscribe()`. */
export interface SubscribeOptions<T> {
  /** Queue group: each message goes to one member of the group. */
  queue?: string;
  /** How to decode (and, for typed channels, validate) payloads. Default JSON. */
  serializer?: Serializer<T>;
  /** Unsubscribe automatically after this many messages. */
  max?: number;
  /**
   * Most handlers of this subscription that may run at once (async handlers). Past it, messages are dropped before
   * decoding, counted in `dropped` and reported once per episode as `NatsSlowConsumerError`, so memory stays bounded.
   * Default 1000; `Infinity` turns the limit off.
   */
  maxInFlight?: number;
  /** Metrics label (generated channels pass their channel id). Default `_generic`. Keep it bounded: never a concrete id. */
  metricsLabel?: string;
  /**
   * Resolve only once the server has the subscription (a round trip), so that messages other clients publish right
   * after reach it. Default true. `false` resolves at once: enough when the messages are caused by what this client
   * publishes next on the same connection (a server handles one connection's protocol in order, and a cluster's
   * route carries the interest ahead of the message), as for the response stream of a request about to be sent.
   */
  confirm?: boolean;
}

/** Options of `request()`. */
export interface RequestOptions<Req, Res> {
  /** Timeout in ms; default the client's `requestTimeout`. */
  timeout?: number;
  requestSerializer?: Serializer<Req>;
  responseSerializer?: Serializer<Res>;
  headers?: Record<string, string>;
  /** Metrics label (generated channels pass their channel id). Default `_generic`. Keep it bounded: never a concrete id. */
  metricsLabel?: string;
}

/** Options of `reply()`. */
export interface ReplyOptions<Req, Res> {
  queue?: string;
  requestSerializer?: Serializer<Req>;
  responseSerializer?: Serializer<Res>;
  /**
   * Most reply handlers of this subscription that may run at once (async handlers). Past it, requests are answered at
   * once with a NATS_SLOW_CONSUMER error reply, counted in `dropped` and reported once per episode as
   * `NatsSlowConsumerError`, so memory stays bounded.
   * Default 1000; `Infinity` turns the limit off.
   */
  maxInFlight?: number;
  /** Metrics label (generated channels pass their channel id). Default `_generic`. Keep it bounded: never a concrete id. */
  metricsLabel?: string;
  /**
   * Headers sent with every (successful) reply, e.g. the `Contract-Version` of generated channels; or a function of
   * the handler's context (the same object the handler got), called when its reply is sent, for headers of one
   * reply (the trace context of the span that handled it).
   */
  replyHeaders?: Readonly<Record<string, string>> | ((context: MessageContext) => Readonly<Record<string, string>> | undefined);
  /**
   * This subscription is an endpoint of the client's NATS service (`registerService`): listed by INFO with its
   * subject, counted by STATS (requests, errors, processing time), whether the service starts before or after it.
   */
  endpoint?: ServiceEndpoint;
}

/** A live subscription, returned by `subscribe()` and `reply()`. */
export interface Subscription {
  /** The subject (possibly with wildcards) subscribed to. */
  readonly subject: string;
  /** Messages delivered to the handler so far. */
  readonly received: number;
  /** Messages dropped because they could not be decoded or validated. */
  readonly rejected: number;
  /** Messages dropped because `maxInFlight` handlers were still running (slow consumer). */
  readonly dropped: number;
  /** Stops the subscription. Safe to call twice. */
  unsubscribe(): Promise<void>;
  /** True once unsubscribed or the connection closed. */
  isClosed(): boolean;
}

/** A snapshot of the connection's health. Never contains credentials. */
export interface ClientHealth {
  state: ConnectionState;
  /** The server currently connected to (URL without credentials), if any. */
  server: string | undefined;
  /** The version that server reported when the client (re)connected to it, e.g. `2.9.10`. */
  serverVersion: string | undefined;
  /** Round-trip time of the last `health()`-time ping in ms, if connected. */
  rttMs: number | undefined;
  reconnects: number;
  /** Message of the last error, if any. */
  lastError: string | undefined;
  pendingBytes: number;
}

/** Events of `NatsClient.on()` and their payloads. */
export interface ClientEvents {
  connected: [info: { server: string }];
  disconnected: [info: { server: string | undefined }];
  reconnecting: [info: { attempt: number }];
  reconnected: [info: { server: string }];
  /** Every error the client did not throw to a caller: invalid inbound messages, handler failures, async server errors. */
  error: [error: DistributedError];
  closed: [info: { error?: DistributedError }];
}

/** Names of the client's events. */
export type ClientEventName = keyof ClientEvents;

/** How a reply subscription appears as a service endpoint. */
export interface ServiceEndpoint {
  /** Endpoint name: letters, digits, `-` and `_` (e.g. a channel id). */
  name: string;
  /** Metadata listed by INFO (string values). */
  metadata?: Readonly<Record<string, string>>;
}

/** A service's identity. */
export interface ServiceOptions {
  /** Letters, digits, `-` and `_`. */
  name: string;
  /** A semantic version (`1.0.0`). */
  version: string;
  description?: string;
  /** Listed by PING, INFO and STATS (string values). */
  metadata?: Readonly<Record<string, string>>;
  /**
   * The `data` of an endpoint in STATS (JSON), for figures the protocol does not count by itself. Called at each
   * STATS request with the endpoint's name; a throw leaves `data` out.
   */
  statsData?: (endpoint: string) => unknown;
}

/** A running service. */
export interface RunningService {
  /** The instance id (`nats micro` lists it), new for each start. */
  readonly id: string;
  readonly name: string;
  /** Resolves once the service stopped (with the error that stopped it, if any: e.g. the server refused its subjects). */
  readonly stopped: Promise<Error | null>;
  /** INFO as the protocol answers it now. */
  info(): ServiceInfoDocument;
  /** STATS as the protocol answers it now. */
  stats(): Promise<ServiceStatsDocument>;
  /** Stops answering (the endpoints' subscriptions stay: they belong to their handlers). Safe twice. */
  stop(): Promise<void>;
}

/** An endpoint in INFO. */
export interface EndpointInfoDocument {
  name: string;
  subject: string;
  queue_group?: string;
  metadata?: Record<string, string>;
}

/** An endpoint in STATS. Times in nanoseconds, as the protocol counts them. */
export interface EndpointStatsDocument {
  name: string;
  subject: string;
  queue_group?: string;
  num_requests: number;
  num_errors: number;
  /** The last error's message; empty when there was none. */
  last_error: string;
  processing_time: number;
  average_processing_time: number;
  data?: unknown;
}

/** INFO (`io.nats.micro.v1.info_response`). */
export interface ServiceInfoDocument {
  type: string;
  name: string;
  id: string;
  version: string;
  description: string;
  metadata?: Record<string, string>;
  endpoints: EndpointInfoDocument[];
}

/** STATS (`io.nats.micro.v1.stats_response`). */
export interface ServiceStatsDocument {
  type: string;
  name: string;
  id: string;
  version: string;
  started: string;
  metadata?: Record<string, string>;
  endpoints: EndpointStatsDocument[];
}
