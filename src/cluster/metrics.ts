/** Metric names of the cluster: every metric of a node is prefixed `mlx_distributed_`. */
import { NatsClientMetrics, type ClientMetricsOptions } from '../metrics/client-metrics.js';

/** Prefix of every metric a cluster node exports. */
export const CLUSTER_METRIC_PREFIX = 'mlx_distributed_';

/**
 * Prometheus metrics of one or more NatsClients (those of `CLIENT_METRICS`), named for the cluster:
 * `mlx_distributed_messages_published_total` and so on. `attach(client)` starts counting, `metrics()` renders the
 * Prometheus text format, `serve()` exposes it over HTTP on loopback. `prefix` overrides the name prefix.
 */
export class ClientMetrics extends NatsClientMetrics {
  constructor(options: ClientMetricsOptions = {}) {
    super({ ...options, prefix: options.prefix ?? CLUSTER_METRIC_PREFIX });
  }
}
