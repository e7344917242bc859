/**
 * What the dashboard shows, as JSON: the body of `GET /api/cluster` ({@link DashboardSnapshot}) and of each
 * Server-Sent Event of `GET /api/events` (`snapshot` first, then `update`s, {@link DashboardUpdate}). Every field is
 * chosen here, one by one: no registration, heartbeat or config object is passed through, so no credential, prompt
 * or generated text can reach the page. Times are milliseconds since the epoch unless named `...Ms` (a duration).
 */
import type { AttemptOutcome } from '../inference-observer.js';
import type { WorkerState } from '../worker-info.js';

/** One change of a worker's state, and why when known. */
export interface StateChange {
  at: number;
  state: WorkerState;
  /** For `offline`: why (e.g. `no heartbeat for 15 s`, `drained`); for `online`: `registered` or `back`. */
  why?: string;
}

/** One worker as the page lists it. */
export interface WorkerView {
  workerId: string;
  /** The configured name of a static worker, else its host name. */
  name: string;
  state: WorkerState;
  source: 'static' | 'discovered';
  address: string;
  chip: string;
  unifiedMemoryGB: number;
  /** Memory it offers to models (capabilities.availableMemoryGB). */
  availableMemoryGB: number;
  /** From its last heartbeat; null before the first. */
  memoryUsedGB: number | null;
  cpuPercent: number | null;
  gpuPercent: number | null;
  load: number;
  maxConcurrent: number;
  /** The model ids it serves; null: any. */
  models: string[] | null;
  /** Tokens it generated per second for this controller, over the last 5 s. */
  tokensPerS: number;
  /** When it was last heard from; 0: never. */
  lastSeen: number;
  /** Its state changes seen by this controller, oldest first (the last 20). */
  history: StateChange[];
}

/** One worker tried for a request. */
export interface AttemptView {
  workerId: string;
  /** Why the router chose it. */
  reason: string;
  outcome: AttemptOutcome;
  detail?: string;
  /** Tokens already delivered when it took over. */
  fromToken: number;
}

/** A request in flight. */
export interface RequestView {
  requestId: string;
  modelId: string;
  startedAt: number;
  /** Tokens delivered to the caller so far. */
  tokens: number;
  /** Time to first token; null before it. */
  ttftMs: number | null;
  /** The worker serving it now (the last tried); null before the first attempt. */
  workerId: string | null;
  attempts: AttemptView[];
  /** Attempts after one that never streamed (refused, no responders, ...). */
  retries: number;
  /** Moves to another worker after one that had accepted it was lost. */
  moves: number;
}

/** A request that ended. */
export interface EndedRequestView extends RequestView {
  seq: number;
  outcome: 'completed' | 'failed' | 'cancelled';
  /** For `failed`: the error's class and message. */
  error?: string;
  endedAt: number;
  durationMs: number;
}

/** A line of the feed: membership changes and errors. */
export interface FeedEvent {
  seq: number;
  at: number;
  level: 'info' | 'warning' | 'error';
  kind: 'online' | 'offline' | 'degraded' | 'restarted' | 'attempt' | 'request';
  workerId?: string;
  requestId?: string;
  text: string;
}

/** One second of the cluster's totals. */
export interface SeriesPoint {
  seq: number;
  /** The second's start, ms since the epoch. */
  t: number;
  /** Requests that ended in that second, every outcome. */
  requestsPerS: number;
  failedPerS: number;
  tokensPerS: number;
  /** Time to first token of the requests whose first token came in the last 10 s; null when there was none. */
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
  inFlight: number;
}

/** Counts since the dashboard started. */
export interface Totals {
  requests: number;
  completed: number;
  failed: number;
  cancelled: number;
  tokens: number;
  retries: number;
  moves: number;
  inFlight: number;
  workers: Record<WorkerState, number>;
}

/** Everything the page shows: `GET /api/cluster`, and the first event of the live feed. */
export interface DashboardSnapshot {
  /** The server's clock when this was made (the page measures elapsed times against it). */
  now: number;
  /** When the dashboard started observing. */
  since: number;
  totals: Totals;
  workers: WorkerView[];
  /** The oldest 200 requests in flight; `totals.inFlight` counts them all. */
  inFlight: RequestView[];
  /** The last 100 ended requests, oldest first. */
  recent: EndedRequestView[];
  /** The last 200 feed events, oldest first. */
  feed: FeedEvent[];
  /** The last 300 seconds, oldest first. */
  series: SeriesPoint[];
}

/**
 * What changed since the previous update (at most one every `updateIntervalMs`). Workers listed replace the page's
 * rows by id, and `workerIds` is the whole list (a row not in it is gone); `inFlight` replaces the whole table;
 * `recent`, `feed` and `series` are appended (items the page already has, by `seq`, are skipped).
 */
export interface DashboardUpdate {
  now: number;
  totals: Totals;
  workers?: WorkerView[];
  workerIds?: string[];
  inFlight?: RequestView[];
  recent?: EndedRequestView[];
  feed?: FeedEvent[];
  series?: SeriesPoint[];
}
