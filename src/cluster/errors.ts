/** Errors of the cluster layer: what goes wrong between a controller and its workers. */
import { DistributedError } from '../base/errors.js';

/** A worker answered an inference request with a refusal (its acknowledgement said `accepted: false`). */
export class InferenceRejectedError extends DistributedError {
  readonly workerId: string;
  readonly requestId: string;
  readonly reason: string | undefined;
  constructor(workerId: string, requestId: string, reason: string | undefined) {
    super(
      'INFERENCE_REJECTED',
      `Worker ${workerId} refused request ${requestId}${reason === undefined ? '' : `: ${reason}`}. Route it to another worker or retry later.`,
    );
    this.workerId = workerId;
    this.requestId = requestId;
    this.reason = reason;
  }
}

/** Why no worker could take a request. */
export type NoWorkerReason = 'none_online' | 'all_busy' | 'no_tier_fits' | 'model_not_served';

const NEXT_STEP: Record<NoWorkerReason, string> = {
  none_online: 'Start a worker or check that workers reach NATS.',
  all_busy: 'Retry later or add workers.',
  no_tier_fits: 'Send it to a model the workers support, or add a worker that fits.',
  model_not_served: "Ask for a model an online worker lists (GET /v1/models), or add the model to a worker's worker.models.",
};

/** No worker can take the request now: none is online, all are busy, or none can serve its model. */
export class NoWorkerAvailableError extends DistributedError {
  readonly reason: NoWorkerReason;
  constructor(reason: NoWorkerReason, detail: string) {
    const next = NEXT_STEP[reason];
    super('NO_WORKER_AVAILABLE', `No worker can take the request: ${detail}. ${next}`);
    this.reason = reason;
  }
}

/**
 * A stream of tokens lost some: an index never arrived within the reorder window, or `done.totalTokens` does not
 * match what was delivered. The text so far is not handed out as if it were whole.
 */
export class StreamGapError extends DistributedError {
  readonly requestId: string;
  /** The indexes that never arrived (for a count mismatch: the ones past the last delivered). */
  readonly missing: readonly number[];
  constructor(requestId: string, missing: readonly number[], detail: string) {
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, ... (${missing.length} in all)` : missing.join(', ');
    super('STREAM_GAP', `The token stream of request ${requestId} has a gap: ${detail}${shown === '' ? '' : ` (missing index ${shown})`}. Retry the request.`);
    this.requestId = requestId;
    this.missing = missing;
  }
}

/** The worker serving a request was lost mid-stream and the request could not move to another one. */
export class WorkerLostError extends DistributedError {
  readonly requestId: string;
  readonly workerId: string;
  /** The tokens received before the loss, in order. */
  readonly tokens: readonly string[];
  constructor(requestId: string, workerId: string, tokens: readonly string[], why: string) {
    super(
      'WORKER_LOST',
      `Worker ${workerId} was lost while streaming request ${requestId} after ${tokens.length} token(s): ${why}. The tokens so far are in error.tokens; retry the request.`,
    );
    this.requestId = requestId;
    this.workerId = workerId;
    this.tokens = tokens;
  }
}
