/**
 * Streaming inference on the contract's channels. The controller side subscribes to `response.*.{requestId}`,
 * sends the InferenceRequest to `worker.{workerId}.inference`, gets the worker's acknowledgement as the reply and
 * reads that worker's events (by their subject) in `index` order (duplicates dropped, gaps fail with
 * `StreamGapError`). The worker side accepts jobs, streams the tokens its generator yields on its own
 * `response.{workerId}.{requestId}`, numbers them (from `continuation.tokenCount` for a request that moved to it),
 * and aborts a job on `worker.{workerId}.cancel`.
 */
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { NatsTimeoutError, describe } from '../base/errors.js';
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { channels as contractChannels, type InferenceAck, type InferenceRequest, type StreamingResponse } from '../../generated/index.js';
import { InferenceRejectedError } from './errors.js';
import { IDLE, ResponseReader, type ResponseReaderOptions } from './response-reader.js';

/** The channels streaming runs on: by default the contract's `workerInference`, `response` and `workerCancel`. */
export interface InferenceChannels {
  inference: typeof contractChannels.workerInference;
  response: typeof contractChannels.response;
  cancel?: typeof contractChannels.workerCancel;
}

/** Options of {@link InferenceStreaming.streamInference}. */
export interface StreamInferenceOptions extends ResponseReaderOptions {
  /** How long to wait for the worker's acknowledgement. Default: the client's request timeout. */
  ackTimeoutMs?: number;
  /** The stream fails with `NatsTimeoutError` when no event arrives for this long. Default 30000 ms. */
  idleTimeoutMs?: number;
}

/** The events of one request, ending after `done` or `error`. Breaking out of the loop unsubscribes. */
export interface InferenceStream<Ack = InferenceAck, Ev = StreamingResponse> extends AsyncIterable<Ev> {
  /** The worker's acknowledgement (always `status: 'accepted'`; a refusal rejects `streamInference`). */
  readonly ack: Ack;
  /** Events of this request whose subject names another worker than the one that accepted it: ignored. */
  readonly ignored: number;
  /** Messages on this request's subjects refused before reading (invalid, or a payload that contradicts its subject). */
  readonly rejected: number;
  /** Stops listening. Safe to call twice. */
  cancel(): Promise<void>;
}

/** What a worker's job handler provides. */
export interface InferenceJobHandler<Req = InferenceRequest, Ack = InferenceAck> {
  /** Decides whether to take the job; the returned acknowledgement is the reply. */
  accept(request: Req): Ack | Promise<Ack>;
  /**
   * Produces the tokens of an accepted job (for a request with `continuation`, the tokens after its text).
   * Throwing ends the stream with an `error` event; `signal` aborts when the job is cancelled.
   */
  generate(request: Req, signal: AbortSignal): AsyncIterable<string> | Iterable<string>;
  /** Called when an accepted job ends, however it ends (to free a slot). */
  finished?(request: Req, outcome: 'done' | 'error' | 'cancelled'): void;
}

/** Options of {@link InferenceStreaming.serveInference}. */
export interface ServeInferenceOptions {
  queue?: string;
}

/** A worker's serving of its inference subject, with its running jobs. */
export interface InferenceService extends Subscription {
  /** Jobs accepted and not yet finished. */
  readonly running: number;
  /** Aborts every running job (each ends with an `error` event `CANCELLED`). */
  abortAll(reason: string): void;
}

/** The controller and worker sides of streaming inference, bound to one contract's channels. */
export interface InferenceStreaming<Req = InferenceRequest, Ack = InferenceAck, Ev = StreamingResponse> {
  streamInference: (client: ChannelTransport, workerId: string, request: Req, options?: StreamInferenceOptions) => Promise<InferenceStream<Ack, Ev>>;
  serveInference: (
    client: ChannelTransport,
    workerId: string,
    handler: InferenceJobHandler<Req, Ack>,
    options?: ServeInferenceOptions,
  ) => Promise<InferenceService>;
}

type Ev = StreamingResponse;

