/**
 * Wiring: turns a loaded cluster configuration into the options the runtime takes, so a node can start from the
 * file alone: NatsClient connect options, EmbeddedNatsServer options (embedded mode), and logger options.
 */
import type { LoggerOptions } from '../base/logger.js';
import type { NatsClientOptions, TlsOptions } from '../client/index.js';
import type { EmbeddedServerOptions } from '../server/index.js';
import type { ClusterConfig } from '../../generated/index.js';
import type { NodeIdentity } from './identity.js';
import { usersAuthorization } from './users-file.js';

type NatsConfig = ClusterConfig['cluster']['nats'];

/** Everything the runtime needs to start a node. */
export interface RuntimeOptions {
  /** Options of `NatsClient.connect()`. In embedded mode they include the embedded server's options too. */
  client: NatsClientOptions;
  /**
   * Options of the embedded nats-server; undefined in external mode. The same object as `client.embedded`, for
   * callers that start the server themselves.
   */
  embedded: EmbeddedServerOptions | undefined;
  /** Options of `createLogger()`. */
  logger: LoggerOptions;
}

/**
 * Maps the configuration to runtime options. Credentials set under `cluster.nats` are used by the client and, in
 * embedded mode, required by the embedded server (so other machines cannot connect without them). TLS and server
 * URLs apply to external mode only. A node with its own key (`nats.nkey_seed_file`) signs with it and reads its
 * replies under its own inbox prefix, given by `identity` (`loadNodeIdentity`); with a users file, the identity also
 * brings the users the embedded server admits, each with its role's permissions.
 */
export function toRuntimeOptions(config: ClusterConfig, identity?: NodeIdentity): RuntimeOptions {
  const { nats, logging, mode } = config.cluster;
  const embedded = nats.mode === 'embedded' ? embeddedOptions(nats) : undefined;
  if (embedded !== undefined && identity?.users !== undefined) embedded.authorization = usersAuthorization(identity.users);
  const client: NatsClientOptions = {
    mode: nats.mode,
    name: `mlx-serving-${mode}`,
    reconnect: nats.reconnect,
    maxReconnectAttempts: nats.max_reconnect_attempts,
    reconnectTimeWait: nats.reconnect_time_wait,
    requestTimeout: nats.request_timeout_ms,
    ...credentials(nats),
  };
  if (typeof nats.nkey_seed_file === 'string') client.nkeySeedFile = nats.nkey_seed_file;
  if (identity !== undefined) client.inboxPrefix = identity.inboxPrefix;
  if (embedded !== undefined) {
    client.embedded = embedded;
  } else {
    if (typeof nats.server_url === 'string') client.serverUrl = nats.server_url;
    if (nats.servers !== undefined) client.servers = [...nats.servers];
    const tls = tlsOptions(nats);
    if (tls !== undefined) client.tls = tls;
  }
  const logger: LoggerOptions = { level: logging.level, format: logging.format };
  if (typeof logging.file === 'string') logger.destination = logging.file;
  return { client, embedded, logger };
}

function credentials(nats: NatsConfig): Pick<NatsClientOptions, 'user' | 'password' | 'token'> {
  const out: Pick<NatsClientOptions, 'user' | 'password' | 'token'> = {};
  if (typeof nats.user === 'string') out.user = nats.user;
  if (typeof nats.password === 'string') out.password = nats.password;
  if (typeof nats.token === 'string') out.token = nats.token;
  return out;
}

function embeddedOptions(nats: NatsConfig): EmbeddedServerOptions {
  const { embedded } = nats;
  const options: EmbeddedServerOptions = {
    port: embedded.port,
    httpPort: embedded.http_port,
    host: embedded.host,
    jetstream: embedded.jetstream.enabled,
    logLevel: embedded.log_level,
  };
  if (embedded.jetstream.enabled) options.storeDir = embedded.jetstream.store_dir;
  if (typeof nats.user === 'string' && typeof nats.password === 'string') options.auth = { user: nats.user, password: nats.password };
  else if (typeof nats.token === 'string') options.auth = { token: nats.token };
  return options;
}

function tlsOptions(nats: NatsConfig): TlsOptions | undefined {
  const tls = nats.tls;
  if (tls === undefined) return undefined;
  const out: TlsOptions = {};
  if (tls.ca !== undefined) out.ca = tls.ca;
  if (tls.cert !== undefined) out.cert = tls.cert;
  if (tls.key !== undefined) out.key = tls.key;
  return out;
}
