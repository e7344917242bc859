/**
 * Controller: routes each request to a worker by the configured strategy and streams its events back in order.
 * Each request is an {@link InferenceRun} (its attempts, retries and moves); the controller chooses workers for
 * them, and routes the registry's news to the runs it concerns through one pair of registry listeners, whatever the
 * number of requests in flight: a worker gone offline or suspect, or restarted as a new run (`instanceId`), loses
 * the streams it was serving at once, and they move without waiting for the idle timeout. When its own connection
 * comes back after an outage, a stream that stays silent goes on from its last token in order. Observers
 * ({@link Controller.observe}) see every request, attempt, token and outcome.
 */
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { silentLogger, type Logger } from '../base/logger.js';
import type { ChannelTransport } from '../contract/index.js';
import type { InferenceRequest, StreamingResponse } from '../../generated/index.js';
import { NoWorkerAvailableError } from './errors.js';
import type { InferAttempt, InferenceObserver } from './inference-observer.js';
import { InferenceRun, type RunContext } from './inference-run.js';
import type { WorkerRegistry } from './registry.js';
import { DEFAULT_REORDER_TIMEOUT_MS, ResponseReader, type ResponseReaderOptions } from './response-reader.js';
import { RequestTraces } from './tracing.js';
import { initialMemory, rememberChoice, requirementFromModelId, route, type ModelRequirement, type RouteChoice, type StrategyName } from './routing.js';
import type { OfflineReason, WorkerInfo } from './worker-info.js';

export type { AttemptOutcome, InferAttempt } from './inference-observer.js';

/** How a lost stream's reason reads, by why its worker went offline. */
const OFFLINE_WHY: Record<OfflineReason, string> = {
  silent: 'no heartbeat in time',
  said_offline: 'it said so',
  no_responders: 'no responders on its inference subject',
  never_registered: 'not registered',
};

/** A transport that reports reconnects, as NatsClient does. */
interface ReconnectAware {
  on(event: 'reconnected', listener: () => void): unknown;
  off(event: 'reconnected', listener: () => void): unknown;
}

function isReconnectAware(client: ChannelTransport): client is ChannelTransport & ReconnectAware {
  const candidate = client as Partial<ReconnectAware>;
  return typeof candidate.on === 'function' && typeof candidate.off === 'function';
}

/** Options of a {@link Controller}. */
export interface ControllerOptions extends ResponseReaderOptions {
  /** `load_balancing.strategy`. */
  strategy: StrategyName;
  /** `load_balancing.sticky_sessions`. */
  stickySessions?: boolean;
  /** What each model needs (hardware_aware); models not listed are sized from their id, e.g. `...-70B-...`. */
  models?: Readonly<Record<string, ModelRequirement>>;
  /** Workers tried for one request, moves included; "no responders" answers do not count while other workers remain. Default 3. */
  maxAttempts?: number;
  /** Move a request whose worker is lost mid-stream to another worker. Default true. */
  migrate?: boolean;
  /** How long to wait for a worker's acknowledgement. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** A worker silent for this long during a stream is lost. Default 30000 ms. */
  idleTimeoutMs?: number;
  logger?: Logger;
}

/** The events of one request routed by a controller, in order. Breaking out of the loop cancels it. */
export interface ControllerStream extends AsyncIterable<StreamingResponse> {
  readonly requestId: string;
  /** The workers tried so far, in order; the last one is serving. */
  readonly attempts: readonly InferAttempt[];
  /**
   * Events of this request whose subject names a worker not serving it when they were read (one the request moved
   * away from, or any other), ignored. The first of each kind is logged.
   */
  readonly ignored: number;
  /** Messages on this request's subjects refused before reading: invalid, or a payload that contradicts its subject. */
  readonly rejected: number;
  /** Stops the request (the serving worker is told to stop). Safe twice. */
  cancel(): Promise<void>;
}

