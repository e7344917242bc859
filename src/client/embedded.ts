/**
 * The one seam between the client and the embedded server: in embedded mode the client asks for a running server
 * and gets back its URL, a way to stop it or reload its users, and a report when it dies. The client owns no process
 * code; all of it lives behind the server's public face.
 */
import type { DistributedError } from '../base/errors.js';
import { NatsServerExitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { EmbeddedNatsServer, type EmbeddedServerOptions, type EmbeddedServerReload } from '../server/index.js';

export type { EmbeddedServerOptions, EmbeddedServerReload };

/** A running embedded server, as the client sees it. */
export interface EmbeddedServerHandle {
  /** The URL clients connect to. */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); an exit through here is never reported as a crash. */
  stop(): Promise<void>;
  /** Applies new users to the running server (SIGHUP) and resolves once it has reloaded. */
  reload(update: EmbeddedServerReload): Promise<void>;
  /** The server itself, for diagnostics (pid, logs); the client uses only `url` and `stop`. */
  readonly server: EmbeddedNatsServer;
}

/**
 * Starts a server with `options`. `onCrash` receives a `NatsServerExitError` (code, signal, last log lines) when the
 * server exits without being asked to.
 */
export async function startEmbeddedServer(
  options: EmbeddedServerOptions,
  logger: Logger,
  onCrash: (error: DistributedError) => void,
): Promise<EmbeddedServerHandle> {
  const server = new EmbeddedNatsServer({ logger });
  await server.start(options);
  server.on('exit', (info) => {
    if (!info.expected) onCrash(new NatsServerExitError(info.code, info.signal, info.logs));
  });
  return { url: server.getUrl(), stop: () => server.stop(), reload: (update) => server.reload(update), server };
}
