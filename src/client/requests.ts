/**
 * Requests in flight. nats.js v2 keeps a request waiting for its full timeout when the connection drops; the client
 * tracks its own requests so it can fail them at once with a typed error, and maps nats.js outcomes to the package's
 * errors. Also home of the small timeout helper the client uses for bounded waits.
 */
import type { Msg } from '@nats-io/nats-core';
import { DistributedError, NatsNotConnectedError, describe } from '../base/errors.js';
import { requestError } from './errors.js';

interface InflightRequest {
  subject: string;
  fail: (error: DistributedError) => void;
}

/** Resolves with `promise`, or rejects with `onTimeout()` after `ms`. The timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** The requests of one client that still wait for a reply. */
export class InflightRequests {
  private readonly inflight = new Set<InflightRequest>();

  constructor(private readonly secrets: () => readonly string[]) {}

  /**
   * Follows a nats.js request on `subject`: resolves with `decode(reply)`, rejects with the mapped nats.js error, or
   * with `NatsNotConnectedError` as soon as {@link failAll} runs. Exactly one outcome, never an unhandled rejection.
   */
  track<Res>(subject: string, timeoutMs: number, pending: Promise<Msg>, decode: (msg: Msg) => Res): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const entry: InflightRequest = { subject, fail: reject };
      this.inflight.add(entry);
      pending.then(
        (msg) => {
          if (!this.inflight.delete(entry)) return;
          try {
            resolve(decode(msg));
          } catch (error) {
            reject(error instanceof Error ? error : new DistributedError('NATS_ERROR', describe(error)));
          }
        },
        (error: unknown) => {
          if (this.inflight.delete(entry)) reject(requestError(error, subject, timeoutMs, this.secrets()));
        },
      );
    });
  }

  /** Fails every request in flight with `NatsNotConnectedError` naming its subject and `reason`. */
  failAll(reason: string): void {
    for (const request of this.inflight) {
      request.fail(
        new NatsNotConnectedError(
          `Request on "${request.subject}" was interrupted: ${reason}. It may or may not have reached the responder; retry if the operation is idempotent.`,
        ),
      );
    }
    this.inflight.clear();
  }
}
