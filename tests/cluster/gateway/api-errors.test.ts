/** One table decides the status of every failure the HTTP API reports; each row here is a failure a client can meet. */
import { describe, expect, it } from 'vitest';
import { DistributedError, NatsNoRespondersError, NatsNotConnectedError, NatsTimeoutError } from '../../../src/base/errors.js';
import { InferenceRejectedError, NoWorkerAvailableError, StreamGapError, WorkerLostError } from '../../../src/cluster/errors.js';
import { errorBody, fromStreamError, toApiError } from '../../../src/cluster/gateway/api-errors.js';
import { InvalidRequestError } from '../../../src/cluster/gateway/openai-api.js';

describe('toApiError', () => {
  it.each([
    ['a body the API refuses', new InvalidRequestError('n is not supported', 'n', 'unsupported_parameter'), 400, 'unsupported_parameter', undefined],
    ['a model no online worker serves', new NoWorkerAvailableError('model_not_served', 'no online worker serves m'), 404, 'model_not_found', undefined],
    ['every worker busy', new NoWorkerAvailableError('all_busy', 'all 2 workers are busy'), 503, 'no_worker_available', 7],
    ['no worker online', new NoWorkerAvailableError('none_online', 'no worker is online'), 503, 'no_worker_available', 7],
    ['no acknowledgement', new NatsTimeoutError('worker.x.inference', 5000), 504, 'worker_timeout', undefined],
    ['every worker refused', new InferenceRejectedError('w', 'r', 'at_capacity'), 503, 'workers_refused', 7],
    ['a refusal built as a plain DistributedError', new DistributedError('INFERENCE_REJECTED', 'refused'), 503, 'workers_refused', 7],
    ['no responders', new NatsNoRespondersError('worker.x.inference'), 503, 'cluster_unavailable', 7],
    ['NATS down', new NatsNotConnectedError('not connected'), 503, 'cluster_unavailable', 7],
    ['a request over NATS max_payload', new DistributedError('NATS_MAX_PAYLOAD', 'too large'), 413, 'request_too_large', undefined],
    ['a worker lost with no other to take the request', new WorkerLostError('r', 'w', ['a'], 'it went offline'), 502, 'worker_lost', undefined],
    ['a gap in the stream', new StreamGapError('r', [3], 'index 3 never came'), 502, 'stream_gap', undefined],
    ['anything else', new Error('surprise'), 500, 'internal_error', undefined],
  ])('%s', (_, error, status, code, retryAfterS) => {
    const api = toApiError(error, 7);
    expect(api).toMatchObject({ status, code });
    expect(api.retryAfterS).toBe(retryAfterS);
    expect(api.message.length).toBeGreaterThan(5);
    expect(errorBody(api).error).toEqual({ message: api.message, type: api.type, param: api.param, code });
  });
});

describe('fromStreamError', () => {
  it('an upstream failure is a 502 and names the worker; another failure a 500', () => {
    expect(fromStreamError('UPSTREAM_TIMEOUT', 'no chunk for 5000 ms', 'w-1')).toMatchObject({
      status: 502,
      code: 'upstream_timeout',
      message: expect.stringContaining('worker w-1') as unknown,
    });
    expect(fromStreamError('EMPTY_OUTPUT', 'no tokens', undefined)).toMatchObject({ status: 500, code: 'empty_output' });
  });
});
