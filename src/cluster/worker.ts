/**
 * Worker: serves inference on `worker.{workerId}.inference` with an engine, registers on start and again when a
 * controller asks (`cluster.announce`), heartbeats its real load every `heartbeatIntervalMs` and soon after jobs
 * end, refuses work past `maxConcurrent` (or while draining) with a reason, aborts a job when the controller
 * cancels it, and on stop finishes running streams before its last heartbeat goes out as `offline`. Everything it
 * says for itself goes out on subjects that name it (`worker.{workerId}.register`, `worker.{workerId}.heartbeat`,
 * `response.{workerId}.{requestId}`), where NATS permissions can hold it to its own id.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { silentLogger, type Logger } from '../base/logger.js';
import {
  channels,
  type HardwareProfile,
  type InferenceAck,
  type InferenceRequest,
  type ModelTier,
  type WorkerHeartbeat,
  type WorkerRegistration,
} from '../../generated/index.js';
import { cutAtStop } from './stop-sequences.js';
import { serveInference, type InferenceService } from './streaming.js';
import { traceGeneration } from './tracing.js';

/** What runs the model. `generate` yields the text of each token; it should stop when `signal` aborts. */
export interface InferenceEngine {
  generate(request: InferenceRequest, signal: AbortSignal): AsyncIterable<string> | Iterable<string>;
}

/** Live figures of the machine for heartbeats; the worker fills in its own request counts. */
export interface WorkerMetricsSample {
  cpuUsagePercent: number;
  memoryUsedGB: number;
  gpuUtilizationPercent: number;
  modelsLoaded: string[];
}

