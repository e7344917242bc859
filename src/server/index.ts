/**
 * The embedded server's public face: what the client and the package entry may use. Everything else in this
 * folder (config file, logs, readiness probes, watchdog) is internal to the server.
 */
export {
  EmbeddedNatsServer,
  type EmbeddedServerExit,
  type EmbeddedServerEvents,
  type EmbeddedServerListener,
  type EmbeddedNatsServerConfig,
} from './embedded-server.js';
export { findNatsServer } from './find-binary.js';
export type { EmbeddedAuthorization, EmbeddedNkeyUser, EmbeddedServerOptions, EmbeddedServerReload } from './types.js';
