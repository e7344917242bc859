/**
 * WorkerRegistry: the controller's view of its workers, fed by `worker.*.register`, `worker.*.heartbeat` (each
 * worker publishes on its own subject, and a payload whose `workerId` contradicts it never reaches this class) and
 * the configured static workers. A worker is `online`, `degraded` (it says so), `busy` (at `maxConcurrent`) or
 * `offline` (nothing heard for `offlineTimeoutMs`, it said so, a static worker never heard from, or its inference
 * subject had no responders: suspect until it is heard from again). A worker restarted under the same `workerId`
 * shows a new `instanceId`: the registry emits `restarted` at once, and ignores late messages of the run it replaced.
 * On start the
 * registry asks running workers to re-register (`cluster.announce`, event `reregister`), so a restarted
 * controller knows its cluster again within one heartbeat interval; it asks again while static workers or
 * workers known only from heartbeats have not registered.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { ChannelTransport } from '../contract/index.js';
import type { Subscription } from '../client/index.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { channels, type ClusterAnnouncement, type WorkerHeartbeat, type WorkerRegistration } from '../../generated/index.js';
import type { OfflineReason, WorkerInfo, WorkerState } from './worker-info.js';

/** A worker listed in the configuration (`workers.static`). */
export interface StaticWorker {
  ip: string;
  port: number;
  name: string;
  priority?: number;
}

/** Options of a {@link WorkerRegistry}. */
export interface WorkerRegistryOptions {
  /** How often workers heartbeat (`discovery.heartbeat_interval_ms`). */
  heartbeatIntervalMs: number;
  /** Silence after which a worker is offline (`discovery.offline_timeout_ms`). */
  offlineTimeoutMs: number;
  /** Workers listed in the configuration; probed (asked to register) until they do. */
  staticWorkers?: readonly StaticWorker[];
  /** This controller's id in announcements. Default: a new UUID. */
  controllerId?: string;
  logger?: Logger;
}

/** Events of the registry; each carries the worker's new snapshot. */
export interface WorkerRegistryEvents {
  /** A worker became usable (new, or back from offline). */
  online: [worker: WorkerInfo];
  /** A worker went offline. */
  offline: [worker: WorkerInfo];
  /** Anything else changed: load, status, capabilities. */
  updated: [worker: WorkerInfo];
  /** A new run of a known worker spoke (a new `instanceId`): whatever the earlier run was doing is gone. */
  restarted: [worker: WorkerInfo, previousInstanceId: string];
}

/** Runs of one worker remembered as replaced, so that their late messages cannot bring them back. */
const RETIRED_INSTANCES_KEPT = 8;
/** Results of `runOf` other than a replaced run's id. */
const SAME = Symbol('same run');
const RETIRED = Symbol('retired run');

/** One worker's record; the snapshot is rebuilt from it when something changes. */
interface Entry {
  workerId: string;
  source: 'static' | 'discovered';
  name: string;
  ip: string;
  port: number;
  priority: number | undefined;
  registration: WorkerRegistration | undefined;
  heartbeat: WorkerHeartbeat | undefined;
  /** Reported status (registration or heartbeat). */
  reported: 'online' | 'offline' | 'degraded';
  lastSeen: number;
  timedOut: boolean;
  /** The run of the worker heard from last, if it says. */
  instanceId: string | undefined;
  /** Runs it replaced, newest last. */
  retired: string[];
  /** Its inference subject had no responders since it was last heard from. */
  suspect: boolean;
  /** Requests this controller sent since the last heartbeat, still running. */
  sinceHeartbeat: number;
  /** Requests of this controller counted by the last heartbeat that ended since (that heartbeat's count is too high by as many). */
  endedSinceHeartbeat: number;
  /** Counts heartbeats, so a request finishing after the next heartbeat is not subtracted twice. */
  epoch: number;
  snapshot: WorkerInfo;
}

const staticKey = (ip: string, port: number): string => `static:${ip}:${port}`;

