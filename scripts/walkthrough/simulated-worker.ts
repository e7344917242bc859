/**
 * A simulated MLX worker for the walkthrough: registers, heartbeats, accepts inference jobs up to its capacity
 * and streams a canned answer token by token, all through the generated typed channels.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { channels, serveInference, type InferenceAck, type NatsClient, type Subscription, type WorkerHeartbeat, type WorkerRegistration } from '../../src/index.js';

/** Options of {@link startSimulatedWorker}. */
export interface SimulatedWorkerOptions {
  workerId?: string;
  port: number;
  heartbeatIntervalMs: number;
  maxConcurrent?: number;
  /** Delay between tokens, to look like a model generating. */
  tokenDelayMs?: number;
  /** Called when a heartbeat cannot be sent (e.g. during an outage); default: ignore, the next one follows. */
  onPublishError?: (error: unknown) => void;
}

/** A running simulated worker. */
export interface SimulatedWorker {
  readonly workerId: string;
  stop(): Promise<void>;
}

const ANSWER = 'NATS carries every token from the worker to the controller as a typed, validated message .'.split(' ');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the worker on `client`: serves `worker.{workerId}.inference`, registers, and heartbeats until stopped. */
export async function startSimulatedWorker(client: NatsClient, options: SimulatedWorkerOptions): Promise<SimulatedWorker> {
  const workerId = options.workerId ?? randomUUID();
  const maxConcurrent = options.maxConcurrent ?? 4;
  const tokenDelayMs = options.tokenDelayMs ?? 2;
  const onPublishError = options.onPublishError ?? ((): void => undefined);
  let active = 0;
  let handled = 0;
  let totalLatencyMs = 0;

  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await serveInference(client, workerId, {
      accept(request): InferenceAck {
        if (active >= maxConcurrent) return { requestId: request.requestId, workerId, status: 'refused', reason: 'at_capacity' };
        active += 1;
        return { requestId: request.requestId, workerId, status: 'accepted' };
      },
      async *generate(request) {
        const started = performance.now();
        try {
          const limit = Math.min(request.maxTokens ?? ANSWER.length, ANSWER.length);
          for (let i = 0; i < limit; i++) {
            await sleep(tokenDelayMs);
            yield `${ANSWER[i] ?? ''} `;
          }
        } finally {
          active -= 1;
          handled += 1;
          totalLatencyMs += performance.now() - started;
          reportLoad();
        }
      },
    }),
  );

  // A finished job changes the worker's load, so report it at once instead of waiting for the next tick.
  const reportLoad = (): void => {
    channels.workerHeartbeat.publish(client, heartbeat()).catch(onPublishError);
  };

  const registration: WorkerRegistration = {
    workerId,
    hostname: os.hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'localhost',
    ip: '127.0.0.1',
    port: options.port,
    hardware: {
      chip: 'Apple M2 Ultra',
      performanceCores: 16,
      efficiencyCores: 8,
      gpuCores: 76,
      neuralEngineCores: 32,
      unifiedMemoryGB: 192,
      macOSVersion: '15.1',
    },
    capabilities: { maxConcurrent, supportedModelTiers: ['tiny', 'small', 'medium', 'large'], availableMemoryGB: 160 },
    status: 'online',
    timestamp: Date.now(),
  };
  await channels.workerRegister.publish(client, registration);

  const heartbeat = (): WorkerHeartbeat => ({
    workerId,
    status: 'online',
    metrics: {
      cpuUsagePercent: Math.min(100, 5 + active * 20),
      memoryUsedGB: 32 + active * 4,
      gpuUtilizationPercent: Math.min(100, active * 25),
      activeRequests: active,
      totalRequestsHandled: handled,
      avgLatencyMs: handled === 0 ? 0 : totalLatencyMs / handled,
      modelsLoaded: ['mlx-community/Llama-3.2-3B-Instruct-4bit'],
    },
    timestamp: Date.now(),
  });
  await channels.workerHeartbeat.publish(client, heartbeat());
  const timer = setInterval(reportLoad, options.heartbeatIntervalMs);
  timer.unref();

  return {
    workerId,
    async stop() {
      clearInterval(timer);
      await Promise.all(subscriptions.map((s) => s.unsubscribe()));
    },
  };
}
