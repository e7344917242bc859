/**
 * The inference metrics of a controller, on a prom-client registry (the one the HTTP API renders at `/metrics`).
 * Request latencies carry OpenTelemetry's GenAI names in Prometheus form; what those conventions do not cover is
 * named with the cluster's prefix. Labels are bounded: the first `maxWorkerLabels` workers and `maxModelLabels`
 * models keep their own label, later ones are counted under `_other`.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `gen_ai_server_time_to_first_token_seconds` | histogram | `gen_ai_request_model`, `worker` (the one that sent the first token) |
 * | `gen_ai_server_time_per_output_token_seconds` | histogram | `gen_ai_request_model`, `worker` (the one that sent the last token) |
 * | `gen_ai_server_request_duration_seconds` | histogram | `gen_ai_request_model`, `error_type` (empty when completed) |
 * | `<prefix>output_tokens_total` | counter | `gen_ai_request_model`, `worker` |
 * | `<prefix>requests_total` | counter | `gen_ai_request_model`, `worker`, `outcome` (completed, failed, cancelled), `error_type` |
 * | `<prefix>attempts_total` | counter | `worker`, `outcome` (how the attempt first ended: completed, refused, no_responders, lost, ...) |
 * | `<prefix>request_retries_total`, `<prefix>request_migrations_total` | counter | `gen_ai_request_model` |
 * | `<prefix>requests_in_flight`, `<prefix>requests_waiting` | gauge | `gen_ai_request_model` |
 * | `<prefix>workers` | gauge | `state` (online, degraded, busy, offline) |
 * | `<prefix>worker_load`, `<prefix>worker_capacity`, `<prefix>worker_memory_used_bytes` | gauge | `worker` |
 * | `<prefix>worker_membership_changes_total` | counter | `change` (online, offline) |
 *
 * Following the conventions, time to first token and time per output token are observed for completed requests
 * only, once per request, when it ends; a request's duration is observed for every outcome. A token costs one
 * field increment (the token counter is filled from plain records when scraped), never a label lookup.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OVERFLOW_LABEL } from '../metrics/client-metrics.js';
import { CLUSTER_METRIC_PREFIX } from './metrics.js';
import type { AttemptOutcome, InferAttempt, InferenceObserver, ObservedRequest, RequestOutcome } from './inference-observer.js';
import type { WorkerRegistry } from './registry.js';
import type { WorkerInfo, WorkerState } from './worker-info.js';

/** Bucket boundaries (seconds) the OpenTelemetry GenAI conventions recommend for each histogram. */
export const GEN_AI_BUCKETS = {
  timeToFirstToken: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
  timePerOutputToken: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
  requestDuration: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
} as const;

/** Label of a request no worker ever took (it failed before any attempt). */
export const NO_WORKER_LABEL = 'none';

const WORKER_STATES: readonly WorkerState[] = ['online', 'degraded', 'busy', 'offline'];
const ENDED: ReadonlySet<AttemptOutcome> = new Set(['completed', 'failed', 'refused', 'no responders', 'no acknowledgement', 'lost', 'moved', 'cancelled']);

/** What reports requests: a controller's `observe` (returns the function that stops the reports). */
export interface InferenceSource {
  observe(observer: InferenceObserver): () => void;
}

/** The part of a registry the metrics read. */
export type WorkerSource = Pick<WorkerRegistry, 'workers' | 'on' | 'off'>;

/** Options of {@link InferenceMetrics}. */
export interface InferenceMetricsOptions {
  /** The registry to register in (e.g. the one `/metrics` renders). */
  registry: Registry;
  /** The controller's workers, for the worker gauges and membership changes. Without it those metrics are absent. */
  workers?: WorkerSource;
  /** Prefix of the metrics without a GenAI name. Default `mlx_distributed_`. */
  prefix?: string;
  /** Workers with a label of their own; later ones count under `_other`. Default 20. */
  maxWorkerLabels?: number;
  /** Models with a label of their own; later ones count under `_other`. Default 10. */
  maxModelLabels?: number;
}

/** The first `max` distinct values keep their label; later ones map to `_other`. */
class LabelCap {
  private readonly kept = new Set<string>();
  constructor(private readonly max: number) {}
  label(value: string): string {
    if (this.kept.has(value)) return value;
    if (this.kept.size >= this.max) return OVERFLOW_LABEL;
    this.kept.add(value);
    return value;
  }
}