/** Why a worker counts as offline, or undefined when it does not. */
function offlineReason(entry: Omit<Entry, 'snapshot'>): OfflineReason | undefined {
  if (entry.registration === undefined) return 'never_registered';
  if (entry.timedOut) return 'silent';
  if (entry.reported === 'offline') return 'said_offline';
  if (entry.suspect) return 'no_responders';
  return undefined;
}

/** Tracks the workers of a cluster. See the module comment. */
export class WorkerRegistry extends EventEmitter<WorkerRegistryEvents> {
  readonly controllerId: string;
  private readonly entries = new Map<string, Entry>();
  /**
   * Snapshots in worker id order, and each worker's place in it. A heartbeat replaces one element; the array is
   * copied first only if `workers()` handed it out since (so a caller's snapshot never changes under it, and a
   * thousand heartbeats a second cost no sorting). Adding or removing a worker rebuilds it.
   */
  private list: WorkerInfo[] | undefined;
  private readonly position = new Map<string, number>();
  private listShared = false;
  private readonly subscriptions: Subscription[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastAnnounce = 0;
  private readonly log: Logger;
  private running = false;

  constructor(
    private readonly client: ChannelTransport,
    private readonly options: WorkerRegistryOptions,
  ) {
    super();
    this.controllerId = options.controllerId ?? randomUUID();
    this.log = (options.logger ?? silentLogger()).child({ component: 'worker-registry' });
    for (const w of options.staticWorkers ?? []) {
      const entry = this.newEntry(staticKey(w.ip, w.port), 'static', w.name, w.ip, w.port, w.priority);
      entry.timedOut = true;
      entry.snapshot = this.snapshotOf(entry);
      this.entries.set(entry.workerId, entry);
    }
  }

  /** Subscribes to registrations and heartbeats, asks running workers to re-register, and starts the sweep. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.subscriptions.push(
      await channels.workerRegister.subscribe(this.client, { workerId: '*' }, (registration) => {
        this.onRegistration(registration);
      }),
      await channels.workerHeartbeat.subscribe(this.client, { workerId: '*' }, (heartbeat) => {
        this.onHeartbeat(heartbeat);
      }),
    );
    await this.announce('reregister', 'A controller started: workers, please register.');
    const every = Math.max(20, Math.min(this.options.heartbeatIntervalMs, this.options.offlineTimeoutMs) / 4);
    this.sweepTimer = setInterval(() => {
      this.sweep();
    }, every);
    this.sweepTimer.unref();
  }

  /** Stops listening (the snapshot stays readable). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.sweepTimer);
    await Promise.all(this.subscriptions.splice(0).map((s) => s.unsubscribe()));
  }

  /** Every known worker, in worker id order: a snapshot that later changes do not alter. */
  workers(): readonly WorkerInfo[] {
    if (this.list === undefined) {
      this.list = [...this.entries.values()].map((e) => e.snapshot).sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
      this.position.clear();
      this.list.forEach((w, i) => this.position.set(w.workerId, i));
    }
    this.listShared = true;
    return this.list;
  }

  /** One worker's snapshot. */
  get(workerId: string): WorkerInfo | undefined {
    return this.entries.get(workerId)?.snapshot;
  }

  /**
   * This controller sent a request to `workerId`: its load counts it until the worker's next heartbeat (which
   * then includes it). Returns the function to call when the request ends: before that heartbeat it uncounts the
   * request; after it, it lowers the heartbeat's figure by one until the next heartbeat, which no longer counts it.
   */
  dispatched(workerId: string): () => void {
    const entry = this.entries.get(workerId);
    if (entry === undefined) return () => undefined;
    const epoch = entry.epoch;
    entry.sinceHeartbeat += 1;
    this.changed(entry);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (entry.epoch === epoch) {
        if (entry.sinceHeartbeat === 0) return;
        entry.sinceHeartbeat -= 1;
      } else {
        entry.endedSinceHeartbeat += 1;
      }
      this.changed(entry);
    };
  }