/** Routes requests over a registry's workers. */
export class Controller {
  private readonly memory = initialMemory();
  private readonly log: Logger;
  private readonly observers: InferenceObserver[] = [];
  /** The runs that depend on each worker now (being asked, or streaming). */
  private readonly runsByWorker = new Map<string, Set<InferenceRun>>();
  private readonly workerOf = new Map<InferenceRun, string>();
  private listening = false;
  private readonly context: RunContext;
  /** Spans of the requests in flight, when an OpenTelemetry SDK is registered (src/cluster/tracing.ts). */
  private readonly traces = new RequestTraces();

  constructor(
    private readonly client: ChannelTransport,
    readonly registry: WorkerRegistry,
    private readonly options: ControllerOptions,
  ) {
    this.log = (options.logger ?? silentLogger()).child({ component: 'controller' });
    const defaults = RUNTIME_DEFAULTS.inference;
    this.context = {
      client,
      registry,
      log: this.log,
      settings: {
        maxAttempts: options.maxAttempts ?? defaults.maxAttempts,
        migrate: options.migrate ?? true,
        ackTimeoutMs: options.ackTimeoutMs ?? defaults.ackTimeoutMs,
        idleTimeoutMs: options.idleTimeoutMs ?? defaults.idleTimeoutMs,
      },
      observer: this.fanOut(),
      choose: (request, exclude) => {
        const choice =
          this.traces.size === 0
            ? this.pick(request, exclude)
            : this.traces.route(request.requestId, options.strategy, exclude.size, () => this.pick(request, exclude));
        if (!(choice instanceof NoWorkerAvailableError)) rememberChoice(this.memory, choice);
        return choice;
      },
      track: (run, workerId) => {
        this.track(run, workerId);
      },
      inAttempt: (requestId, attempt, ask) => (this.traces.size === 0 ? ask() : this.traces.inAttempt(requestId, attempt, ask)),
    };
  }

  /** Requests in flight: placed or streaming, not yet ended. */
  get inFlight(): number {
    return this.workerOf.size;
  }

  /** Adds an observer of every request from now on; returns the function that removes it. */
  observe(observer: InferenceObserver): () => void {
    this.observers.push(observer);
    return () => {
      const at = this.observers.indexOf(observer);
      if (at >= 0) this.observers.splice(at, 1);
    };
  }

  /** Chooses a worker for `request` without sending anything (what `infer` would pick first). */
  pick(request: InferenceRequest, exclude?: ReadonlySet<string>): RouteChoice | NoWorkerAvailableError {
    const model = this.options.strategy === 'hardware_aware' ? (this.options.models?.[request.modelId] ?? requirementFromModelId(request.modelId)) : undefined;
    return route(this.options.strategy, {
      workers: this.registry.workers(),
      request,
      model,
      exclude,
      sticky: this.options.stickySessions ?? false,
      memory: this.memory,
    });
  }

  /**
   * Sends `request` to a worker chosen by the strategy and resolves once one accepted it. Rejects with
   * `NoWorkerAvailableError` (why none fits), `InferenceRejectedError` (every worker tried refused) or the last
   * worker's error when every attempt failed.
   */
  infer(request: InferenceRequest): Promise<ControllerStream> {
    // With an OpenTelemetry SDK registered, the request is a span, and its routing and attempts run in its context.
    const traced = this.traces.begin(request);
    return traced === undefined ? this.run(request) : traced(() => this.run(request));
  }

  private async run(request: InferenceRequest): Promise<ControllerStream> {
    const reader = await ResponseReader.open(this.client, request.requestId, {
      reorderWindow: this.options.reorderWindow,
      reorderTimeoutMs: this.options.reorderTimeoutMs,
      logger: this.log,
    });
    const run = new InferenceRun(this.context, request, reader);
    await run.start();
    const iterator = this.traces.size === 0 ? run.events() : this.traces.events(request.requestId, run.events());
    return {
      requestId: request.requestId,
      attempts: run.attempts,
      get ignored() {
        return reader.ignored;
      },
      get rejected() {
        return reader.rejected;
      },
      cancel: async () => {
        // A read may be waiting for the worker's next event: the run stops the worker and wakes the read now,
        // rather than queue behind it until the next token (or the idle timeout) comes.
        run.cancel();
        await iterator.return(undefined);
        await run.close();
      },
      [Symbol.asyncIterator]: () => iterator,
    };
  }

