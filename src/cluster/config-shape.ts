/**
 * The structure of a loaded cluster configuration, written by hand so `src/` does not import `generated/`.
 * It mirrors schemas/cluster-config.schema.json after defaults: the generated `ClusterConfig` type is assignable
 * to it. Optional members are the keys without a default; `null` ("not set") is removed by the loader.
 */

/** Role of a node. */
export type ClusterMode = 'controller' | 'worker' | 'dual';

/** Log levels of the node and of the embedded server. */
export type ConfigLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `cluster.nats`. */
export interface NatsConfigShape {
  mode: 'embedded' | 'external';
  server_url?: string | null;
  servers?: readonly string[];
  user?: string | null;
  password?: string | null;
  token?: string | null;
  tls?: { ca?: string; cert?: string; key?: string };
  embedded: {
    port: number;
    http_port: number;
    host: string;
    jetstream: { enabled: boolean; store_dir: string };
    log_level: ConfigLogLevel;
  };
  reconnect: boolean;
  max_reconnect_attempts: number;
  reconnect_time_wait: number;
  request_timeout_ms: number;
}

/** A loaded cluster configuration (every default filled in). */
export interface ClusterConfigShape {
  cluster: {
    mode: ClusterMode;
    nats: NatsConfigShape;
    controller: { bind_address: string; port: number; dashboard_port: number };
    worker: { port: number; worker_id?: string | null };
    discovery: { enabled: boolean; heartbeat_interval_ms: number; offline_timeout_ms: number };
    workers: { static: readonly { ip: string; port: number; name: string; priority: number }[] };
    load_balancing: { strategy: 'round_robin' | 'least_loaded' | 'hardware_aware'; sticky_sessions: boolean };
    logging: { level: ConfigLogLevel; format: 'json' | 'text'; file?: string | null };
  };
}