  /** Takes a registration (also usable directly, e.g. in tests or from another transport). */
  onRegistration(registration: WorkerRegistration): void {
    const now = Date.now();
    let entry = this.entries.get(registration.workerId);
    if (entry === undefined) {
      // A static worker registering for the first time takes over its configured entry.
      const configured = this.entries.get(staticKey(registration.ip, registration.port));
      if (configured !== undefined) this.remove(configured);
      entry = this.newEntry(
        registration.workerId,
        configured === undefined ? 'discovered' : 'static',
        configured?.name ?? registration.hostname,
        registration.ip,
        registration.port,
        configured?.priority,
      );
      this.entries.set(entry.workerId, entry);
      this.list = undefined;
    }
    const run = this.runOf(entry, registration.instanceId);
    if (run === RETIRED) return;
    entry.registration = registration;
    entry.ip = registration.ip;
    entry.port = registration.port;
    entry.reported = registration.status;
    this.seen(entry, now);
    if (run !== SAME) this.emit('restarted', entry.snapshot, run);
  }

  /** Takes a heartbeat. A heartbeat of a worker that never registered asks workers to re-register. */
  onHeartbeat(heartbeat: WorkerHeartbeat): void {
    const entry = this.entries.get(heartbeat.workerId);
    if (entry?.registration === undefined) {
      // Heard of, but its capabilities are unknown (this controller restarted): ask again, at most once per interval.
      void this.announceAtMostEvery('reregister', `Worker ${heartbeat.workerId} is not registered with this controller.`);
      return;
    }
    const run = this.runOf(entry, heartbeat.instanceId);
    if (run === RETIRED) return;
    entry.heartbeat = heartbeat;
    entry.reported = heartbeat.status;
    entry.sinceHeartbeat = 0;
    entry.endedSinceHeartbeat = 0;
    entry.epoch += 1;
    this.seen(entry, Date.now());
    if (run !== SAME) this.emit('restarted', entry.snapshot, run);
  }

  /**
   * A request to `workerId` found no responders: nothing listens on its inference subject, so it is not chosen
   * (it counts as offline, and its running streams are lost) until it is heard from again.
   */
  noResponders(workerId: string): void {
    const entry = this.entries.get(workerId);
    if (entry === undefined || entry.suspect) return;
    entry.suspect = true;
    this.changed(entry);
  }

  /** Marks workers silent for longer than the timeout offline; re-asks static workers that never registered. */
  sweep(now = Date.now()): void {
    let unregistered = false;
    for (const entry of this.entries.values()) {
      if (entry.registration === undefined) unregistered = true;
      if (entry.timedOut || now - entry.lastSeen <= this.options.offlineTimeoutMs) continue;
      entry.timedOut = true;
      this.changed(entry);
    }
    if (unregistered) void this.announceAtMostEvery('reregister', 'Static workers have not registered yet.');
  }

  private seen(entry: Entry, now: number): void {
    entry.lastSeen = now;
    entry.timedOut = false;
    entry.suspect = false;
    this.changed(entry);
  }

  /**
   * Which run of this worker a message with `instanceId` comes from: the one known ({@link SAME}), a replaced one
   * late on the wire ({@link RETIRED}: drop the message), or a new one, which replaces the known run (its load and
   * this controller's dispatches to it are forgotten) and is returned as the replaced run's id, for `restarted`.
   */
  private runOf(entry: Entry, instanceId: string | undefined): typeof SAME | typeof RETIRED | string {
    if (instanceId === undefined || instanceId === entry.instanceId) return SAME;
    if (entry.retired.includes(instanceId)) return RETIRED;
    const previous = entry.instanceId;
    entry.instanceId = instanceId;
    if (previous === undefined) return SAME;
    entry.retired.push(previous);
    if (entry.retired.length > RETIRED_INSTANCES_KEPT) entry.retired.shift();
    entry.heartbeat = undefined;
    entry.sinceHeartbeat = 0;
    entry.endedSinceHeartbeat = 0;
    entry.epoch += 1;
    this.log.warn({ workerId: entry.workerId, instanceId, previousInstanceId: previous }, 'Worker restarted: the streams of its earlier run are lost');
    return previous;
  }