  /** Keeps `runsByWorker` in step; listens to the registry (and the connection) only while some run depends on a worker. */
  private track(run: InferenceRun, workerId: string | undefined): void {
    const before = this.workerOf.get(run);
    if (before === workerId) return;
    if (before !== undefined) {
      const runs = this.runsByWorker.get(before);
      runs?.delete(run);
      if (runs?.size === 0) this.runsByWorker.delete(before);
      this.workerOf.delete(run);
    }
    if (workerId !== undefined) {
      let runs = this.runsByWorker.get(workerId);
      if (runs === undefined) this.runsByWorker.set(workerId, (runs = new Set()));
      runs.add(run);
      this.workerOf.set(run, workerId);
    }
    const needed = this.workerOf.size > 0;
    if (needed === this.listening) return;
    this.listening = needed;
    const client = isReconnectAware(this.client) ? this.client : undefined;
    if (needed) {
      this.registry.on('offline', this.onOffline);
      this.registry.on('restarted', this.onRestarted);
      client?.on('reconnected', this.onReconnected);
    } else {
      this.registry.off('offline', this.onOffline);
      this.registry.off('restarted', this.onRestarted);
      client?.off('reconnected', this.onReconnected);
    }
  }

  /** The connection came back (a NatsClient says so): events sent to this controller meanwhile are lost. */
  private readonly onReconnected = (): void => {
    const silentMs = this.options.reorderTimeoutMs ?? DEFAULT_REORDER_TIMEOUT_MS;
    for (const run of [...this.workerOf.keys()]) run.connectionRestored(silentMs);
  };

  private readonly onOffline = (worker: WorkerInfo): void => {
    const why = `it went offline (${OFFLINE_WHY[worker.offlineReason ?? 'silent']})`;
    for (const run of this.runsOf(worker.workerId)) run.workerLost(worker.workerId, why);
  };

  private readonly onRestarted = (worker: WorkerInfo): void => {
    for (const run of this.runsOf(worker.workerId)) run.workerLost(worker.workerId, 'it restarted', worker.instanceId);
  };

  /** A copy: a run may stop depending on the worker while it hears the news. */
  private runsOf(workerId: string): InferenceRun[] {
    const runs = this.runsByWorker.get(workerId);
    return runs === undefined ? [] : [...runs];
  }

  /** One observer that calls every registered one, and logs (once) an observer that throws rather than fail a request. */
  private fanOut(): Required<InferenceObserver> {
    let warned = false;
    const each = <K extends keyof InferenceObserver>(method: K, ...args: Parameters<Required<InferenceObserver>[K]>): void => {
      for (const observer of this.observers) {
        const call = observer[method] as ((...a: typeof args) => void) | undefined;
        if (call === undefined) continue;
        try {
          call.apply(observer, args);
        } catch (error) {
          if (!warned) this.log.warn({ error, method }, 'An inference observer threw; its calls go on (logged once)');
          warned = true;
        }
      }
    };
    const traces = this.traces;
    return {
      requestStarted: (request) => {
        each('requestStarted', request);
      },
      attemptStarted: (requestId, attempt) => {
        if (traces.size > 0) traces.attemptStarted(requestId, attempt);
        each('attemptStarted', requestId, attempt);
      },
      attemptUpdated: (requestId, attempt) => {
        if (traces.size > 0) traces.attemptUpdated(requestId, attempt);
        each('attemptUpdated', requestId, attempt);
      },
      tokenDelivered: (requestId, workerId, index, at) => {
        if (traces.size > 0) traces.tokenDelivered(requestId, workerId);
        if (this.observers.length > 0) each('tokenDelivered', requestId, workerId, index, at);
      },
      requestEnded: (requestId, outcome) => {
        if (traces.size > 0) traces.end(requestId, outcome);
        each('requestEnded', requestId, outcome);
      },
    };
  }
}
