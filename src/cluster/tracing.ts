/**
 * The spans of an inference request, when an OpenTelemetry SDK is registered (nothing otherwise).
 *
 * Controller side ({@link RequestTraces}), one trace per `controller.infer`:
 *
 * ```
 * text_completion <model>                 the request, from infer() to its end; events first_token, moved
 *   route                                  each choice of a worker: strategy, chosen worker, reason
 *   attempt                                each worker tried: worker, reason, from token, outcome; linked to the one before
 *     send worker.{workerId}.inference     the request and its acknowledgement (typed channel)
 *       process worker.{workerId}.inference   on the worker: accepting it
 *         generate <model>                 the worker's generation: tokens, outcome; event first_token
 * ```
 *
 * The attempt runs in its span's context, so the trace context reaches the worker in the request's headers. The
 * tokens travel on `response.{workerId}.{requestId}` with the worker's context in their headers but no span each
 * (`setChannelTracing(..., 'context')`), and heartbeats carry none: they belong to no request.
 *
 * Attribute names: OpenTelemetry's GenAI conventions where they have one (`gen_ai.request.model`,
 * `gen_ai.usage.output_tokens`, `gen_ai.server.time_to_first_token`), `mlx.*` for the cluster's own.
 */
import { SPAN_KIND, failSpan, inSpan, linkTo, setChannelTracing, startSpan, tracingActive, type Attributes, type TracedSpan } from '../observability/index.js';
import { channels, type InferenceRequest } from '../../generated/index.js';
import { NoWorkerAvailableError } from './errors.js';
import type { AttemptOutcome, InferAttempt, RequestOutcome } from './inference-observer.js';
import type { RouteChoice } from './routing.js';

// A stream's tokens carry their request's context without a span each; heartbeats belong to no request.
setChannelTracing(channels.response.id, 'context');
setChannelTracing(channels.workerHeartbeat.id, 'off');

/** `gen_ai.operation.name` of an InferenceRequest: a prompt continued by the model. */
const OPERATION = 'text_completion';

/** Outcomes after which an attempt's span ends. `lost` does not end it: `moved` follows, or the request ends. */
const FINAL: ReadonlySet<AttemptOutcome> = new Set(['completed', 'failed', 'refused', 'no responders', 'no acknowledgement', 'moved', 'cancelled']);
/** Outcomes that are not a failure of the attempt. */
const FINE: ReadonlySet<AttemptOutcome> = new Set(['sent', 'streaming', 'completed', 'cancelled']);

/** An attempt's span, and whether it is still open. */
interface AttemptTrace {
  readonly traced: TracedSpan;
  open: boolean;
}

/** One traced request. */
class RequestTrace {
  readonly attempts = new Map<InferAttempt, AttemptTrace>();
  last: TracedSpan | undefined;
  firstToken = false;
  readonly started = performance.now();

  constructor(readonly root: TracedSpan) {}
}

/** The traces of a controller's requests in flight. See the module comment. */
export class RequestTraces {
  private readonly traces = new Map<string, RequestTrace>();

  /** Traced requests in flight: 0 means every other call is a no-op (the controller checks it first). */
  get size(): number {
    return this.traces.size;
  }

  /**
   * Starts the span of `request` and returns a function that runs the controller's work in its context; undefined
   * when tracing is off.
   */
  begin(request: InferenceRequest): (<R>(fn: () => Promise<R>) => Promise<R>) | undefined {
    if (!tracingActive()) return undefined;
    const attributes: Attributes = {
      'gen_ai.operation.name': OPERATION,
      'gen_ai.request.model': request.modelId,
      'mlx.request.id': request.requestId,
    };
    if (request.maxTokens !== undefined) attributes['gen_ai.request.max_tokens'] = request.maxTokens;
    const root = startSpan(`${OPERATION} ${request.modelId}`, { kind: SPAN_KIND.internal, attributes });
    if (root === undefined) return undefined;
    this.traces.set(request.requestId, new RequestTrace(root));
    return (fn) =>
      inSpan(root, fn).catch((error: unknown) => {
        // A failure before the controller could report the request's end (its stream could not open).
        this.end(request.requestId, { kind: 'failed', errorClass: error instanceof Error ? error.constructor.name : 'Error', message: String(error) });
        throw error;
      });
  }