/** Tokens counted for one model and worker label; filled into the counter when scraped. */
interface TokenRecord {
  model: string;
  worker: string;
  tokens: number;
}

/** One attempt of a request, as far as the metrics care. */
interface TrackedAttempt {
  workerId: string;
  outcome: AttemptOutcome;
}

/** A request between `requestStarted` and `requestEnded`. */
interface Tracked {
  model: string;
  startedAt: number;
  firstTokenAt: number | undefined;
  firstTokenWorker: string;
  lastTokenAt: number;
  lastTokenWorker: string;
  tokens: number;
  tokenWorker: string | undefined;
  tokenRecord: TokenRecord | undefined;
  attempts: TrackedAttempt[];
}

const outcomeLabel = (outcome: AttemptOutcome): string => outcome.replaceAll(' ', '_');

/** Prometheus metrics of the requests a controller routes. See the module comment. */
export class InferenceMetrics implements InferenceObserver {
  private readonly workerLabels: LabelCap;
  private readonly modelLabels: LabelCap;
  private readonly tracked = new Map<string, Tracked>();
  private readonly tokenRecords = new Map<string, TokenRecord>();
  private readonly ttft: Histogram<'gen_ai_request_model' | 'worker'>;
  private readonly tpot: Histogram<'gen_ai_request_model' | 'worker'>;
  private readonly duration: Histogram<'gen_ai_request_model' | 'error_type'>;
  private readonly requests: Counter<'gen_ai_request_model' | 'worker' | 'outcome' | 'error_type'>;
  private readonly attempts: Counter<'worker' | 'outcome'>;
  private readonly retries: Counter<'gen_ai_request_model'>;
  private readonly migrations: Counter<'gen_ai_request_model'>;
  private readonly detachers: (() => void)[] = [];

