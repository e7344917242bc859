/**
 * The requests as the dashboard shows them, from the controller's observer calls: those in flight (tokens so far,
 * time to first token, attempts and moves), the last 100 that ended with their routing reasons, the totals, and one
 * point a second of requests/s, tokens/s and time to first token (p50 and p99 over the last 10 s). Failed requests
 * and attempts that ended badly go to the feed. A token costs a map lookup and a few increments.
 */
import type { AttemptOutcome, InferAttempt, InferenceObserver, ObservedRequest, RequestOutcome } from '../inference-observer.js';
import { shortId, type EventFeed } from './feed.js';
import { Ring } from './ring.js';
import type { AttemptView, EndedRequestView, RequestView, SeriesPoint } from './views.js';

/** Ended requests kept. */
const RECENT = 100;
/** Seconds of totals kept. */
const SERIES = 300;
/** Requests in flight sent to the page (the oldest); the count covers all. */
const IN_FLIGHT_SHOWN = 200;
/** Time to first token percentiles are taken over this window. */
const TTFT_WINDOW_MS = 10_000;
/** How an attempt ended that the feed reports, and at which level. */
const REPORTED: Partial<Record<AttemptOutcome, 'warning' | 'error'>> = {
  refused: 'warning',
  'no responders': 'warning',
  'no acknowledgement': 'warning',
  lost: 'warning',
  failed: 'error',
};

interface Live extends RequestView {
  startPerf: number;
}

/** Nearest-rank percentile of sorted `values` (0 < p <= 100). */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round((sorted[rank - 1] ?? 0) * 10) / 10;
}

/** The requests part of the dashboard. See the module comment. */
export class RequestBoard implements InferenceObserver {
  private readonly live = new Map<string, Live>();
  private readonly recent = new Ring<EndedRequestView>(RECENT);
  private readonly series = new Ring<SeriesPoint>(SERIES);
  private seq = 0;
  private pointSeq = 0;
  private liveChanged = false;
  /** This second so far. */
  private second = { start: Date.now(), ended: 0, failed: 0, tokens: 0 };
  /** First tokens of the last TTFT_WINDOW_MS: when, and how long they took. */
  private readonly firstTokens: { at: number; ms: number }[] = [];
  readonly totals = { requests: 0, completed: 0, failed: 0, cancelled: 0, tokens: 0, retries: 0, moves: 0 };

  constructor(
    private readonly feed: EventFeed,
    /** Told of each token, with the worker that generated it. */
    private readonly onToken: (workerId: string) => void,
  ) {}

  requestStarted(request: ObservedRequest): void {
    this.totals.requests += 1;
    this.live.set(request.requestId, {
      requestId: request.requestId,
      modelId: request.modelId,
      startedAt: request.startedAt,
      startPerf: performance.now(),
      tokens: 0,
      ttftMs: null,
      workerId: null,
      attempts: [],
      retries: 0,
      moves: 0,
    });
    this.liveChanged = true;
  }

  attemptStarted(requestId: string, attempt: Readonly<InferAttempt>): void {
    const request = this.live.get(requestId);
    if (request === undefined) return;
    const previous = request.attempts.at(-1);
    if (previous !== undefined) {
      const moved = attempt.fromToken > 0 || previous.outcome === 'streaming' || previous.outcome === 'lost' || previous.outcome === 'moved';
      if (moved) {
        request.moves += 1;
        this.totals.moves += 1;
      } else {
        request.retries += 1;
        this.totals.retries += 1;
      }
    }
    request.attempts.push(attemptView(attempt));
    request.workerId = attempt.workerId;
    this.liveChanged = true;
  }

  attemptUpdated(requestId: string, attempt: Readonly<InferAttempt>): void {
    const request = this.live.get(requestId);
    if (request === undefined) return;
    const at = request.attempts.findLastIndex((a) => a.workerId === attempt.workerId);
    if (at < 0) return;
    const before = request.attempts[at]?.outcome;
    request.attempts[at] = attemptView(attempt);
    this.liveChanged = true;
    const level = REPORTED[attempt.outcome];
    if (level === undefined || before === attempt.outcome) return;
    const detail = attempt.detail === undefined ? '' : ` (${attempt.detail})`;
    this.feed.add({
      level,
      kind: 'attempt',
      requestId,
      workerId: attempt.workerId,
      text: `Request ${shortId(requestId)} on worker ${shortId(attempt.workerId)}: ${attempt.outcome}${detail}.`,
    });
  }

