/** What the registry knows about one worker, as routing and `workers()` see it. */
import type { ModelTier, WorkerHeartbeat, WorkerRegistration } from '../../generated/index.js';

/**
 * `online`: heard from within `offline_timeout_ms` and has free slots; `degraded`: the worker says so itself
 * (still served, after healthy ones); `busy`: at `capabilities.maxConcurrent`; `offline`: not heard from in time,
 * said so, or a static worker never heard from.
 */
export type WorkerState = 'online' | 'degraded' | 'busy' | 'offline';

/**
 * Why a worker is offline: `never_registered` (a static worker, or one known only by heartbeats), `silent` (nothing
 * heard for `offline_timeout_ms`), `said_offline` (its registration or heartbeat said so, e.g. while stopping) or
 * `no_responders` (a request found nothing listening on its inference subject; until it is heard from again).
 */
export type OfflineReason = 'never_registered' | 'silent' | 'said_offline' | 'no_responders';

/** A snapshot of one worker. */
export interface WorkerInfo {
  /** The worker's id; for a static worker not heard from yet, `static:<ip>:<port>`. */
  readonly workerId: string;
  readonly state: WorkerState;
  /** Why it is offline; undefined while it is not. */
  readonly offlineReason: OfflineReason | undefined;
  /** The run of the worker heard from last (new at each start of its process), if it says. */
  readonly instanceId: string | undefined;
  /** `static`: listed under `workers.static` (probed until it registers); `discovered`: registered by itself. */
  readonly source: 'static' | 'discovered';
  /** The static entry's name, or the worker's host name. */
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** Static entries only: the configured priority (0 to 100), shown to operators. */
  readonly priority: number | undefined;
  readonly chip: string;
  readonly unifiedMemoryGB: number;
  readonly maxConcurrent: number;
  readonly supportedModelTiers: readonly ModelTier[];
  readonly availableMemoryGB: number;
  /** The model ids the worker serves; undefined: it takes any model id. */
  readonly models: readonly string[] | undefined;
  /** Requests running: the last heartbeat's `activeRequests` plus this controller's requests sent since it. */
  readonly load: number;
  /** When the worker was last heard from (ms since the epoch), 0 if never. */
  readonly lastSeen: number;
  readonly registration: WorkerRegistration | undefined;
  readonly heartbeat: WorkerHeartbeat | undefined;
}