  /** `iterator`, each step taken in the request's context (a move's routing and attempt run in a step). */
  events<T>(requestId: string, iterator: AsyncGenerator<T>): AsyncGenerator<T> {
    const trace = this.traces.get(requestId);
    if (trace === undefined) return iterator;
    const step = <R>(fn: () => Promise<R>): Promise<R> => inSpan(trace.root, fn);
    const wrapped: AsyncGenerator<T> = {
      next: (...args) => step(() => iterator.next(...args)),
      return: (value) => step(() => iterator.return(value)),
      throw: (error) => step(() => iterator.throw(error)),
      [Symbol.asyncIterator]: () => wrapped,
    };
    return wrapped;
  }

  /** A choice of worker for the request, as a `route` span: the chosen worker and why, or why none fits. */
  route(requestId: string, strategy: string, excluded: number, choose: () => RouteChoice | NoWorkerAvailableError): RouteChoice | NoWorkerAvailableError {
    const trace = this.traces.get(requestId);
    if (trace === undefined) return choose();
    const traced = startSpan('route', { parent: trace.root, attributes: { 'mlx.route.strategy': strategy, 'mlx.route.excluded': excluded } });
    if (traced === undefined) return choose();
    const choice = choose();
    if (choice instanceof NoWorkerAvailableError) {
      traced.span.setAttribute('mlx.route.reason', choice.reason);
      failSpan(traced.span, choice);
    } else {
      traced.span.setAttributes({ 'mlx.worker.id': choice.workerId, 'mlx.route.reason': choice.reason });
    }
    traced.span.end();
    return choice;
  }

  /** A worker is being asked: its `attempt` span, linked to the attempt before (a retry or a move). */
  attemptStarted(requestId: string, attempt: Readonly<InferAttempt>): void {
    const trace = this.traces.get(requestId);
    if (trace === undefined) return;
    const previous = trace.last;
    const traced = startSpan('attempt', {
      parent: trace.root,
      attributes: {
        'mlx.worker.id': attempt.workerId,
        'mlx.route.reason': attempt.reason,
        'mlx.attempt.number': trace.attempts.size + 1,
        'mlx.attempt.from_token': attempt.fromToken,
      },
      links: previous === undefined ? undefined : [linkTo(previous, { 'mlx.link': 'previous attempt' })],
    });
    if (traced === undefined) return;
    trace.attempts.set(attempt, { traced, open: true });
    trace.last = traced;
  }

  /** Runs `ask` (the request to the attempt's worker) in the attempt's context, so the request carries it. */
  inAttempt<R>(requestId: string, attempt: Readonly<InferAttempt>, ask: () => Promise<R>): Promise<R> {
    const traced = this.traces.get(requestId)?.attempts.get(attempt)?.traced;
    return traced === undefined ? ask() : inSpan(traced, ask);
  }

  /** An attempt's outcome changed: an event, and the end of its span once final; a move is an event of the request. */
  attemptUpdated(requestId: string, attempt: Readonly<InferAttempt>): void {
    const trace = this.traces.get(requestId);
    const entry = trace?.attempts.get(attempt);
    if (trace === undefined || !entry?.open) return;
    const { span } = entry.traced;
    const detail = attempt.detail === undefined ? {} : { 'mlx.attempt.detail': attempt.detail };
    span.addEvent(attempt.outcome, detail);
    if (attempt.outcome === 'moved') {
      const to = [...trace.attempts.keys()].at(-1);
      trace.root.span.addEvent('moved', {
        'mlx.worker.from': attempt.workerId,
        'mlx.worker.to': to?.workerId ?? '',
        'mlx.move.from_token': to?.fromToken ?? 0,
        ...detail,
      });
    }
    if (FINAL.has(attempt.outcome)) this.closeAttempt(entry, attempt);
  }