  tokenDelivered(requestId: string, workerId: string, _index: number, at: number): void {
    const request = this.live.get(requestId);
    if (request === undefined) return;
    request.tokens += 1;
    this.totals.tokens += 1;
    this.second.tokens += 1;
    this.onToken(workerId);
    this.liveChanged = true;
    if (request.ttftMs !== null) return;
    request.ttftMs = Math.round((at - request.startPerf) * 10) / 10;
    this.firstTokens.push({ at: Date.now(), ms: request.ttftMs });
  }

  requestEnded(requestId: string, outcome: RequestOutcome): void {
    const request = this.live.get(requestId);
    if (request === undefined) return;
    this.live.delete(requestId);
    this.liveChanged = true;
    // An attempt still open when its request ends ends with it.
    const last = request.attempts.at(-1);
    if (last !== undefined && (last.outcome === 'sent' || last.outcome === 'streaming')) {
      request.attempts[request.attempts.length - 1] = {
        ...last,
        outcome: outcome.kind === 'completed' ? 'completed' : outcome.kind === 'cancelled' ? 'cancelled' : 'failed',
      };
    }
    this.seq += 1;
    const ended: EndedRequestView = {
      ...requestView(request),
      seq: this.seq,
      outcome: outcome.kind,
      ...(outcome.kind === 'failed' ? { error: `${outcome.errorClass}: ${outcome.message}` } : {}),
      endedAt: Date.now(),
      durationMs: Math.round((performance.now() - request.startPerf) * 10) / 10,
    };
    this.recent.push(ended);
    this.totals[outcome.kind] += 1;
    this.second.ended += 1;
    if (outcome.kind !== 'failed') return;
    this.second.failed += 1;
    this.feed.add({
      level: 'error',
      kind: 'request',
      requestId,
      ...(request.workerId === null ? {} : { workerId: request.workerId }),
      text: `Request ${shortId(requestId)} (${request.modelId}) failed after ${request.tokens} token(s): ${outcome.errorClass}: ${outcome.message}`,
    });
  }

  /** Closes the second that began at the last tick: one point of the series. */
  tick(now = Date.now()): void {
    const elapsedS = Math.max(0.001, (now - this.second.start) / 1000);
    while (this.firstTokens.length > 0 && (this.firstTokens[0]?.at ?? now) < now - TTFT_WINDOW_MS) this.firstTokens.shift();
    const ttfts = this.firstTokens.map((f) => f.ms).sort((a, b) => a - b);
    this.pointSeq += 1;
    const perS = (n: number): number => Math.round((n / elapsedS) * 10) / 10;
    this.series.push({
      seq: this.pointSeq,
      t: this.second.start,
      requestsPerS: perS(this.second.ended),
      failedPerS: perS(this.second.failed),
      tokensPerS: perS(this.second.tokens),
      ttftP50Ms: percentile(ttfts, 50),
      ttftP99Ms: percentile(ttfts, 99),
      inFlight: this.live.size,
    });
    this.second = { start: now, ended: 0, failed: 0, tokens: 0 };
  }

  get inFlightCount(): number {
    return this.live.size;
  }

  /** The oldest requests in flight (at most 200). */
  inFlight(): RequestView[] {
    const shown: RequestView[] = [];
    for (const request of this.live.values()) {
      shown.push(requestView(request));
      if (shown.length >= IN_FLIGHT_SHOWN) break;
    }
    return shown;
  }

  /** In flight, when it changed since the last call. */
  takeInFlightChange(): RequestView[] | undefined {
    if (!this.liveChanged) return undefined;
    this.liveChanged = false;
    return this.inFlight();
  }

  recentSince(seq: number): EndedRequestView[] {
    return this.recent.since(seq);
  }

  seriesSince(seq: number): SeriesPoint[] {
    return this.series.since(seq);
  }

  get lastRecentSeq(): number {
    return this.recent.lastSeq;
  }

  get lastPointSeq(): number {
    return this.series.lastSeq;
  }
}

function attemptView(attempt: Readonly<InferAttempt>): AttemptView {
  return {
    workerId: attempt.workerId,
    reason: attempt.reason,
    outcome: attempt.outcome,
    ...(attempt.detail === undefined ? {} : { detail: attempt.detail }),
    fromToken: attempt.fromToken,
  };
}

function requestView(request: Live): RequestView {
  return {
    requestId: request.requestId,
    modelId: request.modelId,
    startedAt: request.startedAt,
    tokens: request.tokens,
    ttftMs: request.ttftMs,
    workerId: request.workerId,
    attempts: request.attempts.slice(),
    retries: request.retries,
    moves: request.moves,
  };
}
