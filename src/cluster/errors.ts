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
