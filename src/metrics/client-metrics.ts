/**
 * Prometheus metrics of NatsClient, on a prom-client registry: messages published, received,
 * rejected as invalid and dropped by slow subscriptions, per channel; request latency; reconnects; connection state.
 *
 * Off unless a metrics object is attached. The client then counts into plain per-label number records (see
 * src/client/metrics-sink.ts); the counters are filled from them only when the registry is scraped, so a message
 * costs one field increment, never a label hash.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChannelCounts, ClientMetricsSink, ConnectionState, NatsClient } from '../client/index.js';
import { serveMetrics, type MetricsServer, type MetricsServerOptions } from './http.js';

/** Options of {@link NatsClientMetrics}. */
export interface ClientMetricsOptions {
  /** Registry to register in. Default: a new one (not prom-client's global registry). */
  registry?: Registry;
  /** Prefix of every metric name. Default `nats_client_`; the package entry's ClientMetrics uses the cluster's. */
  prefix?: string;
  /** Buckets of the request latency histogram, in seconds. Default 0.5 ms to 10 s. */
  latencyBuckets?: readonly number[];
  /** Most distinct channel labels kept; later ones are counted under `_other`. Default 500. */
  maxLabels?: number;
}

const STATES: readonly ConnectionState[] = ['disconnected', 'connecting', 'connected', 'reconnecting', 'draining', 'closed'];
const DEFAULT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Label of channels past `maxLabels`, so a caller that labels by concrete subject cannot grow the registry without end. */
export const OVERFLOW_LABEL = '_other';

type LatencyChild = ReturnType<Histogram<'channel' | 'outcome'>['labels']>;

/**
 * Every metric of {@link NatsClientMetrics}, by its name after the prefix: what it says (its HELP text) and its
 * labels. `channel` is the channel id for generated channels, `_generic` for the generic API unless `metricsLabel`
 * says otherwise; `outcome` is `ok` or the error's code; `state` a connection state.
 */
export const CLIENT_METRICS = {
  messages_published_total: { help: 'Messages accepted by publish (sent, or kept during an outage and sent after it).', labels: ['channel'] },
  messages_received_total: { help: 'Messages decoded, validated and handed to a handler.', labels: ['channel'] },
  messages_rejected_total: { help: 'Incoming messages that failed to decode or validate; the handler was not called.', labels: ['channel'] },
  messages_dropped_total: { help: 'Incoming messages dropped because the subscription had maxInFlight handlers running.', labels: ['channel'] },
  messages_unknown_fields_total: {
    help: 'Unknown properties stripped from received messages by the tolerant reader (a peer on a newer contract); the messages were received.',
    labels: ['channel'],
  },
  request_duration_seconds: { help: 'Time from request() to its outcome (ok, or the error code such as NATS_TIMEOUT).', labels: ['channel', 'outcome'] },
  reconnects_total: { help: 'Successful reconnects to NATS after a lost connection.', labels: [] },
  connection_state: { help: 'Attached clients in each connection state (1 for the current state of a single client).', labels: ['state'] },
} as const satisfies Record<string, { help: string; labels: readonly string[] }>;

/**
 * Metrics of one or more NatsClients: those of {@link CLIENT_METRICS}, each name after the `prefix` option.
 * `attach(client)` starts counting; `metrics()` returns the Prometheus text exposition format; `serve()` exposes it
 * over HTTP on loopback.
 */
export class NatsClientMetrics implements ClientMetricsSink {
  /** The registry the metrics live in. */
  readonly registry: Registry;
  private readonly records = new Map<string, ChannelCounts>();
  private readonly latency: Histogram<'channel' | 'outcome'>;
  private readonly latencyChildren = new Map<string, LatencyChild>();
  private readonly clients = new Map<NatsClient, () => void>();
  private readonly maxLabels: number;
  private reconnects = 0;

  constructor(options: ClientMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.maxLabels = options.maxLabels ?? 500;
    const prefix = options.prefix ?? 'nats_client_';
    const registers = [this.registry];
    const perChannel = (name: keyof typeof CLIENT_METRICS, field: keyof ChannelCounts): void => {
      const records = this.records;
      new Counter({
        name: `${prefix}${name}`,
        help: CLIENT_METRICS[name].help,
        labelNames: ['channel'],
        registers,
        collect() {
          this.reset();
          for (const [channel, counts] of records) this.inc({ channel }, counts[field]);
        },
      });
    };
    perChannel('messages_published_total', 'published');
    perChannel('messages_received_total', 'received');
    perChannel('messages_rejected_total', 'rejected');
    perChannel('messages_dropped_total', 'dropped');
    perChannel('messages_unknown_fields_total', 'unknownFields');
    this.latency = new Histogram({
      name: `${prefix}request_duration_seconds`,
      help: CLIENT_METRICS.request_duration_seconds.help,
      labelNames: [...CLIENT_METRICS.request_duration_seconds.labels],
      buckets: [...(options.latencyBuckets ?? DEFAULT_BUCKETS)],
      registers,
    });
    const reconnects = (): number => this.reconnects;
    new Counter({
      name: `${prefix}reconnects_total`,
      help: CLIENT_METRICS.reconnects_total.help,
      registers,
      collect() {
        this.reset();
        this.inc(reconnects());
      },
    });
    const clients = this.clients;
    new Gauge({
      name: `${prefix}connection_state`,
      help: CLIENT_METRICS.connection_state.help,
      labelNames: [...CLIENT_METRICS.connection_state.labels],
      registers,
      collect() {
        for (const state of STATES) this.set({ state }, 0);
        for (const client of clients.keys()) this.inc({ state: client.getConnectionState() });
      },
    });
  }

  /** Starts counting `client`'s messages, requests, reconnects and state. Returns a function that stops it. */
  attach(client: NatsClient): () => void {
    const existing = this.clients.get(client);
    if (existing !== undefined) return existing;
    const onReconnected = (): void => {
      this.reconnects += 1;
    };
    client.on('reconnected', onReconnected);
    client.setMetrics(this);
    const detach = (): void => {
      if (!this.clients.delete(client)) return;
      client.off('reconnected', onReconnected);
      client.setMetrics(undefined);
    };
    this.clients.set(client, detach);
    return detach;
  }

  /** Stops counting `client` (totals so far are kept). */
  detach(client: NatsClient): void {
    this.clients.get(client)?.();
  }

  /** The metrics in the Prometheus text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of {@link metrics}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Serves {@link metrics} over HTTP (default host 127.0.0.1, path /metrics). */
  serve(options: MetricsServerOptions): Promise<MetricsServer> {
    return serveMetrics(this, options);
  }

  /** @internal The record of `label`, shared by every message with that label (see ClientMetricsSink). */
  channel(label: string): ChannelCounts {
    let counts = this.records.get(label);
    if (counts === undefined) {
      if (this.records.size >= this.maxLabels && label !== OVERFLOW_LABEL) return this.channel(OVERFLOW_LABEL);
      counts = { published: 0, received: 0, rejected: 0, dropped: 0, unknownFields: 0 };
      this.records.set(label, counts);
    }
    return counts;
  }

  /** @internal Records one request's duration (see ClientMetricsSink). */
  requestFinished(label: string, seconds: number, outcome: string): void {
    const key = `${label}\n${outcome}`;
    let child = this.latencyChildren.get(key);
    if (child === undefined) {
      const channel = this.records.has(label) || this.records.size < this.maxLabels ? label : OVERFLOW_LABEL;
      child = this.latency.labels({ channel, outcome });
      this.latencyChildren.set(key, child);
    }
    child.observe(seconds);
  }
}
