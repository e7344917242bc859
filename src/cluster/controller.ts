/**
 * Controller: routes each request to a worker by the configured strategy and streams its events back in order.
 * Before the first token, a worker that refuses, has no responders, times out or goes offline is replaced by the
 * next candidate (bounded by `maxAttempts`). A worker lost mid-stream (offline in the registry, or silent past
 * `idleTimeoutMs`) is told to stop, and the request moves to another worker with the text so far
 * (`continuation`); its tokens go on from the next index, and its `done` counts the latency from the first
 * acceptance. When moving is off or impossible, the stream fails with `WorkerLostError` carrying the tokens
 * received. Every attempt shows in the stream's `attempts`.
 */
import { DistributedError, NatsNoRespondersError, NatsTimeoutError } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';
import type { ChannelTransport } from '../contract/index.js';
import { channels, type InferenceAck, type InferenceRequest, type StreamingDone, type StreamingResponse } from '../../generated/index.js';
import { NoWorkerAvailableError, WorkerLostError } from './errors.js';
import type { WorkerRegistry } from './registry.js';
import { IDLE, ResponseReader, type ResponseReaderOptions } from './response-reader.js';
import { initialMemory, rememberChoice, requirementFromModelId, route, type ModelRequirement, type RouteChoice, type StrategyName } from './routing.js';
import type { WorkerInfo } from './worker-info.js';

/** Options of a {@link Controller}. */
export interface ControllerOptions extends ResponseReaderOptions {
  /** `load_balancing.strategy`. */
  strategy: StrategyName;
  /** `load_balancing.sticky_sessions`. */
  stickySessions?: boolean;
  /** What each model needs (hardware_aware); models not listed are sized from their id, e.g. `...-70B-...`. */
  models?: Readonly<Record<string, ModelRequirement>>;
  /** Workers tried for one request, moves included. Default 3. */
  maxAttempts?: number;
  /** Move a request whose worker is lost mid-stream to another worker. Default true. */
  migrate?: boolean;
  /** How long to wait for a worker's acknowledgement. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** A worker silent for this long during a stream is lost. Default 30000 ms. */
  idleTimeoutMs?: number;
  logger?: Logger;
}

/** One worker tried for a request. */
export interface InferAttempt {
  workerId: string;
  /** Why the router chose it. */
  reason: string;
  /** `streaming`, `completed`, `failed`, `refused: <reason>`, `no responders`, `no acknowledgement`, `lost` or `moved`. */
  outcome: string;
  /** Tokens already delivered when this worker took over (0 for the first). */
  fromToken: number;
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

