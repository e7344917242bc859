/** Public types of the embedded nats-server. */
import type { NatsUserPermissions } from '../contract/permissions.js';

/** A user the server admits by its public nkey (`U...`), limited to `permissions` (e.g. from `natsPermissions`). */
export interface EmbeddedNkeyUser {
  nkey: string;
  permissions: NatsUserPermissions;
}

/** Per-node users: only a client that signs with one of their nkeys connects. */
export interface EmbeddedAuthorization {
  /** At least one: nats-server reads an empty list as no authentication at all. */
  users: readonly EmbeddedNkeyUser[];
}

/** What `EmbeddedNatsServer.reload()` can change on a running server. */
export interface EmbeddedServerReload {
  /** The new users; connections of users no longer listed are closed by the server. */
  authorization?: EmbeddedAuthorization;
}

/** Options for an embedded nats-server child process. See `EmbeddedNatsServer`. */
export interface EmbeddedServerOptions {
  /** Client port. Default 4222. `0` picks a free port without a probe-then-bind race. */
  port?: number;
  /** Monitoring port (`/healthz`, `/varz`). Default 8222. `0` picks a free port. */
  httpPort?: number;
  /** Interface to bind, client and monitoring ports alike. Default `127.0.0.1`; never `0.0.0.0` unless asked. */
  host?: string;
  /** Enable JetStream. Default false. */
  jetstream?: boolean;
  /** JetStream store directory. */
  storeDir?: string;
  /** Server log level. Default `info`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Explicit path of the nats-server binary (takes precedence over NATS_SERVER_BIN, PATH and the usual places). */
  binary?: string;
  /** Extra command-line arguments passed to nats-server as they are. */
  args?: readonly string[];
  /** Extra nats-server configuration text, appended to the generated config file. */
  config?: string;
  /** Credentials clients must present. Written to a 0600 config file, never on the command line. */
  auth?: { user: string; password: string } | { token: string };
  /**
   * nkey users, each with its own permissions, instead of `auth`. Written to the 0600 config file; `reload()`
   * changes them without a restart.
   */
  authorization?: EmbeddedAuthorization;
  /**
   * Where nats-server writes its pid. Default: its private directory (`getPidFile()`). Another process can make the
   * server re-read its config file with `nats-server --signal reload=<file>`; the file is removed when it stops.
   */
  pidFile?: string;
  /** Join or form a NATS cluster. */
  cluster?: {
    /** Cluster name; every node of one cluster uses the same. */
    name: string;
    /** Route port. `0` picks a free one. */
    port: number;
    /** Route URLs of the other nodes, e.g. `nats-route://127.0.0.1:6222`. */
    routes?: readonly string[];
  };
  /** Server name, shown in logs and `health()`. */
  serverName?: string;
  /** Maximum payload in bytes the server accepts (nats-server default 1 MB). */
  maxPayload?: number;
  /** How long `start()` waits for readiness before it fails. Default 5000 ms. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 3000 ms. */
  stopGraceMs?: number;
  /** How many recent log lines `getLogs()` keeps. Default 200. */
  logLines?: number;
}
