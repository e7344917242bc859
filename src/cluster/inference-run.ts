/**
 * InferenceRun: one request's whole life in a controller, in one object, as nats.js keeps one object per request.
 * It holds the attempts, the reader of the request's stream, and the {@link Placement} of the worker it is with
 * now. What a worker's loss means is recorded on that worker's placement, so nothing learnt about one attempt can
 * act on the next: a move starts a new placement, and the reader forgets an interrupt meant for the worker it left.
 *
 * A worker that refuses, has no responders or does not acknowledge is replaced before the first token (bounded by
 * `maxAttempts`; a "no responders" answer marks the worker suspect in the registry and does not count while other
 * workers remain). A worker lost mid-stream (offline, restarted, or silent past `idleTimeoutMs`) is told to stop,
 * and the request moves to another worker with the text so far (`continuation`), or fails with `WorkerLostError`.
 */
import { DistributedError, NatsNoRespondersError, NatsNotConnectedError, NatsTimeoutError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { ChannelTransport } from '../contract/index.js';
import { channels, type InferenceAck, type InferenceRequest, type StreamingDone, type StreamingResponse } from '../../generated/index.js';
import { InferenceRejectedError, NoWorkerAvailableError, StreamGapError, WorkerLostError } from './errors.js';
import type { AttemptOutcome, InferAttempt, InferenceObserver, RequestOutcome } from './inference-observer.js';
import type { WorkerRegistry } from './registry.js';
import { IDLE, type ResponseReader } from './response-reader.js';
import type { RouteChoice } from './routing.js';

/** The settings a run follows, defaults applied. */
export interface RunSettings {
  maxAttempts: number;
  migrate: boolean;
  ackTimeoutMs: number;
  idleTimeoutMs: number;
}

/** What a run needs from its controller. */
export interface RunContext {
  readonly client: ChannelTransport;
  readonly registry: WorkerRegistry;
  readonly log: Logger;
  readonly settings: RunSettings;
  /** Receives the run's events; never throws. */
  readonly observer: Required<InferenceObserver>;
  /** Chooses a worker (and remembers the choice, for sticky routing). */
  choose(request: InferenceRequest, exclude: ReadonlySet<string>): RouteChoice | NoWorkerAvailableError;
  /** The run now depends on `workerId` (undefined: on none), so registry news about it must reach {@link InferenceRun.workerLost}. */
  track(run: InferenceRun, workerId: string | undefined): void;
  /** Runs `ask`, the request to the worker of `attempt`, in that attempt's trace context (src/cluster/tracing.ts), so the request carries it. */
  inAttempt<R>(requestId: string, attempt: Readonly<InferAttempt>, ask: () => Promise<R>): Promise<R>;
}

/** One worker's part in a run: from the moment it is asked until it is left. */
interface Placement {
  readonly workerId: string;
  readonly attempt: InferAttempt;
  /** Frees the slot the registry counts for this request. Safe twice. */
  readonly release: () => void;
  /** Whether it acknowledged the request. */
  accepted: boolean;
  acceptedAt: number;
  /** The run of the worker that took the job, from its acknowledgement. */
  instanceId: string | undefined;
  /** A new run of the worker spoke while its acknowledgement was awaited: checked against the acknowledgement. */
  restartedAs: string | undefined;
  /** Why it was lost (set once, by registry news), or why its stream broke on the way (`gap`). */
  lost: string | undefined;
  lostKind: 'lost' | 'gap';
}

/** How asking one worker went. */
type AskResult = { accepted: true; instanceId: string | undefined } | { accepted: false; outcome: AttemptOutcome; detail: string; error: DistributedError };

/** One request routed by a controller. See the module comment. */
export class InferenceRun {
  readonly attempts: InferAttempt[] = [];
  private readonly tried = new Set<string>();
  /** Attempts that count against `maxAttempts` (all but "no responders"). */
  private counted = 0;
  private placement: Placement | undefined;
  private firstAcceptedAt: number | undefined;
  private finished = false;
  private cancelled = false;
  private ended = false;

  constructor(
    private readonly context: RunContext,
    readonly request: InferenceRequest,
    readonly reader: ResponseReader,
  ) {
    context.observer.requestStarted({ requestId: request.requestId, modelId: request.modelId, startedAt: Date.now() });
  }

  get requestId(): string {
    return this.request.requestId;
  }

  /** Places the request on a first worker. On failure the run has ended and the error is thrown. */
  async start(): Promise<void> {
    try {
      await this.place();
    } catch (error) {
      this.end(failure(error));
      await this.close();
      throw error;
    }
  }

  /**
   * Registry news about `workerId`: it went offline or suspect (`why`), or a new run of it spoke (`runningInstance`).
   * If this request is with it (and, for a restart, with an earlier run of it), its stream is lost.
   */
  workerLost(workerId: string, why: string, runningInstance?: string): void {
    const placement = this.placement;
    if (placement?.workerId !== workerId || placement.lost !== undefined) return;
    if (runningInstance !== undefined) {
      if (!placement.accepted) {
        placement.restartedAs = runningInstance;
        return;
      }
      if (placement.instanceId === runningInstance) return;
    }
    placement.lost = why;
    this.reader.interrupt();
  }

  /**
   * This controller's connection came back: what the serving worker sent meanwhile is lost. If the stream was cut
   * short (nothing more from the worker within `silentMs`), it goes on from the last token in order; a stream that
   * only lost tokens in the middle shows a gap when the next ones come, and goes on the same way.
   */
  connectionRestored(silentMs: number): void {
    const placement = this.placement;
    if (placement === undefined || this.finished) return;
    const heard = this.reader.heard;
    const timer = setTimeout(() => {
      if (this.placement !== placement || this.finished || placement.lost !== undefined || this.reader.heard !== heard) return;
      placement.lost = `nothing from it for ${silentMs} ms after this controller reconnected to NATS`;
      placement.lostKind = 'gap';
      this.reader.interrupt();
    }, silentMs);
    timer.unref();
  }

  /** The request's events in order; ends after `done` or `error`. Leaving early cancels the request. */
  async *events(): AsyncGenerator<StreamingResponse> {
    const { idleTimeoutMs } = this.context.settings;
    try {
      for (;;) {
        // A lost worker interrupts the reader, which answers IDLE after what that worker already sent.
        let event: Awaited<ReturnType<ResponseReader['next']>>;
        try {
          event = await this.reader.next(idleTimeoutMs);
        } catch (error) {
          // Tokens lost on the way (a gap, e.g. while this connection was down): go on from the last one in order.
          if (!(error instanceof StreamGapError) || this.cancelled) throw error;
          await this.moveOn(`tokens lost on the way: ${error.message}`, 'gap');
          if (this.isCancelled()) return;
          continue;
        }
        if (this.cancelled) return;
        if (event === IDLE) {
          await this.moveOn(this.placement?.lost ?? `no event for ${idleTimeoutMs} ms`, this.placement?.lostKind);
          // cancel() may have come while the request moved.
          if (this.isCancelled()) return;
          continue;
        }
        if (event.type === 'token') {
          this.context.observer.tokenDelivered(this.requestId, this.placement?.workerId ?? '', event.index, performance.now());
          yield event;
          continue;
        }
        this.finished = true;
        this.settle(event.type === 'done' ? 'completed' : 'failed', event.type === 'error' ? `${event.code}: ${event.error}` : undefined);
        this.end(
          event.type === 'done' ? { kind: 'completed', totalTokens: event.totalTokens } : { kind: 'failed', errorClass: event.code, message: event.error },
        );
        yield event.type === 'done' ? this.sinceFirstAcceptance(event) : event;
        return;
      }
    } catch (error) {
      this.end(failure(error));
      throw error;
    } finally {
      // The reader left early (or cancelled): free the worker's slot.
      this.stopServing('cancelled');
      this.end({ kind: 'cancelled' });
      await this.close();
    }
  }

  /** Stops the request: the serving worker is told to stop, and a waiting read wakes now. */
  cancel(): void {
    this.cancelled = true;
    this.stopServing('cancelled');
    this.reader.interrupt();
  }

  private isCancelled(): boolean {
    return this.cancelled;
  }

  /** Stops listening and forgets the worker. Safe twice. */
  async close(): Promise<void> {
    this.context.track(this, undefined);
    this.placement?.release();
    await this.reader.close();
  }

  /** Finds a worker that accepts, from the tokens delivered so far; throws the last failure when none does. */
  private async place(): Promise<Placement> {
    const { maxAttempts } = this.context.settings;
    let lastError: DistributedError | undefined;
    while (this.counted < maxAttempts) {
      const choice = this.context.choose(this.request, this.tried);
      if (choice instanceof NoWorkerAvailableError) throw lastError ?? choice;
      this.tried.add(choice.workerId);
      const placement = this.newPlacement(choice);
      const result = await this.context.inAttempt(this.requestId, placement.attempt, () => this.ask(placement));
      if (result.accepted) {
        this.accepted(placement, result.instanceId);
        return placement;
      }
      placement.release();
      this.context.track(this, undefined);
      this.placement = undefined;
      this.update(placement.attempt, result.outcome, result.detail);
      lastError = result.error;
      if (result.outcome === 'no responders') this.context.registry.noResponders(choice.workerId);
      else this.counted += 1;
    }
    throw lastError ?? new NoWorkerAvailableError('none_online', `${maxAttempts} workers tried for request ${this.requestId}`);
  }

  private newPlacement(choice: RouteChoice): Placement {
    const attempt: InferAttempt = { workerId: choice.workerId, reason: choice.reason, outcome: 'sent', fromToken: this.reader.delivered };
    this.attempts.push(attempt);
    this.context.observer.attemptStarted(this.requestId, attempt);
    // From here the reader reads only this worker, and forgets any interrupt meant for the one before.
    this.reader.moveTo(choice.workerId);
    const placement: Placement = {
      workerId: choice.workerId,
      attempt,
      release: this.context.registry.dispatched(choice.workerId),
      accepted: false,
      acceptedAt: 0,
      instanceId: undefined,
      restartedAs: undefined,
      lost: undefined,
      lostKind: 'lost',
    };
    this.placement = placement;
    this.context.track(this, choice.workerId);
    return placement;
  }

  private async ask(placement: Placement): Promise<AskResult> {
    const { workerId, attempt } = placement;
    const sent: InferenceRequest =
      attempt.fromToken === 0 ? this.request : { ...this.request, continuation: { text: this.reader.text(), tokenCount: attempt.fromToken } };
    let ack: InferenceAck;
    try {
      ack = await this.send(workerId, sent);
    } catch (error) {
      const outcome: AttemptOutcome =
        error instanceof NatsNoRespondersError ? 'no responders' : error instanceof NatsTimeoutError ? 'no acknowledgement' : 'failed';
      const typed = error instanceof DistributedError ? error : new DistributedError('INFERENCE_FAILED', String(error));
      return { accepted: false, outcome, detail: typed.message, error: typed };
    }
    if (ack.status !== 'accepted') {
      return { accepted: false, outcome: 'refused', detail: ack.reason, error: new InferenceRejectedError(workerId, this.requestId, ack.reason) };
    }
    return { accepted: true, instanceId: ack.instanceId };
  }

  /**
   * Sends the request; while this connection is down (it fails at once then), tries again until the acknowledgement
   * time is used up, so a reconnect of a few hundred ms costs the request that long, not its place.
   */
  private async send(workerId: string, sent: InferenceRequest): Promise<InferenceAck> {
    const { ackTimeoutMs } = this.context.settings;
    const giveUpAt = performance.now() + ackTimeoutMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 400)) {
      try {
        return await channels.workerInference.request(this.context.client, { workerId }, sent, { timeout: ackTimeoutMs });
      } catch (error) {
        if (!(error instanceof NatsNotConnectedError) || performance.now() + wait > giveUpAt || this.cancelled) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private accepted(placement: Placement, instanceId: string | undefined): void {
    placement.accepted = true;
    placement.acceptedAt = performance.now();
    placement.instanceId = instanceId;
    this.firstAcceptedAt ??= placement.acceptedAt;
    this.update(placement.attempt, 'streaming');
    // A new run of the worker spoke while the acknowledgement was on its way: if an earlier run took the job, it is gone.
    if (placement.restartedAs !== undefined) this.workerLost(placement.workerId, 'it restarted', placement.restartedAs);
    this.context.log.debug(
      { requestId: this.requestId, workerId: placement.workerId, reason: placement.attempt.reason, fromToken: placement.attempt.fromToken },
      'Request placed',
    );
  }

  /**
   * The serving worker is gone (`lost`), or its stream broke on the way (`gap`): tell it to stop, and move the
   * request, or fail with what was received.
   */
  private async moveOn(why: string, kind: 'lost' | 'gap' = 'lost'): Promise<void> {
    const from = this.placement;
    if (from === undefined) throw new WorkerLostError(this.requestId, '?', this.reader.tokens(), why);
    this.update(from.attempt, kind, why);
    from.release();
    this.placement = undefined;
    this.context.track(this, undefined);
    void channels.workerCancel
      .publish(this.context.client, { workerId: from.workerId }, { requestId: this.requestId, reason: 'migrated' })
      .catch(() => undefined);
    const fail = (reason: string): WorkerLostError => {
      this.context.log.error(
        { requestId: this.requestId, workerId: from.workerId, delivered: this.reader.delivered, why: reason },
        'Worker lost; request failed',
      );
      return new WorkerLostError(this.requestId, from.workerId, this.reader.tokens(), reason);
    };
    if (!this.context.settings.migrate && this.reader.delivered > 0) throw fail(`${why}; moving a started stream is off`);
    let to: Placement;
    try {
      to = await this.place();
    } catch (error) {
      throw fail(`${why}; no other worker took it (${error instanceof Error ? error.message : String(error)})`);
    }
    if (kind === 'lost') this.update(from.attempt, 'moved', why);
    this.context.log.warn(
      { requestId: this.requestId, from: from.workerId, to: to.workerId, delivered: this.reader.delivered, why },
      'Worker lost; request moved',
    );
  }

  /** Tells the serving worker to stop, once: its slot is freed now, not when its next token would come. */
  private stopServing(outcome: AttemptOutcome): void {
    const serving = this.placement;
    if (this.finished || serving === undefined) return;
    this.placement = undefined;
    this.context.track(this, undefined);
    serving.release();
    this.update(serving.attempt, outcome);
    void channels.workerCancel
      .publish(this.context.client, { workerId: serving.workerId }, { requestId: this.requestId, reason: 'cancelled' })
      .catch(() => undefined);
  }

  /** A worker times its `done` from its own acceptance: after a move, add the time the earlier workers had. */
  private sinceFirstAcceptance(done: StreamingDone): StreamingDone {
    const serving = this.placement;
    const earlier = serving === undefined || this.firstAcceptedAt === undefined ? 0 : serving.acceptedAt - this.firstAcceptedAt;
    return earlier === 0 ? done : { ...done, latencyMs: Math.round((done.latencyMs + earlier) * 1000) / 1000 };
  }

  private settle(outcome: AttemptOutcome, detail?: string): void {
    const attempt = this.placement?.attempt;
    if (attempt !== undefined) this.update(attempt, outcome, detail);
  }

  private update(attempt: InferAttempt, outcome: AttemptOutcome, detail?: string): void {
    attempt.outcome = outcome;
    if (detail !== undefined) attempt.detail = detail;
    this.context.observer.attemptUpdated(this.requestId, attempt);
  }

  private end(outcome: RequestOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.context.observer.requestEnded(this.requestId, outcome);
  }
}

function failure(error: unknown): RequestOutcome {
  if (error instanceof Error) return { kind: 'failed', errorClass: error.constructor.name, message: error.message };
  return { kind: 'failed', errorClass: 'Error', message: String(error) };
}
