/**
 * The seam between NatsClient and a metrics backend. The client counts into plain number fields of a record bound
 * once per label (at subscribe time, or looked up once per publish), so the hot path never hashes labels; the
 * backend (src/metrics/client-metrics.ts, prom-client) reads the records when it is scraped. With no sink attached the client
 * pays one `undefined` check per message.
 */

/** Label of calls through the generic API that name none: one bounded series, never a concrete subject. */
export const GENERIC_LABEL = '_generic';

/** Running totals of one label (a channel id, or {@link GENERIC_LABEL}). Only ever incremented. */
export interface ChannelCounts {
  /** Messages accepted by publish()/tryPublish() (sent, or kept for the reconnect). */
  published: number;
  /** Messages decoded and handed to a handler. */
  received: number;
  /** Messages that failed to decode or validate (the handler was not called). */
  rejected: number;
  /** Messages dropped because the subscription had `maxInFlight` handlers running. */
  dropped: number;
  /**
   * Unknown properties a tolerant reader stripped from received messages (one per property per message): a peer on
   * a newer contract sends fields this one does not know. The messages themselves were received.
   */
  unknownFields: number;
}

/** What a client reports to. Implemented by `ClientMetrics`. */
export interface ClientMetricsSink {
  /** The record for `label`; the same object every time for the same label. */
  channel(label: string): ChannelCounts;
  /** A request on `label` finished after `seconds`; `outcome` is `ok` or the error's code. */
  requestFinished(label: string, seconds: number, outcome: string): void;
}
