/**
 * What a controller tells observers about each request it routes: the metrics and the dashboard read the cluster's
 * requests through this, so the controller knows nothing of either. Calls are synchronous and in order per request;
 * an observer must be cheap (one call per token) and must not throw (a throw is caught and logged once).
 */

/**
 * How one worker's attempt at a request ended; `sent` and `streaming` are the states before it ends. `lost`: the
 * worker went offline, restarted or fell silent (`moved` once another worker took the request over); `gap`: tokens
 * of its stream were lost on the way, and the request went on from the last token in order on another worker.
 */
export type AttemptOutcome =
  'sent' | 'streaming' | 'completed' | 'failed' | 'refused' | 'no responders' | 'no acknowledgement' | 'lost' | 'moved' | 'gap' | 'cancelled';

/** One worker tried for a request. */
export interface InferAttempt {
  workerId: string;
  /** Why the router chose it. */
  reason: string;
  /** Where the attempt stands, or how it ended. */
  outcome: AttemptOutcome;
  /** For `refused`: the worker's reason; for `failed` and `lost`: what happened. */
  detail?: string;
  /** Tokens already delivered when this worker took over (0 for the first). */
  fromToken: number;
}

/** How a request ended, as the caller saw it. `errorClass` is the error's class name (`WorkerLostError`, ...). */
export type RequestOutcome = { kind: 'completed'; totalTokens: number } | { kind: 'failed'; errorClass: string; message: string } | { kind: 'cancelled' };

/** A request as an observer first sees it. */
export interface ObservedRequest {
  readonly requestId: string;
  readonly modelId: string;
  /** `Date.now()` when the controller received it. */
  readonly startedAt: number;
}

/** Receives a controller's request events; every method is optional. */
export interface InferenceObserver {
  /** The controller received the request (before routing). */
  requestStarted?(request: ObservedRequest): void;
  /** A worker was chosen: the first placement, a retry after a refusal, or a move. */
  attemptStarted?(requestId: string, attempt: Readonly<InferAttempt>): void;
  /** An attempt's outcome changed (`streaming` once accepted, then how it ended). */
  attemptUpdated?(requestId: string, attempt: Readonly<InferAttempt>): void;
  /** A token reached the caller, in order; `at` is `performance.now()`. */
  tokenDelivered?(requestId: string, workerId: string, index: number, at: number): void;
  /** The request ended. Called once per started request. */
  requestEnded?(requestId: string, outcome: RequestOutcome): void;
}
