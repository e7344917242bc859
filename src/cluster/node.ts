/**
 * startNode: a cluster node assembled from a loaded configuration. It connects (starting the embedded nats-server
 * when `nats.mode` is `embedded`), then runs a controller, a worker or both according to `mode`, with the
 * discovery timings, static workers and load-balancing strategy of the file, and registers itself as a NATS micro
 * service (src/cluster/node-service.ts) so that `nats micro ls` finds it. `stop()` drains in order: the worker
 * finishes its streams, the controller says goodbye, the service stops answering, the connection drains, the
 * embedded server stops.
 */
import { NatsClient, type RunningService } from '../client/index.js';
import { createLogger, type Logger } from '../base/logger.js';
import { DistributedError } from '../base/errors.js';
import type { ClusterConfig } from '../../generated/index.js';
import { Controller, type ControllerOptions } from './controller.js';
import { WorkerRegistry } from './registry.js';
import { toRuntimeOptions } from './runtime-options.js';
import { loadNodeIdentity } from './identity.js';
import { followUsersFile, type UsersFileFollower } from './users-reload.js';
import { Worker, type WorkerOptions } from './worker.js';
import { registerNodeService, StreamMeter } from './node-service.js';

/** What the configuration file cannot say: the engine and the machine of a worker, and tuning of the controller. */
export interface NodeOptions {
  /** Required when the node runs a worker: the engine and this machine's hardware and capabilities. */
  worker?: Omit<WorkerOptions, 'heartbeatIntervalMs' | 'workerId' | 'port'>;
  /** Controller tuning beyond the file (model sizes, attempts, timeouts). */
  controller?: Omit<ControllerOptions, 'strategy' | 'stickySessions'>;
  /** Logger; default: one built from `cluster.logging`. */
  logger?: Logger;
  /**
   * Register the node as a NATS micro service (`nats micro ls|info|stats`). Default: on. A node with a NATS key of its
   * own needs its server to grant it the `$SRV` subjects: the users file of `mlx-node credentials` does
   * (`usersAuthorization`); a server that refuses them stops the service, and the node runs on without it.
   */
  services?: boolean;
}

/** A running node. */
export interface ClusterNode {
  readonly client: NatsClient;
  /** Present in controller and dual mode. */
  readonly controller: Controller | undefined;
  /** Present in worker and dual mode. */
  readonly worker: Worker | undefined;
  /** The node's NATS micro service, unless it is off or could not start. */
  readonly service: RunningService | undefined;
  /** Drains and stops everything, in order. Safe twice. */
  stop(): Promise<void>;
}

/** Starts a node from `config`. See the module comment. */
export async function startNode(config: ClusterConfig, options: NodeOptions = {}): Promise<ClusterNode> {
  const { cluster } = config;
  const runsWorker = cluster.mode !== 'controller';
  const runsController = cluster.mode !== 'worker';
  if (runsWorker && options.worker === undefined) {
    throw new DistributedError(
      'INVALID_ARGUMENT',
      `cluster.mode is ${cluster.mode}, so this node runs a worker: pass startNode(config, { worker: { engine, hardware, capabilities } }).`,
    );
  }
  // A node with its own key learns its id (and, running the embedded server, whom it admits) before connecting.
  const identity = await loadNodeIdentity(config);
  const runtime = toRuntimeOptions(config, identity);
  const logger = options.logger ?? createLogger(runtime.logger);
  const client = new NatsClient({ logger });
  await client.connect(runtime.client);
  let users: UsersFileFollower | undefined;
  const usersFile = cluster.nats.embedded.users_file;
  if (identity?.self !== undefined && identity.users !== undefined && cluster.nats.mode === 'embedded' && typeof usersFile === 'string') {
    users = followUsersFile(usersFile, { client, self: identity.self, current: identity.users, logger });
  }
  // The worker's id is the one its key's rights are bound to.
  const workerId = identity !== undefined && identity.role !== 'controller' ? identity.id : cluster.worker.worker_id;

  let registry: WorkerRegistry | undefined;
  let controller: Controller | undefined;
  let worker: Worker | undefined;
  let service: RunningService | undefined;
  const meter = runsWorker ? new StreamMeter() : undefined;
  try {
    const { heartbeat_interval_ms: heartbeatIntervalMs, offline_timeout_ms: offlineTimeoutMs } = cluster.discovery;
    if (runsController) {
      registry = new WorkerRegistry(client, { heartbeatIntervalMs, offlineTimeoutMs, staticWorkers: cluster.workers.static, logger });
      controller = new Controller(client, registry, {
        ...options.controller,
        strategy: cluster.load_balancing.strategy,
        stickySessions: cluster.load_balancing.sticky_sessions,
        logger,
      });
      await registry.start();
    }
    if (runsWorker && options.worker !== undefined) {
      worker = new Worker(client, {
        logger,
        ...options.worker,
        engine: meter === undefined ? options.worker.engine : meter.engine(options.worker.engine),
        heartbeatIntervalMs,
        port: cluster.worker.port,
        ...(typeof workerId === 'string' ? { workerId } : {}),
      });
      await worker.start();
    }
    if (options.services ?? true) {
      service = await registerNodeService(client, { role: cluster.mode, workerId: worker?.workerId, meter, logger });
    }
  } catch (error) {
    users?.stop();
    await registry?.stop().catch(() => undefined);
    await client.disconnect();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    client,
    controller,
    worker,
    service,
    stop() {
      stopping ??= (async () => {
        users?.stop();
        await worker?.stop();
        if (registry !== undefined) {
          await registry.announce('controller_shutdown', 'The controller is stopping.');
          await registry.stop();
        }
        await service?.stop();
        await client.disconnect();
      })();
      return stopping;
    },
  };
}
