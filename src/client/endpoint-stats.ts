/**
 * What a reply subscription that is a service endpoint counts, for the service's INFO and STATS (src/client/services.ts):
 * requests answered, errors among them, and the time from receipt to answer.
 */
import type { NamedEndpointStats } from '@nats-io/services';
import type { EndpointInfoDocument, EndpointStatsDocument, ServiceEndpoint } from './types.js';

/** What a reply subscription counts for its endpoint: requests answered, errors, time from receipt to answer. */
export class EndpointCounters {
  requests = 0;
  errors = 0;
  lastError: string | undefined;
  /** Milliseconds (fractional), summed. */
  processingMs = 0;

  constructor(
    readonly endpoint: ServiceEndpoint,
    readonly subject: string,
    readonly queue: string | undefined,
  ) {}

  /** A request received at `start` (`performance.now()`) was answered: with an error when `error` is given. */
  answered(start: number, error?: string): void {
    this.requests += 1;
    this.processingMs += performance.now() - start;
    if (error !== undefined) {
      this.errors += 1;
      this.lastError = error;
    }
  }

  info(): EndpointInfoDocument {
    const info: EndpointInfoDocument = { name: this.endpoint.name, subject: this.subject };
    if (this.queue !== undefined) info.queue_group = this.queue;
    if (this.endpoint.metadata !== undefined) info.metadata = { ...this.endpoint.metadata };
    return info;
  }

  stats(data: unknown): EndpointStatsDocument {
    const processing = Math.round(this.processingMs * 1e6);
    const stats: EndpointStatsDocument & NamedEndpointStats = {
      name: this.endpoint.name,
      subject: this.subject,
      num_requests: this.requests,
      num_errors: this.errors,
      // Always there, empty when none: the protocol's schema (which the NATS CLI validates against) requires it.
      last_error: this.lastError ?? '',
      processing_time: processing,
      average_processing_time: this.requests === 0 ? 0 : Math.round(processing / this.requests),
    };
    if (this.queue !== undefined) stats.queue_group = this.queue;
    if (data !== undefined) stats.data = data;
    return stats;
  }
}
