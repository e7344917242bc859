/**
 * The `mlx-node` command: runs one node of the cluster from its configuration file until SIGTERM or SIGINT, then
 * drains (a second signal stops at once). `--check` validates the file and prints the effective configuration,
 * every default filled in and every secret hidden, without starting anything.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ConfigValidationError, DistributedError, describe } from '../../base/errors.js';
import { createLogger } from '../../base/logger.js';
import { redactSecrets } from '../../base/redaction.js';
import { DEFAULT_CLUSTER_CONFIG_PATH, clusterConfigSpec, loadClusterConfig } from '../config.js';
import { toRuntimeOptions } from '../runtime-options.js';
import { runNode } from './run-node.js';
import { EXIT, processIo, type CliIo } from './cli-io.js';
import { runCredentials } from './credentials.js';

export { EXIT, type CliIo } from './cli-io.js';

const USAGE = `Usage: mlx-node [--config <file>] [--check]
       mlx-node credentials <init | add-worker <name> | remove-worker <name> | list> [--config <file>]

Runs one node of the MLX inference cluster (controller, worker or dual, from cluster.mode) until SIGTERM or
SIGINT, then drains: the HTTP API stops taking requests and running streams finish, the worker reports itself
offline, NATS drains. A second signal stops at once.

  --config <file>  the configuration (default ${DEFAULT_CLUSTER_CONFIG_PATH}); \${VAR} and \${VAR:-default} come from the environment
  --check          validate the file, print the effective configuration (secrets hidden) and exit
  --help           show this text

mlx-node credentials gives each node its own NATS key (mlx-node credentials --help for more):
  init                  the controller's own key and the users file its embedded NATS server admits
  add-worker <name>     a worker's id and key: writes its seed file (0600), lists it in the users file, and
                        prints the worker's config lines (worker_id, nkey_seed_file); a running server reloads
  remove-worker <name>  revokes a worker: the running server disconnects it and refuses it from then on
  list                  the nodes in the users file

Exit codes: 0 stopped cleanly (or --check: valid, or credentials: done), 1 could not start or failed,
2 wrong command line, 3 invalid configuration, 128 + the signal's number when a second signal stopped it at once.`;

const SIGNAL_NUMBER: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

/** Runs the command with `argv` (without node and the script); resolves with the exit code. */
export async function runMlxNode(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv[0] === 'credentials') return runCredentials(argv.slice(1), io);
  let values: { config?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { config: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    io.err(`mlx-node: ${describe(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const path = values.config ?? DEFAULT_CLUSTER_CONFIG_PATH;
  let config;
  try {
    config = await loadClusterConfig(path);
  } catch (error) {
    io.err(`mlx-node: ${error instanceof DistributedError ? error.message : describe(error)}`);
    return error instanceof ConfigValidationError || (error instanceof DistributedError && error.code.startsWith('CONFIG')) ? EXIT.invalidConfig : EXIT.failed;
  }
  if (values.check === true) {
    io.out(
      `# ${path}: valid. The effective configuration, defaults filled in, secrets hidden:\n${stringify(redactSecrets(config, clusterConfigSpec.secretKeys))}`,
    );
    return EXIT.ok;
  }

  const logger = createLogger(toRuntimeOptions(config).logger);
  let running;
  try {
    running = await runNode(config, { logger });
  } catch (error) {
    const text = error instanceof DistributedError ? error.message : describe(error);
    logger.error({ code: error instanceof DistributedError ? error.code : undefined }, `mlx-node could not start: ${text}`);
    logger.flush();
    io.err(`mlx-node: could not start: ${text}`);
    return EXIT.failed;
  }
  io.err(running.summary);
  logger.info({ summary: running.summary }, 'mlx-node ready');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'Second signal: stopping at once');
        logger.flush();
        resolve(128 + (SIGNAL_NUMBER[signal] ?? 1));
        return;
      }
      stopping = true;
      logger.info({ signal }, 'Draining: no new requests; running streams may finish');
      running.stop().then(
        ({ cut }) => {
          logger.info({ cut }, 'mlx-node stopped');
          logger.flush();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(EXIT.ok);
        },
        (error: unknown) => {
          logger.error({ error: describe(error) }, 'Stopping failed');
          logger.flush();
          resolve(EXIT.failed);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Reconnecting gave up (nats.max_reconnect_attempts): a node without NATS serves nothing, so exit and let the
    // supervisor (launchd, systemd) start it again rather than linger as a live process that is dead inside.
    running.node.client.on('closed', () => {
      if (stopping) return;
      stopping = true;
      logger.error(
        'The NATS connection closed for good (nats.max_reconnect_attempts used up); stopping with exit code 1 so that a supervisor restarts the node',
      );
      void running
        .stop()
        .catch(() => undefined)
        .finally(() => {
          logger.flush();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(EXIT.failed);
        });
    });
  });
}