  private changed(entry: Entry): void {
    const before = entry.snapshot.state;
    entry.snapshot = this.snapshotOf(entry);
    this.replaceInList(entry.snapshot);
    const after = entry.snapshot.state;
    if (before === 'offline' && after !== 'offline') {
      this.log.info({ workerId: entry.workerId, state: after }, 'Worker online');
      this.emit('online', entry.snapshot);
    } else if (before !== 'offline' && after === 'offline') {
      // A worker that says it is leaving is news; one that went silent is a warning.
      if (entry.timedOut) this.log.warn({ workerId: entry.workerId, silentMs: Date.now() - entry.lastSeen }, 'Worker offline: no heartbeat in time');
      else if (entry.suspect) this.log.warn({ workerId: entry.workerId }, 'Worker offline: no responders on its inference subject');
      else this.log.info({ workerId: entry.workerId }, 'Worker offline');
      this.emit('offline', entry.snapshot);
    } else {
      this.emit('updated', entry.snapshot);
    }
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.workerId);
    this.list = undefined;
  }

  private replaceInList(snapshot: WorkerInfo): void {
    const at = this.position.get(snapshot.workerId);
    if (this.list === undefined || at === undefined) return;
    if (this.listShared) {
      this.list = this.list.slice();
      this.listShared = false;
    }
    this.list[at] = snapshot;
  }

  private stateOf(entry: Omit<Entry, 'snapshot'>, load: number, maxConcurrent: number): WorkerState {
    if (offlineReason(entry) !== undefined) return 'offline';
    if (load >= maxConcurrent) return 'busy';
    return entry.reported === 'degraded' ? 'degraded' : 'online';
  }

  private snapshotOf(entry: Omit<Entry, 'snapshot'>): WorkerInfo {
    const registration = entry.registration;
    const maxConcurrent = registration?.capabilities.maxConcurrent ?? 0;
    const load = Math.max(0, (entry.heartbeat?.metrics.activeRequests ?? 0) - entry.endedSinceHeartbeat) + entry.sinceHeartbeat;
    return {
      workerId: entry.workerId,
      state: this.stateOf(entry, load, maxConcurrent),
      offlineReason: offlineReason(entry),
      instanceId: entry.instanceId,
      source: entry.source,
      name: entry.name,
      ip: entry.ip,
      port: entry.port,
      priority: entry.priority,
      chip: registration?.hardware.chip ?? '',
      unifiedMemoryGB: registration?.hardware.unifiedMemoryGB ?? 0,
      maxConcurrent,
      supportedModelTiers: registration?.capabilities.supportedModelTiers ?? [],
      availableMemoryGB: registration?.capabilities.availableMemoryGB ?? 0,
      models: registration?.capabilities.models,
      load,
      lastSeen: entry.lastSeen,
      registration,
      heartbeat: entry.heartbeat,
    };
  }

  private newEntry(workerId: string, source: Entry['source'], name: string, ip: string, port: number, priority: number | undefined): Entry {
    const record: Omit<Entry, 'snapshot'> = {
      workerId,
      source,
      name,
      ip,
      port,
      priority,
      registration: undefined,
      heartbeat: undefined,
      reported: 'offline',
      lastSeen: 0,
      timedOut: false,
      instanceId: undefined,
      retired: [],
      suspect: false,
      sinceHeartbeat: 0,
      endedSinceHeartbeat: 0,
      epoch: 0,
    };
    return { ...record, snapshot: this.snapshotOf(record) };
  }

  private async announceAtMostEvery(event: ClusterAnnouncement['event'], message: string): Promise<void> {
    if (Date.now() - this.lastAnnounce < this.options.heartbeatIntervalMs) return;
    await this.announce(event, message);
  }

  /** Publishes a cluster announcement from this controller. */
  async announce(event: ClusterAnnouncement['event'], message: string): Promise<void> {
    if (!this.running && event === 'reregister') return;
    this.lastAnnounce = Date.now();
    const activeWorkers = this.workers().filter((w) => w.state !== 'offline').length;
    await channels.clusterAnnounce
      .publish(this.client, {
        announcementId: randomUUID(),
        controllerId: this.controllerId,
        event,
        activeWorkers,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        message,
        timestamp: Date.now(),
      })
      .catch((error: unknown) => {
        this.log.warn({ error }, 'Could not publish a cluster announcement');
      });
  }
}
