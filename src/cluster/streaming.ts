/**
 * Streaming inference on the contract's channels: the controller sends an InferenceRequest to
 * `worker.{workerId}.inference`, gets the worker's acknowledgement as the reply, and iterates StreamingResponse
 * events from `response.{requestId}`; the worker side accepts jobs and turns yielded tokens into those events.
 */
import { NatsTimeoutError, describe } from '../base/errors.js';
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { channels as contractChannels, type InferenceAck, type InferenceRequest, type StreamingResponse } from '../../generated/index.js';
import { InferenceRejectedError } from './errors.js';

/** The two channels streaming runs on: by default the contract's `workerInference` and `response`. */
export interface InferenceChannels {
  inference: typeof contractChannels.workerInference;
  response: typeof contractChannels.response;
}

/** Options of {@link InferenceStreaming.streamInference}. */
export interface StreamInferenceOptions {
  /** How long to wait for the worker's acknowledgement. Default: the client's request timeout. */
  ackTimeoutMs?: number;
  /** The stream fails with `NatsTimeoutError` when no event arrives for this long. Default 30000 ms. */
  idleTimeoutMs?: number;
}

/** The events of one request, ending after `done` or `error`. Breaking out of the loop unsubscribes. */
export interface InferenceStream<Ack = InferenceAck, Ev = StreamingResponse> extends AsyncIterable<Ev> {
  /** The worker's acknowledgement (always `status: 'accepted'`; a refusal rejects `streamInference`). */
  readonly ack: Ack;
  /** Stops listening. Safe to call twice. */
  cancel(): Promise<void>;
}

/** What a worker's job handler provides. */
export interface InferenceJobHandler<Req = InferenceRequest, Ack = InferenceAck> {
  /** Decides whether to take the job; the returned acknowledgement is the reply. */
  accept(request: Req): Ack | Promise<Ack>;
  /** Produces the tokens of an accepted job. Throwing ends the stream with an `error` event. */
  generate(request: Req): AsyncIterable<string> | Iterable<string>;
}

/** The controller and worker sides of streaming inference, bound to one contract's channels. */
export interface InferenceStreaming<Req = InferenceRequest, Ack = InferenceAck, Ev = StreamingResponse> {
  streamInference: (client: ChannelTransport, workerId: string, request: Req, options?: StreamInferenceOptions) => Promise<InferenceStream<Ack, Ev>>;
  serveInference: (client: ChannelTransport, workerId: string, handler: InferenceJobHandler<Req, Ack>, options?: { queue?: string }) => Promise<Subscription>;
}

const TERMINAL_TYPES = new Set(['done', 'error']);

type Req = InferenceRequest;
type Ack = InferenceAck;
type Ev = StreamingResponse;

/** Binds streaming to `channels` (by default the contract's own). */
export function createInferenceStreaming(
  channels: InferenceChannels = { inference: contractChannels.workerInference, response: contractChannels.response },
): InferenceStreaming {
  async function streamInference(client: ChannelTransport, workerId: string, request: Req, options: StreamInferenceOptions = {}): Promise<InferenceStream> {
    const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    const queue: Ev[] = [];
    let wake: (() => void) | undefined;
    // Subscribe before sending the request, so no token can be missed.
    const subscription = await channels.response.subscribe(client, { requestId: request.requestId }, (event) => {
      queue.push(event);
      wake?.();
    });
    let ack: Ack;
    try {
      ack = await channels.inference.request(client, { workerId }, request, options.ackTimeoutMs === undefined ? undefined : { timeout: options.ackTimeoutMs });
    } catch (error) {
      await subscription.unsubscribe();
      throw error;
    }
    if (ack.status !== 'accepted') {
      await subscription.unsubscribe();
      throw new InferenceRejectedError(workerId, request.requestId, ack.reason);
    }
    const subject = channels.response.subject({ requestId: request.requestId });
    const cancel = (): Promise<void> => subscription.unsubscribe();

    async function nextEvent(): Promise<Ev> {
      const queued = queue.shift();
      if (queued !== undefined) return queued;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          wake = undefined;
          reject(new NatsTimeoutError(subject, idleTimeoutMs));
        }, idleTimeoutMs);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
      return queue.shift() as Ev;
    }

    async function* events(): AsyncGenerator<Ev> {
      try {
        for (;;) {
          const event = await nextEvent();
          yield event;
          if (TERMINAL_TYPES.has(event.type)) return;
        }
      } finally {
        // Runs on done/error, on a timeout, and when the consumer breaks out of its loop.
        await cancel();
      }
    }
    return { ack, cancel, [Symbol.asyncIterator]: events };
  }

  async function serveInference(client: ChannelTransport, workerId: string, handler: InferenceJobHandler, options: { queue?: string } = {}): Promise<Subscription> {
    return channels.inference.reply(
      client,
      { workerId },
      async (request) => {
        const receivedAt = performance.now();
        const ack = await handler.accept(request);
        // Start streaming after the acknowledgement is on its way; the controller subscribed before asking, so
        // ordering between the reply and the first token does not matter for correctness.
        if (ack.status === 'accepted') setImmediate(() => void streamTokens(client, request, handler, receivedAt));
        return ack;
      },
      options,
    );
  }

  async function streamTokens(client: ChannelTransport, request: Req, handler: InferenceJobHandler, receivedAt: number): Promise<void> {
    const params = { requestId: request.requestId };
    const send = (event: DistributiveOmit<Ev, 'requestId'>): Promise<void> =>
      channels.response.publish(client, params, { requestId: request.requestId, ...event });
    let index = 0;
    try {
      for await (const token of handler.generate(request)) {
        await send({ type: 'token', token, index });
        index += 1;
      }
      if (index === 0) {
        await send({ type: 'error', error: 'The model produced no tokens.', code: 'EMPTY_OUTPUT' });
        return;
      }
      await send({ type: 'done', totalTokens: index, latencyMs: Math.round((performance.now() - receivedAt) * 1000) / 1000 });
    } catch (error) {
      const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'GENERATION_FAILED';
      // If even the error event cannot be sent (connection closed), the controller's idle timeout reports it.
      await send({ type: 'error', error: describe(error), code }).catch(() => undefined);
    }
  }

  return { streamInference, serveInference };
}

/** Omit over each member of a union (the plain Omit would merge the variants). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const defaultStreaming = createInferenceStreaming();

/**
 * Controller side of streaming inference: subscribes to `response.{requestId}`, sends the InferenceRequest to
 * `worker.{workerId}.inference`, and resolves once the worker accepted (a refusal rejects with
 * `InferenceRejectedError`). Iterate the result for StreamingResponse events; it ends after `done` or `error`,
 * fails with `NatsTimeoutError` when idle too long, and unsubscribes when you break out.
 */
export const streamInference = defaultStreaming.streamInference;

/**
 * Worker side of streaming inference: answers requests on `worker.{workerId}.inference` with the acknowledgement
 * `accept()` returns, then streams the tokens `generate()` yields as StreamingResponse events, ending with `done`
 * (or `error` if it throws).
 */
export const serveInference = defaultStreaming.serveInference;
