/**
 * Reconnect backoff: exponential growth from a first wait up to a cap, with jitter so that many clients losing the
 * same server do not all dial it again in the same millisecond.
 */

/** How reconnect waits grow. */
export interface BackoffPolicy {
  /** The first wait in ms (the client's `reconnectTimeWait`). */
  initialMs: number;
  /** No wait is longer than this, jitter included (the client's `reconnectMaxWait`). */
  maxMs: number;
  /** Growth factor per attempt. Default 2. */
  multiplier?: number;
  /** Relative spread around the exponential value, 0..1. Default 0.2 (±20%). */
  jitter?: number;
}

/**
 * The wait before reconnect attempt `attempt` (0-based): `initialMs * multiplier^attempt`, capped at `maxMs`,
 * spread by ±`jitter` and capped again. Pure: `random` (0 ≤ r < 1) is the only source of variation.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const multiplier = policy.multiplier ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.2));
  const maxMs = Math.max(0, policy.maxMs);
  const step = Math.max(0, Math.floor(attempt));
  // Math.min also absorbs Infinity when the exponent grows large.
  const base = Math.min(maxMs, Math.max(0, policy.initialMs) * multiplier ** step);
  const spread = base * jitter;
  const value = base - spread + random() * 2 * spread;
  return Math.round(Math.min(maxMs, Math.max(0, value)));
}

/** A stateful `reconnectDelayHandler` for nats.js, plus the controls the client needs. */
export interface ReconnectDelay {
  /** Pass as nats.js `reconnectDelayHandler`. */
  readonly handler: () => number;
  /** Forget past attempts (call after a successful reconnect). */
  reset(): void;
  /** Dial attempts let through since the last reset. */
  readonly attempts: number;
}

/**
 * Builds the nats.js `reconnectDelayHandler`.
 *
 * Why this is not just `backoffDelay(counter++)`: nats.js calls the handler on every turn of its dial loop, also
 * on the turns where it only sleeps, and dials a server once `lastConnect + handler() <= now`. A handler that grew
 * on every call would keep moving the goal and jump straight to the cap. So the handler keeps one wait stable until
 * it has elapsed, then returns 0 (which makes nats.js dial now) and arms the next, longer wait.
 */
export function createReconnectDelay(policy: BackoffPolicy, clock: { now?: () => number; random?: () => number } = {}): ReconnectDelay {
  const now = clock.now ?? Date.now;
  const random = clock.random ?? Math.random;
  let attempts = 0;
  let waiting: { delayMs: number; sinceMs: number } | undefined;

  const arm = (at: number): number => {
    waiting = { delayMs: backoffDelay(attempts, policy, random), sinceMs: at };
    attempts += 1;
    return 0;
  };

  return {
    handler: () => {
      const at = now();
      // First turn after a loss: nats.js dials right away anyway; start the first wait from here.
      if (waiting === undefined) return arm(at);
      if (at - waiting.sinceMs >= waiting.delayMs) return arm(at);
      return waiting.delayMs;
    },
    reset: () => {
      attempts = 0;
      waiting = undefined;
    },
    get attempts() {
      return attempts;
    },
  };
}
