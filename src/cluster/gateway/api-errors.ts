/**
 * Every failure of the HTTP API as OpenAI clients expect it: a status code and `{"error": {message, type, param,
 * code}}`. One table decides the status of each failure, so a response before the stream and an error event inside
 * it say the same thing.
 */
import { DistributedError, NatsNoRespondersError, NatsNotConnectedError, NatsTimeoutError, describe } from '../../base/errors.js';
import { InferenceRejectedError, NoWorkerAvailableError, StreamGapError, WorkerLostError } from '../errors.js';
import { InvalidRequestError } from './openai-api.js';

/** An error as the HTTP API reports it. */
export interface ApiError {
  status: number;
  type: 'invalid_request_error' | 'authentication_error' | 'server_error';
  code: string;
  message: string;
  param: string | null;
  /** Seconds a client should wait before retrying (sent as `Retry-After`). */
  retryAfterS?: number;
}

/** The JSON body of an error response, or the payload of an error event in a stream. */
export function errorBody(error: ApiError): { error: { message: string; type: string; param: string | null; code: string } } {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** A 400 for a body that fails its checks. */
export function badRequest(message: string, param: string | null, code = 'invalid_value'): ApiError {
  return { status: 400, type: 'invalid_request_error', code, message, param };
}

/** The worker's error event (a generation that failed on the worker) as an API error: 502 for an upstream's failure. */
export function fromStreamError(code: string, message: string, workerId: string | undefined): ApiError {
  const upstream = code.startsWith('UPSTREAM_');
  const where = workerId === undefined ? '' : ` (worker ${workerId})`;
  return { status: upstream ? 502 : 500, type: 'server_error', code: code.toLowerCase(), message: `The generation failed${where}: ${message}`, param: null };
}

/**
 * Any error thrown while placing or streaming a request, as an API error. `retryAfterS` is what a client should wait
 * when no worker can take the request now (about one heartbeat: the registry's view changes that often).
 */
export function toApiError(error: unknown, retryAfterS: number): ApiError {
  if (error instanceof InvalidRequestError) return badRequest(error.message, error.param, error.code);
  if (error instanceof NoWorkerAvailableError) {
    if (error.reason === 'model_not_served')
      return { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: error.message, param: 'model' };
    return { status: 503, type: 'server_error', code: 'no_worker_available', message: error.message, param: null, retryAfterS };
  }
  if (error instanceof NatsTimeoutError) {
    return { status: 504, type: 'server_error', code: 'worker_timeout', message: `No worker acknowledged the request in time: ${error.message}`, param: null };
  }
  if (error instanceof InferenceRejectedError || (error instanceof DistributedError && error.code === 'INFERENCE_REJECTED')) {
    return { status: 503, type: 'server_error', code: 'workers_refused', message: error.message, param: null, retryAfterS };
  }
  if (
    error instanceof NatsNoRespondersError ||
    error instanceof NatsNotConnectedError ||
    (error instanceof DistributedError && error.code === 'NATS_CONNECTION')
  ) {
    return { status: 503, type: 'server_error', code: 'cluster_unavailable', message: error.message, param: null, retryAfterS };
  }
  if (error instanceof DistributedError && error.code === 'NATS_MAX_PAYLOAD') {
    return {
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
      message: `The request is larger than NATS carries to a worker (the server's max_payload; a chat request holds its text twice, as messages and as a prompt). Send a shorter one, or raise max_payload on the NATS server and lower controller.max_body_bytes to match.`,
      param: null,
    };
  }
  if (error instanceof WorkerLostError) return { status: 502, type: 'server_error', code: 'worker_lost', message: error.message, param: null };
  if (error instanceof StreamGapError) return { status: 502, type: 'server_error', code: 'stream_gap', message: error.message, param: null };
  return { status: 500, type: 'server_error', code: 'internal_error', message: `The controller failed: ${describe(error)}`, param: null };
}
