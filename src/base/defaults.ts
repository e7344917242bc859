/**
 * The programmatic defaults of the runtime, in one table: what NatsClient (its connection and its subscriptions),
 * natsPermissions, the controller and EmbeddedNatsServer use when an option is not given. A configuration file has
 * its own defaults, in its JSON Schema; a test checks that the two agree where they describe the same setting.
 */
export const RUNTIME_DEFAULTS = {
  /** NatsClient.connect() options. */
  client: {
    reconnect: true,
    maxReconnectAttempts: 10,
    reconnectTimeWait: 2000,
    reconnectMaxWait: 30_000,
    connectTimeout: 5000,
    requestTimeout: 5000,
    maxPendingBytes: 8 * 1024 * 1024,
    drainTimeout: 10_000,
  },
  /** NatsClient.subscribe() and reply() options. */
  subscription: {
    /** Handlers of one subscription running at once: enough for any sane handler, small enough to bound memory. */
    maxInFlight: 1000,
  },
  /** natsPermissions() options: nats-server's own defaults for `allow_responses`, written out. */
  permissions: {
    /** Replies a replying role may send per request it receives. */
    maxResponses: 1,
    /** How long after a request its replies may be sent (a nats-server duration). */
    responseTtl: '2m',
  },
  /** Controller and streamInference options. */
  inference: {
    /** Workers tried for one request, moves included. */
    maxAttempts: 3,
    /** How long the controller waits for a worker's acknowledgement. */
    ackTimeoutMs: 5000,
    /** A worker silent for this long during a stream is lost. */
    idleTimeoutMs: 30_000,
  },
  /** EmbeddedNatsServer options. */
  embedded: {
    port: 4222,
    httpPort: 8222,
    host: '127.0.0.1',
    logLevel: 'info',
    startTimeoutMs: 5000,
    stopGraceMs: 3000,
    logLines: 200,
  },
} as const;
