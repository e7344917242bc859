/**
 * One long-lived node as a service, from its configuration alone: NATS (embedded or external), the controller with
 * its OpenAI-compatible HTTP API (whose /metrics includes the inference metrics) and its dashboard on
 * controller.dashboard_port, the worker with the configured engine and its own /health and /metrics, and a drain in
 * order on stop: the API stops taking requests and lets running streams finish (controller.drain_timeout_ms), the
 * worker finishes its own and reports itself offline, then NATS drains and the dashboard closes.
 */
import { Registry } from 'prom-client';
import { createLogger, type Logger } from '../../base/logger.js';
import { redactUrl } from '../../base/redaction.js';
import type { ClusterConfig } from '../../../generated/index.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { InferenceMetrics } from '../inference-metrics.js';
import { ClientMetrics } from '../metrics.js';
import { startNode, type ClusterNode } from '../node.js';
import { toRuntimeOptions } from '../runtime-options.js';
import { startGateway, type Gateway } from '../gateway/gateway.js';
import { countedEngine, describeEngine, engineFromConfig } from './engine.js';
import { detectHardware, tiersFor } from './hardware.js';
import { serveWorkerEndpoints, type WorkerEndpoints } from './worker-endpoints.js';

/** A node running as a service. */
export interface RunningNode {
  readonly node: ClusterNode;
  /** The controller's HTTP API (controller and dual mode). */
  readonly api: Gateway | undefined;
  /** The worker's /health and /metrics (worker and dual mode). */
  readonly workerEndpoints: WorkerEndpoints | undefined;
  /** The controller's dashboard on controller.dashboard_port (controller and dual mode). */
  readonly dashboard: Dashboard | undefined;
  /** One line that says what runs where: mode, NATS, listeners, worker id. Never holds a credential. */
  readonly summary: string;
  /** Drains in order (see the module comment) and stops. Resolves with how many HTTP streams had to be cut. Safe twice. */
  stop(): Promise<{ cut: number }>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** Warnings about a configuration that runs, but not as its owner probably meant. Each is logged once at start. */
export function configWarnings(config: ClusterConfig, hardwareDetected: boolean): string[] {
  const { cluster } = config;
  const warnings: string[] = [];
  const runsController = cluster.mode !== 'worker';
  const { nats } = cluster;
  const shared = nats.user !== undefined || nats.token !== undefined;
  const credentials = shared || nats.nkey_seed_file !== undefined;
  if (runsController && !LOOPBACK.test(cluster.controller.bind_address)) {
    const open: string[] = [];
    if (cluster.controller.api_key === undefined) open.push('no controller.api_key (anyone who reaches it can run inference)');
    if (!credentials) open.push('no NATS credentials (anyone who reaches NATS can read prompts and send answers)');
    if (open.length > 0)
      warnings.push(
        `The HTTP API listens on ${cluster.controller.bind_address}, beyond this machine, with ${open.join(' and ')}. Set them, or bind to 127.0.0.1.`,
      );
  }
  // Other machines reach this NATS server: say once how far a stolen credential would go.
  if (nats.mode === 'embedded' && !LOOPBACK.test(nats.embedded.host) && nats.embedded.users_file === undefined) {
    warnings.push(
      shared
        ? `The embedded NATS server listens on ${nats.embedded.host} with one credential shared by every node, and no node identities: whoever holds it (any node, or anyone who took it from one) can read every prompt and answer as any worker. Give each node its own key: mlx-node credentials init, then add-worker (docs/security.md).`
        : `The embedded NATS server listens on ${nats.embedded.host} without credentials: anyone who reaches it can read prompts and send answers. Give each node its own key (mlx-node credentials init, then add-worker; docs/security.md), set nats.user and nats.password, or keep nats.embedded.host at 127.0.0.1.`,
    );
  }
  if (!cluster.discovery.enabled)
    warnings.push('discovery.enabled is false, which has no effect: workers always register and heartbeat over NATS. Remove the key.');
  if (cluster.mode !== 'controller' && !hardwareDetected) {
    warnings.push('This machine is not macOS on Apple silicon: the worker announces a placeholder hardware profile. Set worker.chip to announce another chip.');
  }
  return warnings;
}

/** Starts the node `config` describes. Rejects (after stopping what started) when any part cannot start. */
export async function runNode(config: ClusterConfig, options: { logger?: Logger } = {}): Promise<RunningNode> {
  const { cluster } = config;
  const logger = options.logger ?? createLogger(toRuntimeOptions(config).logger);
  const runsWorker = cluster.mode !== 'controller';
  const registry = new Registry();
  const metrics = new ClientMetrics({ registry });

  const { hardware, detected } = detectHardware(cluster.worker.chip ?? undefined);
  for (const warning of configWarnings(config, detected)) logger.warn(warning);
  const models = cluster.worker.models ?? (Object.keys(cluster.worker.engine.model_map).length > 0 ? Object.keys(cluster.worker.engine.model_map) : undefined);
  const node = await startNode(config, {
    logger,
    controller: { ackTimeoutMs: cluster.nats.request_timeout_ms },
    ...(runsWorker
      ? {
          worker: {
            engine: countedEngine(engineFromConfig(cluster.worker.engine), registry),
            hardware,
            capabilities: {
              maxConcurrent: cluster.worker.max_concurrent,
              supportedModelTiers: tiersFor(hardware.unifiedMemoryGB),
              availableMemoryGB: Math.max(0.1, Math.round(hardware.unifiedMemoryGB * 0.75 * 10) / 10),
              ...(models === undefined ? {} : { models }),
            },
            drainTimeoutMs: cluster.worker.drain_timeout_ms,
          },
        }
      : {}),
  });
  metrics.attach(node.client);
  // The controller's requests and workers, on the registry its HTTP API renders at /metrics.
  const controller = node.controller;
  let inference: InferenceMetrics | undefined;
  if (controller !== undefined) {
    inference = new InferenceMetrics({ registry, workers: controller.registry });
    inference.attach(controller);
  }

  let api: Gateway | undefined;
  let dashboard: Dashboard | undefined;
  let workerEndpoints: WorkerEndpoints | undefined;
  try {
    if (controller !== undefined) {
      dashboard = await startDashboard({
        controller,
        registry: controller.registry,
        host: cluster.controller.bind_address,
        port: cluster.controller.dashboard_port,
        offlineTimeoutMs: cluster.discovery.offline_timeout_ms,
      });
      api = await startGateway(controller, {
        host: cluster.controller.bind_address,
        port: cluster.controller.port,
        apiKey: cluster.controller.api_key ?? undefined,
        maxBodyBytes: cluster.controller.max_body_bytes,
        retryAfterS: Math.max(1, Math.ceil(cluster.discovery.heartbeat_interval_ms / 1000)),
        metrics: metrics,
        natsConnected: () => node.client.isConnected(),
        logger,
      });
    }
    const worker = node.worker;
    if (worker !== undefined) {
      workerEndpoints = await serveWorkerEndpoints({
        host: cluster.worker.bind_address,
        port: cluster.worker.port,
        metrics,
        health: () => ({
          ready: node.client.isConnected(),
          worker_id: worker.workerId,
          running: worker.running,
          max_concurrent: cluster.worker.max_concurrent,
        }),
      });
    }
  } catch (error) {
    await api?.drain(0);
    await dashboard?.close();
    inference?.close();
    await node.stop();
    throw error;
  }

  const health = await node.client.health();
  const natsUrl = redactUrl(health.server === undefined ? '?' : `nats://${health.server}`);
  const parts = [`mlx-node ${cluster.mode}`, `NATS ${cluster.nats.mode} at ${natsUrl}`];
  if (api !== undefined) parts.push(`HTTP API ${api.url}/v1 (health ${api.url}/health)`);
  if (dashboard !== undefined) parts.push(`dashboard ${dashboard.url}`);
  if (node.worker !== undefined && workerEndpoints !== undefined) {
    parts.push(
      `worker ${node.worker.workerId}: ${describeEngine(cluster.worker.engine)}, models ${models?.join(', ') ?? 'any'}, ${workerEndpoints.url}/health`,
    );
  }
  const summary = parts.join(' | ');

  let stopping: Promise<{ cut: number }> | undefined;
  return {
    node,
    api,
    workerEndpoints,
    dashboard,
    summary,
    stop() {
      stopping ??= (async () => {
        const { cut } = (await api?.drain(cluster.controller.drain_timeout_ms)) ?? { cut: 0 };
        if (cut > 0)
          logger.warn(
            { cut },
            `The drain period (controller.drain_timeout_ms = ${cluster.controller.drain_timeout_ms}) ended with ${cut} stream(s) still running; they were cut with an error event.`,
          );
        await node.stop();
        await workerEndpoints?.close();
        await dashboard?.close();
        inference?.close();
        return { cut };
      })();
      return stopping;
    },
  };
}