/** Options of a {@link Worker}. */
export interface WorkerOptions {
  /** The worker's identity (UUID). Default: a new one. */
  workerId?: string;
  engine: InferenceEngine;
  hardware: HardwareProfile;
  /** What the worker offers; `models` lists the model ids it serves (absent: any). */
  capabilities: { maxConcurrent: number; supportedModelTiers: ModelTier[]; availableMemoryGB: number; models?: string[] };
  /** Address and port the worker announces. Default: the first non-internal IPv4 address (else 127.0.0.1), port 8082. */
  ip?: string;
  port?: number;
  /** Host name announced. Default: `os.hostname()` if it is a valid host name, else `localhost`. */
  hostname?: string;
  heartbeatIntervalMs: number;
  /** Machine figures for heartbeats. Default: CPU from the load average, memory from the OS, no GPU figure. */
  metrics?: () => WorkerMetricsSample;
  /** How long `stop()` lets running jobs finish before aborting them. Default 30000 ms. */
  drainTimeoutMs?: number;
  logger?: Logger;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function defaultIp(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

function defaultMetrics(): WorkerMetricsSample {
  const cores = Math.max(1, os.cpus().length);
  return {
    cpuUsagePercent: Math.min(100, Math.round(((os.loadavg()[0] ?? 0) / cores) * 1000) / 10),
    memoryUsedGB: Math.round(((os.totalmem() - os.freemem()) / 1024 ** 3) * 100) / 100,
    gpuUtilizationPercent: 0,
    modelsLoaded: [],
  };
}

/** A worker node. See the module comment. */
export class Worker {
  readonly workerId: string;
  /**
   * This run of the worker: new for every Worker, sent in its registration, heartbeats and acceptances, so that a
   * controller learns at once when a worker restarted under the same `workerId`, and which run took a job.
   */
  readonly instanceId = randomUUID();
  private service: InferenceService | undefined;
  private announcements: Subscription | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatSoon: NodeJS.Timeout | undefined;
  private lastHeartbeatAt = 0;
  private draining = false;
  private active = 0;
  private handled = 0;
  private totalLatencyMs = 0;
  private readonly started = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly client: ChannelTransport,
    private readonly options: WorkerOptions,
  ) {
    this.workerId = options.workerId ?? randomUUID();
    this.log = (options.logger ?? silentLogger()).child({ component: 'worker', workerId: this.workerId });
  }

  /** Requests running now. */
  get running(): number {
    return this.active;
  }

  /** Serves, listens to announcements, registers, and starts heartbeating. */
  async start(): Promise<void> {
    const maxConcurrent = this.options.capabilities.maxConcurrent;
    this.service = await serveInference(this.client, this.workerId, {
      accept: (request): InferenceAck => {
        const refuse = (reason: 'at_capacity' | 'shutting_down'): InferenceAck => ({
          requestId: request.requestId,
          workerId: this.workerId,
          status: 'refused',
          reason,
        });
        if (this.draining) return refuse('shutting_down');
        if (this.active >= maxConcurrent) return refuse('at_capacity');
        this.active += 1;
        this.started.set(request.requestId, performance.now());
        return { requestId: request.requestId, workerId: this.workerId, instanceId: this.instanceId, status: 'accepted' };
      },
      // With an OpenTelemetry SDK registered, the generation is a span (child of the request's handling).
      generate: (request, signal) => traceGeneration(request, this.workerId, signal, cutAtStop(this.options.engine.generate(request, signal), request.stop)),
      finished: (request) => {
        this.active -= 1;
        this.handled += 1;
        this.totalLatencyMs += performance.now() - (this.started.get(request.requestId) ?? performance.now());
        this.started.delete(request.requestId);
        if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        this.heartbeatAfterJob();
      },
    });
    this.announcements = await channels.clusterAnnounce.subscribe(this.client, (announcement) => {
      if (announcement.event === 'reregister' || announcement.event === 'controller_online') void this.register();
    });
    await this.register();
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    this.log.info({ maxConcurrent }, 'Worker started');
  }

  /**
   * Drains: refuses new work, lets running streams finish (aborting them after `drainTimeoutMs`), sends its last
   * heartbeat as `offline`, and stops listening.
   */
  async stop(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.heartbeatSoon);
    if (this.active > 0) {
      const drainTimeoutMs = this.options.drainTimeoutMs ?? 30_000;
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => {
          resolve('timeout');
        }, drainTimeoutMs);
      });
      if ((await Promise.race([idle, timeout])) === 'timeout') {
        this.log.warn({ running: this.active }, 'Drain timed out; aborting the running jobs');
        this.service?.abortAll('the worker is shutting down');
        await idle;
      }
      clearTimeout(timer);
    }
    await this.heartbeat('offline');
    await this.service?.unsubscribe();
    await this.announcements?.unsubscribe();
    this.log.info('Worker stopped');
  }

  /** Publishes this worker's registration. */
  async register(): Promise<void> {
    const registration: WorkerRegistration = {
      workerId: this.workerId,
      instanceId: this.instanceId,
      hostname: this.options.hostname ?? (HOSTNAME.test(os.hostname()) ? os.hostname() : 'localhost'),
      ip: this.options.ip ?? defaultIp(),
      port: this.options.port ?? 8082,
      hardware: this.options.hardware,
      capabilities: this.options.capabilities,
      status: this.draining ? 'offline' : 'online',
      timestamp: Date.now(),
    };
    await channels.workerRegister.publish(this.client, { workerId: this.workerId }, registration).catch((error: unknown) => {
      this.log.warn({ error }, 'Registration not sent; the next announcement or heartbeat cycle retries');
    });
  }

  /**
   * A job ended: controllers size their view of this worker (its load, what it handled) by heartbeats, so one goes
   * out soon rather than an interval later. Jobs ending close together share it: at most one per tenth of the
   * interval. While draining, the last heartbeat (`offline`) reports them.
   */
  private heartbeatAfterJob(): void {
    if (this.draining || this.heartbeatSoon !== undefined) return;
    const wait = Math.max(0, this.lastHeartbeatAt + this.options.heartbeatIntervalMs / 10 - performance.now());
    this.heartbeatSoon = setTimeout(() => {
      this.heartbeatSoon = undefined;
      void this.heartbeat();
    }, wait);
    this.heartbeatSoon.unref();
  }

  private async heartbeat(status: WorkerHeartbeat['status'] = 'online'): Promise<void> {
    this.lastHeartbeatAt = performance.now();
    const sample = (this.options.metrics ?? defaultMetrics)();
    const heartbeat: WorkerHeartbeat = {
      workerId: this.workerId,
      instanceId: this.instanceId,
      status,
      metrics: {
        ...sample,
        activeRequests: this.active,
        totalRequestsHandled: this.handled,
        avgLatencyMs: this.handled === 0 ? 0 : Math.round((this.totalLatencyMs / this.handled) * 10) / 10,
      },
      timestamp: Date.now(),
    };
    await channels.workerHeartbeat.publish(this.client, { workerId: this.workerId }, heartbeat).catch((error: unknown) => {
      this.log.warn({ error }, 'Heartbeat not sent');
    });
  }
}