  constructor(
    private readonly client: ChannelTransport,
    readonly registry: WorkerRegistry,
    private readonly options: ControllerOptions,
  ) {
    this.log = (options.logger ?? silentLogger()).child({ component: 'controller' });
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
   * `NoWorkerAvailableError` (why none fits) or the last worker's error when every attempt failed.
   */
  async infer(request: InferenceRequest): Promise<ControllerStream> {
    const attempts: InferAttempt[] = [];
    const tried = new Set<string>();
    const maxAttempts = this.options.maxAttempts ?? 3;
    const idleTimeoutMs = this.options.idleTimeoutMs ?? 30_000;
    const reader = await ResponseReader.open(this.client, request.requestId, {
      reorderWindow: this.options.reorderWindow,
      reorderTimeoutMs: this.options.reorderTimeoutMs,
      logger: this.log,
    });
    let current: { workerId: string; release: () => void; acceptedAt: number } | undefined;
    let firstAcceptedAt: number | undefined;
    let lost = false;
    const onOffline = (worker: WorkerInfo): void => {
      if (worker.workerId !== current?.workerId) return;
      lost = true;
      reader.interrupt();
    };
    this.registry.on('offline', onOffline);
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      this.registry.off('offline', onOffline);
      current?.release();
      await reader.close();
    };

    /** Finds a worker that accepts, from the tokens delivered so far, and returns its id; throws when none does. */
    const place = async (): Promise<string> => {
      let lastError: DistributedError | undefined;
      while (tried.size < maxAttempts) {
        const choice = this.pick(request, tried);
        if (choice instanceof NoWorkerAvailableError) throw lastError ?? choice;
        rememberChoice(this.memory, choice);
        tried.add(choice.workerId);
        const fromToken = reader.delivered;
        const attempt: InferAttempt = { workerId: choice.workerId, reason: choice.reason, outcome: 'sent', fromToken };
        attempts.push(attempt);
        reader.moveTo(choice.workerId);
        const release = this.registry.dispatched(choice.workerId);
        const sent: InferenceRequest = fromToken === 0 ? request : { ...request, continuation: { text: reader.text(), tokenCount: fromToken } };
        let ack: InferenceAck;
        try {
          ack = await channels.workerInference.request(this.client, { workerId: choice.workerId }, sent, { timeout: this.options.ackTimeoutMs ?? 5000 });
        } catch (error) {
          release();
          attempt.outcome = error instanceof NatsNoRespondersError ? 'no responders' : error instanceof NatsTimeoutError ? 'no acknowledgement' : 'failed';
          lastError = error instanceof DistributedError ? error : new DistributedError('INFERENCE_FAILED', String(error));
          continue;
        }
        if (ack.status !== 'accepted') {
          release();
          attempt.outcome = `refused: ${ack.reason}`;
          lastError = new DistributedError('INFERENCE_REJECTED', `Worker ${choice.workerId} refused request ${request.requestId}: ${ack.reason}.`);
          continue;
        }
        attempt.outcome = 'streaming';
        const acceptedAt = performance.now();
        firstAcceptedAt ??= acceptedAt;
        current = { workerId: choice.workerId, release, acceptedAt };
        lost = false;
        this.log.debug({ requestId: request.requestId, workerId: choice.workerId, reason: choice.reason, fromToken }, 'Request placed');
        return choice.workerId;
      }
      throw lastError ?? new NoWorkerAvailableError('none_online', `${maxAttempts} workers tried for request ${request.requestId}`);
    };

    /** The serving worker is gone: tell it to stop, and move the request, or fail with what was received. */
    const moveOn = async (why: string): Promise<void> => {
      const from = current;
      if (from === undefined) throw new WorkerLostError(request.requestId, '?', reader.tokens(), why);
      const attempt = attempts.at(-1);
      if (attempt !== undefined) attempt.outcome = 'lost';
      from.release();
      current = undefined;
      void channels.workerCancel.publish(this.client, { workerId: from.workerId }, { requestId: request.requestId, reason: 'migrated' }).catch(() => undefined);
      const fail = (reason: string): WorkerLostError => {
        this.log.error({ requestId: request.requestId, workerId: from.workerId, delivered: reader.delivered, why: reason }, 'Worker lost; request failed');
        return new WorkerLostError(request.requestId, from.workerId, reader.tokens(), reason);
      };
      if (!(this.options.migrate ?? true) && reader.delivered > 0) throw fail(`${why}; moving a started stream is off`);
      let to: string;
      try {
        to = await place();
      } catch (error) {
        throw fail(`${why}; no other worker took it (${error instanceof Error ? error.message : String(error)})`);
      }
      if (attempt !== undefined) attempt.outcome = 'moved';
      this.log.warn({ requestId: request.requestId, from: from.workerId, to, delivered: reader.delivered, why }, 'Worker lost; request moved');
    };

    try {
      await place();
    } catch (error) {
      await close();
      throw error;
    }

    /** A worker times its `done` from its own acceptance: after a move, add the time the earlier workers had. */
    const sinceFirstAcceptance = (done: StreamingDone): StreamingDone => {
      const earlier = current === undefined || firstAcceptedAt === undefined ? 0 : current.acceptedAt - firstAcceptedAt;
      return earlier === 0 ? done : { ...done, latencyMs: Math.round((done.latencyMs + earlier) * 1000) / 1000 };
    };

    let finished = false;
    let cancelled = false;
    /** Tells the serving worker to stop, once: its slot is freed now, not when its next token would come. */
    const stopServing = (): void => {
      const serving = current;
      if (finished || serving === undefined) return;
      current = undefined;
      serving.release();
      void channels.workerCancel.publish(this.client, { workerId: serving.workerId }, { requestId: request.requestId, reason: 'cancelled' }).catch(() => undefined);
    };

    async function* events(): AsyncGenerator<StreamingResponse> {
      try {
        for (;;) {
          // An offline worker interrupts the reader, which answers IDLE once, after what already arrived. Reading it
          // here uses it up; skipping the read would leave it to cut the next worker's stream short.
          const event = await reader.next(idleTimeoutMs);
          if (cancelled) return;
          if (event === IDLE) {
            await moveOn(lost ? 'it went offline' : `no event for ${idleTimeoutMs} ms`);
            continue;
          }
          if (event.type !== 'token') {
            finished = true;
            const attempt = attempts.at(-1);
            if (attempt !== undefined) attempt.outcome = event.type === 'done' ? 'completed' : 'failed';
          }
          yield event.type === 'done' ? sinceFirstAcceptance(event) : event;
          if (finished) return;
        }
      } finally {
        // The reader left early (or cancelled): free the worker's slot.
        stopServing();
        await close();
      }
    }
    const iterator = events();
    return {
      requestId: request.requestId,
      attempts,
      get ignored() {
        return reader.ignored;
      },
      get rejected() {
        return reader.rejected;
      },
      cancel: async () => {
        // A read may be waiting for the worker's next event: stop the worker and wake the read now, rather than
        // queue behind it until the next token (or the idle timeout) comes.
        cancelled = true;
        stopServing();
        reader.interrupt();
        await iterator.return(undefined);
        await close();
      },
      [Symbol.asyncIterator]: () => iterator,
    };
  }
}