  /** A token reached the caller: the first one is the request's time to first token. */
  tokenDelivered(requestId: string, workerId: string): void {
    const trace = this.traces.get(requestId);
    if (trace === undefined || trace.firstToken) return;
    trace.firstToken = true;
    trace.root.span.addEvent('first_token', { 'gen_ai.server.time_to_first_token': (performance.now() - trace.started) / 1000, 'mlx.worker.id': workerId });
  }

  /** The request ended: its attempts still open end with it, then its span. */
  end(requestId: string, outcome: RequestOutcome): void {
    const trace = this.traces.get(requestId);
    if (trace === undefined) return;
    this.traces.delete(requestId);
    for (const [attempt, entry] of trace.attempts) this.closeAttempt(entry, attempt);
    const { span } = trace.root;
    span.setAttribute('mlx.request.outcome', outcome.kind);
    span.setAttribute('mlx.attempts', trace.attempts.size);
    if (outcome.kind === 'completed') span.setAttribute('gen_ai.usage.output_tokens', outcome.totalTokens);
    if (outcome.kind === 'failed') {
      span.setAttribute('error.type', outcome.errorClass);
      span.setStatus({ code: 2, message: outcome.message });
    }
    span.end();
  }

  private closeAttempt(entry: AttemptTrace, attempt: Readonly<InferAttempt>): void {
    if (!entry.open) return;
    entry.open = false;
    const { span } = entry.traced;
    span.setAttribute('mlx.attempt.outcome', attempt.outcome);
    if (!FINE.has(attempt.outcome)) {
      span.setAttribute('error.type', attempt.outcome);
      span.setStatus({ code: 2, message: attempt.detail ?? attempt.outcome });
    }
    span.end();
  }
}

/**
 * A worker's generation of `request`, as a `generate <model>` span (child of the current context: the handling of
 * the request) from the engine's call to the end of its tokens, with the engine's steps in its context. `tokens`
 * itself when tracing is off.
 */
export function traceGeneration(
  request: InferenceRequest,
  workerId: string,
  signal: AbortSignal,
  tokens: AsyncIterable<string> | Iterable<string>,
): AsyncIterable<string> | Iterable<string> {
  if (!tracingActive()) return tokens;
  const traced = startSpan(`generate ${request.modelId}`, {
    attributes: {
      'gen_ai.operation.name': OPERATION,
      'gen_ai.request.model': request.modelId,
      'mlx.request.id': request.requestId,
      'mlx.worker.id': workerId,
      'mlx.generation.from_token': request.continuation?.tokenCount ?? 0,
    },
  });
  if (traced === undefined) return tokens;
  return {
    [Symbol.asyncIterator]() {
      const started = performance.now();
      let count = 0;
      let ended = false;
      const source = Symbol.asyncIterator in tokens ? tokens[Symbol.asyncIterator]() : tokens[Symbol.iterator]();
      const finish = (error?: unknown): void => {
        if (ended) return;
        ended = true;
        traced.span.setAttribute('gen_ai.usage.output_tokens', count);
        traced.span.setAttribute('mlx.generation.outcome', error !== undefined ? 'error' : signal.aborted ? 'cancelled' : 'done');
        if (error !== undefined) failSpan(traced.span, error);
        traced.span.end();
      };
      return {
        async next(): Promise<IteratorResult<string>> {
          try {
            const step = await inSpan(traced, () => Promise.resolve(source.next()));
            if (step.done === true) finish();
            else if (count++ === 0) traced.span.addEvent('first_token', { 'gen_ai.server.time_to_first_token': (performance.now() - started) / 1000 });
            return step;
          } catch (error) {
            finish(error);
            throw error;
          }
        },
        async return(value?: unknown): Promise<IteratorResult<string>> {
          finish();
          await source.return?.(value);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
