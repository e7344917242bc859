/**
 * endpoint-stats.ts: what a reply subscription counts for its service endpoint, and the INFO and STATS entries made
 * from it. Elsewhere: counting as requests are answered, tests/client/inbound.test.ts; the documents as a services
 * client reads them (and the protocol's JSON Schemas), tests/tracing/services.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EndpointCounters } from '../../src/client/endpoint-stats.js';

describe('EndpointCounters', () => {
  it('counts requests, errors with the last one, and processing time', () => {
    const counters = new EndpointCounters({ name: 'job', metadata: { request: 'Job' } }, 'job.1', 'workers');
    counters.answered(performance.now() - 2);
    counters.answered(performance.now() - 1, 'bad request');
    expect([counters.requests, counters.errors, counters.lastError]).toEqual([2, 1, 'bad request']);
    expect(counters.processingMs).toBeGreaterThan(2);
  });

  it('describes itself for INFO and STATS, in nanoseconds, with data when given', () => {
    const counters = new EndpointCounters({ name: 'job', metadata: { request: 'Job' } }, 'job.1', 'workers');
    expect(counters.info()).toEqual({ name: 'job', subject: 'job.1', queue_group: 'workers', metadata: { request: 'Job' } });
    expect(counters.stats(undefined)).toEqual({
      name: 'job',
      subject: 'job.1',
      queue_group: 'workers',
      num_requests: 0,
      num_errors: 0,
      last_error: '',
      processing_time: 0,
      average_processing_time: 0,
    });
    counters.processingMs = 3;
    counters.requests = 2;
    expect(counters.stats({ tokens: 5 })).toMatchObject({ processing_time: 3_000_000, average_processing_time: 1_500_000, data: { tokens: 5 } });
    const plain = new EndpointCounters({ name: 'p' }, 'p.1', undefined);
    expect(plain.info()).toEqual({ name: 'p', subject: 'p.1' });
  });
});