/** Omit over each member of a union (the plain Omit would merge the variants). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Binds streaming to `channels` (by default the contract's own). */
export function createInferenceStreaming(
  channels: InferenceChannels = { inference: contractChannels.workerInference, response: contractChannels.response, cancel: contractChannels.workerCancel },
): InferenceStreaming {
  async function streamInference(
    client: ChannelTransport,
    workerId: string,
    request: InferenceRequest,
    options: StreamInferenceOptions = {},
  ): Promise<InferenceStream> {
    const idleTimeoutMs = options.idleTimeoutMs ?? RUNTIME_DEFAULTS.inference.idleTimeoutMs;
    // Subscribe before sending the request, so no token can be missed.
    const reader = await ResponseReader.open(client, request.requestId, options);
    reader.expectWorker(workerId);
    let ack: InferenceAck;
    try {
      ack = await channels.inference.request(client, { workerId }, request, options.ackTimeoutMs === undefined ? undefined : { timeout: options.ackTimeoutMs });
    } catch (error) {
      await reader.close();
      throw error;
    }
    if (ack.status !== 'accepted') {
      await reader.close();
      throw new InferenceRejectedError(workerId, request.requestId, ack.reason);
    }
    const subject = channels.response.subject({ workerId, requestId: request.requestId });
    let finished = false;
    const cancel = async (): Promise<void> => {
      await reader.close();
      if (finished || channels.cancel === undefined) return;
      finished = true;
      // Free the worker's slot; a worker that is gone simply does not hear it.
      await channels.cancel.publish(client, { workerId }, { requestId: request.requestId, reason: 'cancelled' }).catch(() => undefined);
    };

    async function* events(): AsyncGenerator<Ev> {
      try {
        for (;;) {
          const event = await reader.next(idleTimeoutMs);
          if (event === IDLE) throw new NatsTimeoutError(subject, idleTimeoutMs);
          if (event.type !== 'token') finished = true;
          yield event;
          if (event.type !== 'token') return;
        }
      } finally {
        // Runs on done/error, on a timeout or gap, and when the consumer breaks out of its loop.
        await cancel();
      }
    }
    return {
      ack,
      cancel,
      get ignored() {
        return reader.ignored;
      },
      get rejected() {
        return reader.rejected;
      },
      [Symbol.asyncIterator]: events,
    };
  }

  async function serveInference(
    client: ChannelTransport,
    workerId: string,
    handler: InferenceJobHandler,
    options: ServeInferenceOptions = {},
  ): Promise<InferenceService> {
    const jobs = new Map<string, AbortController>();
    const cancels =
      channels.cancel === undefined
        ? undefined
        : await channels.cancel.subscribe(client, { workerId }, (message) => {
            jobs.get(message.requestId)?.abort(new Error(`cancelled by the controller (${message.reason})`));
          });
    const subscription = await channels.inference.reply(
      client,
      { workerId },
      async (request) => {
        const receivedAt = performance.now();
        const ack = await handler.accept(request);
        if (ack.status === 'accepted') {
          const abort = new AbortController();
          jobs.set(request.requestId, abort);
          // Start streaming after the acknowledgement is on its way; the controller subscribed before asking, so
          // ordering between the reply and the first token does not matter for correctness.
          setImmediate(() => {
            void streamTokens(client, workerId, request, handler, receivedAt, abort.signal).then((outcome) => {
              jobs.delete(request.requestId);
              handler.finished?.(request, outcome);
            });
          });
        }
        return ack;
      },
      options,
    );
    return {
      get subject() {
        return subscription.subject;
      },
      get received() {
        return subscription.received;
      },
      get rejected() {
        return subscription.rejected;
      },
      get dropped() {
        return subscription.dropped;
      },
      get running() {
        return jobs.size;
      },
      abortAll(reason) {
        for (const job of jobs.values()) job.abort(new Error(reason));
      },
      async unsubscribe() {
        await subscription.unsubscribe();
        await cancels?.unsubscribe();
      },
      isClosed: () => subscription.isClosed(),
    };
  }

  async function streamTokens(
    client: ChannelTransport,
    workerId: string,
    request: InferenceRequest,
    handler: InferenceJobHandler,
    receivedAt: number,
    signal: AbortSignal,
  ): Promise<'done' | 'error' | 'cancelled'> {
    // Its own subject for the request: the one NATS permissions let it publish on, and the one readers trust.
    const params = { workerId, requestId: request.requestId };
    const send = (event: DistributiveOmit<Ev, 'requestId' | 'workerId'>): Promise<void> =>
      channels.response.publish(client, params, { requestId: request.requestId, workerId, ...event });
    const first = request.continuation?.tokenCount ?? 0;
    let index = first;
    try {
      // `for await` reads a sync iterable too; one iterable type keeps the token type exact for every checker.
      for await (const token of handler.generate(request, signal) as AsyncIterable<string>) {
        if (signal.aborted) break;
        await send({ type: 'token', token, index });
        index += 1;
      }
      if (signal.aborted) {
        // The reader left (or the request moved): tell anyone still listening, then stop.
        await send({ type: 'error', error: `The job was cancelled: ${describe(signal.reason)}.`, code: 'CANCELLED' }).catch(() => undefined);
        return 'cancelled';
      }
      if (index === 0) {
        await send({ type: 'error', error: 'The model produced no tokens.', code: 'EMPTY_OUTPUT' });
        return 'error';
      }
      await send({ type: 'done', totalTokens: index, latencyMs: Math.round((performance.now() - receivedAt) * 1000) / 1000 });
      return 'done';
    } catch (error) {
      const code = signal.aborted
        ? 'CANCELLED'
        : typeof (error as { code?: unknown }).code === 'string'
          ? (error as { code: string }).code
          : 'GENERATION_FAILED';
      // If even the error event cannot be sent (connection closed), the controller's idle timeout reports it.
      await send({ type: 'error', error: describe(error), code }).catch(() => undefined);
      return signal.aborted ? 'cancelled' : 'error';
    }
  }

  return { streamInference, serveInference };
}

const defaultStreaming = createInferenceStreaming();

/**
 * Controller side of streaming inference: subscribes to `response.*.{requestId}`, sends the InferenceRequest to
 * `worker.{workerId}.inference`, and resolves once the worker accepted (a refusal rejects with
 * `InferenceRejectedError`). Iterate the result for the accepting worker's StreamingResponse events (any other
 * worker's are ignored, see `ignored`) in `index` order; it ends after `done` or `error`, fails with
 * `StreamGapError` when a token is lost and `NatsTimeoutError` when idle too long, and unsubscribes (and tells the
 * worker to stop) when you break out.
 */
export const streamInference = defaultStreaming.streamInference;

/**
 * Worker side of streaming inference: answers requests on `worker.{workerId}.inference` with the acknowledgement
 * `accept()` returns, then streams the tokens `generate()` yields as StreamingResponse events, ending with `done`
 * (or `error` if it throws), and aborts a job when the controller cancels it.
 */
export const serveInference = defaultStreaming.serveInference;
