/**
 * The dashboard's model of the cluster: the workers (from the registry) and the requests (from the controller's
 * observer calls), one feed of membership changes and errors, and a clock that closes one second of totals at a
 * time. `snapshot()` is everything (`/api/cluster`); `takeUpdate()` is what changed since its previous call (one
 * consumer: the live feed, which sends it to every page at once).
 */
import type { InferenceObserver } from '../inference-observer.js';
import { EventFeed } from './feed.js';
import { RequestBoard } from './request-board.js';
import type { DashboardSnapshot, DashboardUpdate, Totals } from './views.js';
import { WorkerBoard, type WorkerSource } from './worker-board.js';

/** Options of {@link ClusterView}. */
export interface ClusterViewOptions {
  /** The controller's registry. */
  workers: WorkerSource;
  /** `discovery.offline_timeout_ms`, to say how long an offline worker was silent. */
  offlineTimeoutMs?: number;
}

/** See the module comment. */
export class ClusterView {
  /** What the controller reports to: give it to `controller.observe`. */
  readonly observer: InferenceObserver;
  readonly since = Date.now();
  private readonly feed = new EventFeed();
  private readonly workerBoard: WorkerBoard;
  private readonly requests: RequestBoard;
  private readonly clock: NodeJS.Timeout;
  private sent = { recent: 0, feed: 0, series: 0 };

  constructor(options: ClusterViewOptions) {
    this.workerBoard = new WorkerBoard(options.workers, this.feed, options.offlineTimeoutMs);
    this.requests = new RequestBoard(this.feed, (workerId) => {
      this.workerBoard.countToken(workerId);
    });
    this.observer = this.requests;
    this.clock = setInterval(() => {
      this.tick();
    }, 1000);
    this.clock.unref();
  }

  /** Closes one second (the clock calls it every second). */
  tick(now = Date.now()): void {
    this.requests.tick(now);
    this.workerBoard.tick();
  }

  /** Stops the clock and the registry listeners. */
  close(): void {
    clearInterval(this.clock);
    this.workerBoard.close();
  }

  totals(): Totals {
    return { ...this.requests.totals, inFlight: this.requests.inFlightCount, workers: this.workerBoard.byState() };
  }

  snapshot(): DashboardSnapshot {
    return {
      now: Date.now(),
      since: this.since,
      totals: this.totals(),
      workers: this.workerBoard.all(),
      inFlight: this.requests.inFlight(),
      recent: this.requests.recentSince(0),
      feed: this.feed.all(),
      series: this.requests.seriesSince(0),
    };
  }

  /** What changed since the previous call, or undefined when nothing did. */
  takeUpdate(): DashboardUpdate | undefined {
    const update: DashboardUpdate = { now: Date.now(), totals: this.totals(), ...this.workerBoard.takeChanges() };
    const inFlight = this.requests.takeInFlightChange();
    if (inFlight !== undefined) update.inFlight = inFlight;
    const recent = this.requests.recentSince(this.sent.recent);
    const feed = this.feed.since(this.sent.feed);
    const series = this.requests.seriesSince(this.sent.series);
    if (recent.length > 0) update.recent = recent;
    if (feed.length > 0) update.feed = feed;
    if (series.length > 0) update.series = series;
    this.sent = { recent: this.requests.lastRecentSeq, feed: this.feed.lastSeq, series: this.requests.lastPointSeq };
    const changed = update.workers ?? update.workerIds ?? update.inFlight ?? update.recent ?? update.feed ?? update.series;
    return changed === undefined ? undefined : update;
  }
}
