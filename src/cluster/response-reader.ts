/**
 * The reading side of one request's stream (`response.*.{requestId}`: every worker streams on its own
 * `response.{workerId}.{requestId}`): subscribes before the request is sent, reads only the events whose SUBJECT
 * names the worker serving the request now (the subject is what NATS permissions bind to a worker; the payload's
 * `workerId` is only the sender's word, and the channel already drops a payload that contradicts its subject), puts
 * tokens back in `index` order through a {@link TokenSequencer} and checks `done.totalTokens`. Events of a worker the
 * request moved away from, or of any other worker, are ignored, counted and logged once per request.
 * `streamInference` and the controller both read through it.
 */
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { channels, type StreamingDone, type StreamingResponse, type StreamingToken } from '../../generated/index.js';
import { DEFAULT_REORDER_WINDOW, TokenSequencer } from './token-order.js';

/** How long a gap may stay open, by default. */
export const DEFAULT_REORDER_TIMEOUT_MS = 1000;

/** Returned by {@link ResponseReader.next} when nothing arrived for the idle time. */
export const IDLE: unique symbol = Symbol('idle');

/** Options of a reader. */
export interface ResponseReaderOptions {
  /** Tokens that may wait for an earlier one. Default 64. */
  reorderWindow?: number;
  /** How long a gap may stay open (or `done` wait for missing tokens) before the stream fails. Default 1000 ms. */
  reorderTimeoutMs?: number;
  /** Where ignored events are reported (once per request and kind of sender). Default: silent. */
  logger?: Logger;
}

/** An event as it arrived: the payload, and the worker its subject names. */
interface Arrival {
  event: StreamingResponse;
  from: string;
}

/** The in-order events of one request. */
export class ResponseReader {
  private readonly arrived: Arrival[] = [];
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
  /** Workers the request was sent to before the one it is with now. */
  private readonly left = new Set<string>();
  private ignoredEvents = 0;
  private heardFromServing = 0;
  /** Whether an ignored event was logged, for a worker the request left and for any other sender. */
  private readonly logged = { left: false, stranger: false };
  private readonly log: Logger;

  private constructor(
    readonly requestId: string,
    options: ResponseReaderOptions,
  ) {
    this.window = options.reorderWindow ?? DEFAULT_REORDER_WINDOW;
    this.reorderTimeoutMs = options.reorderTimeoutMs ?? DEFAULT_REORDER_TIMEOUT_MS;
    this.sequencer = new TokenSequencer(requestId, 0, this.window);
    this.log = options.logger ?? silentLogger();
  }

  /**
   * Subscribes to `response.*.{requestId}`. It does not wait for the server's round trip: the events can only come
   * after the request, which the caller sends next on the same connection, behind the subscription.
   */
  static async open(client: ChannelTransport, requestId: string, options: ResponseReaderOptions = {}): Promise<ResponseReader> {
    const reader = new ResponseReader(requestId, options);
    reader.subscription = await channels.response.subscribe(
      client,
      { workerId: '*', requestId },
      (event, context) => {
        reader.arrive(event, context.params.workerId);
      },
      { confirm: false },
    );
    return reader;
  }

  /** Events of this request from workers not serving it when they were read, ignored. */
  get ignored(): number {
    return this.ignoredEvents;
  }

  /** Messages refused before reading: invalid, or with a payload that contradicts its subject (reported as client errors). */
  get rejected(): number {
    return this.subscription?.rejected ?? 0;
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

  /** From now on, read only the events whose subject names `workerId` (every other is ignored). */
  expectWorker(workerId: string): void {
    this.worker = workerId;
  }

  /**
   * The request moved to `workerId`, which continues from the tokens delivered so far: tokens and a `done` the
   * old worker sent past that point are forgotten.
   */
  moveTo(workerId: string): void {
    if (this.worker !== undefined && this.worker !== workerId) this.left.add(this.worker);
    this.worker = workerId;
    // An interrupt not read yet was meant for the worker left behind: it must not cut the new one's stream short.
    this.interrupted = false;
    this.done = undefined;
    this.sequencer = new TokenSequencer(this.requestId, this.sequencer.delivered, this.window);
  }

  /**
   * The next event in order: a token, then `done` (checked against the tokens delivered) or `error`. Resolves
   * {@link IDLE} when nothing arrives for `idleMs`; rejects with `StreamGapError` when a gap does not close within
   * the reorder timeout or `done` does not match.
   */
  async next(idleMs: number): Promise<StreamingResponse | typeof IDLE> {
    // Only the serving worker's events hold the idle time off: ignored ones must not keep a silent worker alive.
    let idleUntil = performance.now() + idleMs;
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
      const wait = Math.max(0, idleUntil - performance.now());
      const arrival = await this.take(waitingForGap ? Math.min(this.reorderTimeoutMs, wait) : wait);
      if (arrival === IDLE) {
        if (done !== undefined) throw this.sequencer.finish(done.totalTokens) ?? this.sequencer.gapError('done arrived but tokens are missing');
        if (this.sequencer.waiting) throw this.sequencer.gapError(`a missing token did not arrive within ${this.reorderTimeoutMs} ms`);
        return IDLE;
      }
      // Decided when read, not when received: events queued before a move belong to the worker the request left.
      const { event, from } = arrival;
      if (from !== this.worker) {
        this.ignore(event, from);
        continue;
      }
      idleUntil = performance.now() + idleMs;
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

  /** Events received from the worker serving the request when they arrived (read or not). */
  get heard(): number {
    return this.heardFromServing;
  }

  private arrive(event: StreamingResponse, from: string): void {
    if (from === this.worker) this.heardFromServing += 1;
    this.arrived.push({ event, from });
    this.wake?.();
  }

  /**
   * Counts an event from a worker that does not serve the request. The first from a worker the request left (late
   * tokens after a move, expected) is logged at debug level; the first from any other (a misbehaving or forged
   * sender) as a warning.
   */
  private ignore(event: StreamingResponse, from: string): void {
    this.ignoredEvents += 1;
    const kind = this.left.has(from) ? 'left' : 'stranger';
    if (this.logged[kind]) return;
    this.logged[kind] = true;
    const fields = { requestId: this.requestId, from, serving: this.worker ?? null, type: event.type };
    if (kind === 'left') this.log.debug(fields, 'Ignored events from a worker this request moved away from (logged once per request)');
    else this.log.warn(fields, 'Ignored events on this request from a worker that does not serve it (logged once per request)');
  }

  private take(timeoutMs: number): Promise<Arrival | typeof IDLE> {
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
