/**
 * The reading side of one request's stream (`response.{requestId}`): subscribes before the request is sent,
 * puts tokens back in `index` order through a {@link TokenSequencer}, checks `done.totalTokens`, and ignores
 * events from a worker the request has moved away from. `streamInference` and the controller both read through it.
 */
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { channels, type StreamingDone, type StreamingResponse, type StreamingToken } from '../../generated/index.js';
import { DEFAULT_REORDER_WINDOW, TokenSequencer } from './token-order.js';

/** Returned by {@link ResponseReader.next} when nothing arrived for the idle time. */
export const IDLE: unique symbol = Symbol('idle');

/** Options of a reader. */
export interface ResponseReaderOptions {
  /** Tokens that may wait for an earlier one. Default 64. */
  reorderWindow?: number;
  /** How long a gap may stay open (or `done` wait for missing tokens) before the stream fails. Default 1000 ms. */
  reorderTimeoutMs?: number;
}

/** The in-order events of one request. */
export class ResponseReader {
  private readonly arrived: StreamingResponse[] = [];
  private readonly ready: StreamingResponse[] = [];
  private wake: (() => void) | undefined;
  private sequencer: TokenSequencer<StreamingToken>;
  private done: StreamingDone | undefined;
  private worker: string | undefined;
  private readonly texts: string[] = [];
  private readonly reorderTimeoutMs: number;
  private readonly window: number;
  private subscription: Subscription | undefined;
  private interrupted = false;

  private constructor(
    readonly requestId: string,
    options: ResponseReaderOptions,
  ) {
    this.window = options.reorderWindow ?? DEFAULT_REORDER_WINDOW;
    this.reorderTimeoutMs = options.reorderTimeoutMs ?? 1000;
    this.sequencer = new TokenSequencer(requestId, 0, this.window);
  }

  /**
   * Subscribes to `response.{requestId}`. It does not wait for the server's round trip: the events can only come
   * after the request, which the caller sends next on the same connection, behind the subscription.
   */
  static async open(client: ChannelTransport, requestId: string, options: ResponseReaderOptions = {}): Promise<ResponseReader> {
    const reader = new ResponseReader(requestId, options);
    reader.subscription = await channels.response.subscribe(
      client,
      { requestId },
      (event) => {
        reader.arrive(event);
      },
      { confirm: false },
    );
    return reader;
  }

  /** Tokens delivered in order so far (the index the next one must have). */
  get delivered(): number {
    return this.sequencer.delivered;
  }

  /** The text of the tokens delivered in order so far. */
  text(): string {
    return this.texts.join('');
  }

  /** The tokens delivered in order so far. */
  tokens(): readonly string[] {
    return this.texts;
  }

  /** From now on, read only `workerId`'s events (events that name another worker are ignored). */
  expectWorker(workerId: string): void {
    this.worker = workerId;
  }

  /**
   * The request moved to `workerId`, which continues from the tokens delivered so far: tokens and a `done` the
   * old worker sent past that point are forgotten.
   */
  moveTo(workerId: string): void {
    this.worker = workerId;
    this.done = undefined;
    this.sequencer = new TokenSequencer(this.requestId, this.sequencer.delivered, this.window);
  }

  /**
   * The next event in order: a token, then `done` (checked against the tokens delivered) or `error`. Resolves
   * {@link IDLE} when nothing arrives for `idleMs`; rejects with `StreamGapError` when a gap does not close within
   * the reorder timeout or `done` does not match.
   */
  async next(idleMs: number): Promise<StreamingResponse | typeof IDLE> {
    for (;;) {
      const ready = this.ready.shift();
      if (ready !== undefined) return ready;
      const done = this.done;
      if (done !== undefined && !this.sequencer.waiting && this.sequencer.delivered >= done.totalTokens) {
        const gap = this.sequencer.finish(done.totalTokens);
        if (gap !== undefined) throw gap;
        this.done = undefined;
        return done;
      }
      const waitingForGap = this.sequencer.waiting || done !== undefined;
      const event = await this.take(waitingForGap ? Math.min(this.reorderTimeoutMs, idleMs) : idleMs);
      if (event === IDLE) {
        if (done !== undefined) throw this.sequencer.finish(done.totalTokens) ?? this.sequencer.gapError('done arrived but tokens are missing');
        if (this.sequencer.waiting) throw this.sequencer.gapError(`a missing token did not arrive within ${this.reorderTimeoutMs} ms`);
        return IDLE;
      }
      if (event.workerId !== undefined && this.worker !== undefined && event.workerId !== this.worker) continue;
      if (event.type === 'token') {
        for (const token of this.sequencer.push(event)) {
          this.texts.push(token.token);
          this.ready.push(token);
        }
      } else if (event.type === 'done') {
        this.done = event;
      } else {
        return event;
      }
    }
  }

  /** Makes a pending {@link next} resolve {@link IDLE} now (the caller learnt that the worker is gone). */
  interrupt(): void {
    this.interrupted = true;
    this.wake?.();
  }

  /** Stops listening. Safe twice. */
  async close(): Promise<void> {
    await this.subscription?.unsubscribe();
  }

  private arrive(event: StreamingResponse): void {
    this.arrived.push(event);
    this.wake?.();
  }

  private take(timeoutMs: number): Promise<StreamingResponse | typeof IDLE> {
    const queued = this.arrived.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.interrupted) {
      this.interrupted = false;
      return Promise.resolve(IDLE);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(IDLE);
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        const event = this.arrived.shift();
        if (event === undefined) this.interrupted = false;
        resolve(event ?? IDLE);
      };
    });
  }
}