  constructor(options: InferenceMetricsOptions) {
    const registers = [options.registry];
    const prefix = options.prefix ?? CLUSTER_METRIC_PREFIX;
    this.workerLabels = new LabelCap(options.maxWorkerLabels ?? 20);
    this.modelLabels = new LabelCap(options.maxModelLabels ?? 10);
    this.ttft = new Histogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from the controller receiving a request to its first token reaching the caller, for completed requests (gen_ai.server.time_to_first_token).',
      labelNames: ['gen_ai_request_model', 'worker'],
      buckets: [...GEN_AI_BUCKETS.timeToFirstToken],
      registers,
    });
    this.tpot = new Histogram({
      name: 'gen_ai_server_time_per_output_token_seconds',
      help: 'Per completed request: time from its first to its last token over the tokens after the first (gen_ai.server.time_per_output_token); requests of one token are not observed.',
      labelNames: ['gen_ai_request_model', 'worker'],
      buckets: [...GEN_AI_BUCKETS.timePerOutputToken],
      registers,
    });
    this.duration = new Histogram({
      name: 'gen_ai_server_request_duration_seconds',
      help: 'Time from the controller receiving a request to its end, every outcome (gen_ai.server.request.duration); error_type is the error class, "cancelled", or empty.',
      labelNames: ['gen_ai_request_model', 'error_type'],
      buckets: [...GEN_AI_BUCKETS.requestDuration],
      registers,
    });
    const records = this.tokenRecords;
    new Counter({
      name: `${prefix}output_tokens_total`,
      help: 'Tokens delivered to callers, by model and by the worker that generated them.',
      labelNames: ['gen_ai_request_model', 'worker'],
      registers,
      collect() {
        this.reset();
        for (const record of records.values()) this.inc({ gen_ai_request_model: record.model, worker: record.worker }, record.tokens);
      },
    });
    this.requests = new Counter({
      name: `${prefix}requests_total`,
      help: 'Requests ended, by outcome (completed, failed, cancelled) and error class; worker is the last one tried ("none" when no worker took it).',
      labelNames: ['gen_ai_request_model', 'worker', 'outcome', 'error_type'],
      registers,
    });
    this.attempts = new Counter({
      name: `${prefix}attempts_total`,
      help: 'Attempts ended, by worker and how they first ended (completed, failed, refused, no_responders, no_acknowledgement, lost, cancelled); a lost attempt whose request then moved counts as lost.',
      labelNames: ['worker', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: `${prefix}request_retries_total`,
      help: 'Attempts on another worker after one that never streamed (refused, no responders, no acknowledgement, failed).',
      labelNames: ['gen_ai_request_model'],
      registers,
    });
    this.migrations = new Counter({
      name: `${prefix}request_migrations_total`,
      help: 'Requests moved to another worker after their worker was lost (offline or silent) once it had accepted them.',
      labelNames: ['gen_ai_request_model'],
      registers,
    });
    const tracked = this.tracked;
    const perModel = (waitingOnly: boolean) =>
      function (this: Gauge<'gen_ai_request_model'>): void {
        this.reset();
        for (const request of tracked.values()) {
          if (waitingOnly && !isWaiting(request)) continue;
          this.inc({ gen_ai_request_model: request.model });
        }
      };
    new Gauge({
      name: `${prefix}requests_in_flight`,
      help: 'Requests received and not ended yet.',
      labelNames: ['gen_ai_request_model'],
      registers,
      collect: perModel(false),
    });
    new Gauge({
      name: `${prefix}requests_waiting`,
      help: 'Requests in flight that no worker is streaming: being placed, waiting for an acknowledgement, or being moved.',
      labelNames: ['gen_ai_request_model'],
      registers,
      collect: perModel(true),
    });
    if (options.workers !== undefined) this.workerMetrics(options.workers, prefix, registers);
  }

  /** Observes `source` (a controller) until {@link close}. Returns the function that stops observing it. */
  attach(source: InferenceSource): () => void {
    const stop = source.observe(this);
    this.detachers.push(stop);
    return stop;
  }

  /** Stops observing every attached controller and the registry's events (totals so far are kept). */
  close(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  requestStarted(request: ObservedRequest): void {
    this.tracked.set(request.requestId, {
      model: this.modelLabels.label(request.modelId),
      startedAt: performance.now(),
      firstTokenAt: undefined,
      firstTokenWorker: '',
      lastTokenAt: 0,
      lastTokenWorker: '',
      tokens: 0,
      tokenWorker: undefined,
      tokenRecord: undefined,
      attempts: [],
    });
  }

  attemptStarted(requestId: string, attempt: Readonly<InferAttempt>): void {
    const request = this.tracked.get(requestId);
    if (request === undefined) return;
    const previous = request.attempts.at(-1);
    if (previous !== undefined) {
      // A worker that had accepted the request (streaming, then lost) hands it on: a move; otherwise a retry.
      const moved = attempt.fromToken > 0 || previous.outcome === 'streaming' || previous.outcome === 'lost' || previous.outcome === 'moved';
      (moved ? this.migrations : this.retries).inc({ gen_ai_request_model: request.model });
    }
    request.attempts.push({ workerId: attempt.workerId, outcome: 'sent' });
    this.attemptUpdated(requestId, attempt);
  }

  attemptUpdated(requestId: string, attempt: Readonly<InferAttempt>): void {
    const request = this.tracked.get(requestId);
    if (request === undefined) return;
    const tracked = request.attempts.findLast((a) => a.workerId === attempt.workerId);
    if (tracked === undefined) return;
    // Counted once, at its first end: an attempt lost and then marked moved counts as lost (moves are counted apart).
    const wasEnded = ENDED.has(tracked.outcome);
    tracked.outcome = attempt.outcome;
    if (wasEnded || !ENDED.has(attempt.outcome)) return;
    this.attempts.inc({ worker: this.workerLabels.label(attempt.workerId), outcome: outcomeLabel(attempt.outcome) });
  }

  tokenDelivered(requestId: string, workerId: string, _index: number, at: number): void {
    const request = this.tracked.get(requestId);
    if (request === undefined) return;
    if (request.tokenWorker !== workerId) {
      request.tokenWorker = workerId;
      request.tokenRecord = this.tokenRecord(request.model, workerId);
    }
    if (request.tokenRecord !== undefined) request.tokenRecord.tokens += 1;
    request.tokens += 1;
    if (request.firstTokenAt === undefined) {
      request.firstTokenAt = at;
      request.firstTokenWorker = workerId;
    }
    request.lastTokenAt = at;
    request.lastTokenWorker = workerId;
  }

  requestEnded(requestId: string, outcome: RequestOutcome): void {
    const request = this.tracked.get(requestId);
    if (request === undefined) return;
    this.tracked.delete(requestId);
    const model = request.model;
    const errorType = outcome.kind === 'failed' ? outcome.errorClass : outcome.kind === 'cancelled' ? 'cancelled' : '';
    this.duration.observe({ gen_ai_request_model: model, error_type: errorType }, (performance.now() - request.startedAt) / 1000);
    // An attempt still open when its request ends ends with it.
    for (const attempt of request.attempts) {
      if (ENDED.has(attempt.outcome)) continue;
      attempt.outcome = outcome.kind === 'completed' ? 'completed' : outcome.kind === 'cancelled' ? 'cancelled' : 'failed';
      this.attempts.inc({ worker: this.workerLabels.label(attempt.workerId), outcome: outcomeLabel(attempt.outcome) });
    }
    const last = request.attempts.at(-1);
    const worker = last === undefined ? NO_WORKER_LABEL : this.workerLabels.label(last.workerId);
    this.requests.inc({ gen_ai_request_model: model, worker, outcome: outcome.kind, error_type: outcome.kind === 'failed' ? errorType : '' });
    if (outcome.kind !== 'completed' || request.firstTokenAt === undefined) return;
    this.ttft.observe(
      { gen_ai_request_model: model, worker: this.workerLabels.label(request.firstTokenWorker) },
      (request.firstTokenAt - request.startedAt) / 1000,
    );
    if (request.tokens >= 2) {
      const perToken = (request.lastTokenAt - request.firstTokenAt) / (request.tokens - 1) / 1000;
      this.tpot.observe({ gen_ai_request_model: model, worker: this.workerLabels.label(request.lastTokenWorker) }, perToken);
    }
  }

  private tokenRecord(model: string, workerId: string): TokenRecord {
    const worker = this.workerLabels.label(workerId);
    const key = `${model}\n${worker}`;
    let record = this.tokenRecords.get(key);
    if (record === undefined) {
      record = { model, worker, tokens: 0 };
      this.tokenRecords.set(key, record);
    }
    return record;
  }

  /** Gauges read from the registry when scraped, and the membership counter fed by its events. */
  private workerMetrics(workers: WorkerSource, prefix: string, registers: Registry[]): void {
    const labels = this.workerLabels;
    new Gauge({
      name: `${prefix}workers`,
      help: 'Workers the controller knows, by state (online, degraded, busy, offline).',
      labelNames: ['state'],
      registers,
      collect() {
        for (const state of WORKER_STATES) this.set({ state }, 0);
        for (const worker of workers.workers()) this.inc({ state: worker.state });
      },
    });
    const perWorker = (name: string, help: string, value: (worker: WorkerInfo) => number): void => {
      new Gauge({
        name: `${prefix}${name}`,
        help,
        labelNames: ['worker'],
        registers,
        collect() {
          this.reset();
          for (const worker of workers.workers()) this.inc({ worker: labels.label(worker.workerId) }, value(worker));
        },
      });
    };
    perWorker('worker_load', 'Requests running on each worker: its last heartbeat plus what this controller sent since.', (w) => w.load);
    perWorker('worker_capacity', 'Requests each worker takes at once (capabilities.maxConcurrent); 0 while offline.', (w) =>
      w.state === 'offline' ? 0 : w.maxConcurrent,
    );
    perWorker(
      'worker_memory_used_bytes',
      'Unified memory in use on each worker, from its last heartbeat.',
      (w) => (w.heartbeat?.metrics.memoryUsedGB ?? 0) * 1e9,
    );
    const changes = new Counter({
      name: `${prefix}worker_membership_changes_total`,
      help: 'Workers that came online (registered, or back) and went offline (silent past offline_timeout_ms, drained, or unreachable).',
      labelNames: ['change'],
      registers,
    });
    changes.inc({ change: 'online' }, 0);
    changes.inc({ change: 'offline' }, 0);
    const online = (): void => {
      changes.inc({ change: 'online' });
    };
    const offline = (): void => {
      changes.inc({ change: 'offline' });
    };
    workers.on('online', online);
    workers.on('offline', offline);
    this.detachers.push(() => {
      workers.off('online', online);
      workers.off('offline', offline);
    });
  }
}

/** No worker is streaming the request: not placed yet, waiting for an acknowledgement, or between two workers. */
function isWaiting(request: Tracked): boolean {
  return request.attempts.at(-1)?.outcome !== 'streaming';
}
