/**
 * Requests in flight, on one reply subscription per connection. nats.js's own `request()` costs more than the
 * request itself at a controller's concurrency: a timer per request, and a `RequestError` (with its stack trace)
 * built on every successful reply, only to be discarded; and it keeps a request waiting for its full timeout when
 * the connection drops. This mux sends each request (through the client's one writer, outbound.ts) with a reply
 * subject under one inbox, answers from the subscription's callback, times requests out from a few deadline queues
 * (one timer per distinct timeout, not per request), and fails every request at once with a typed error when the
 * connection is lost.
 *
 * Also home of the small timeout helper the client uses for bounded waits.
 */
import { createInbox, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { DistributedError, NatsNoRespondersError, NatsNotConnectedError, NatsTimeoutError, describe } from '../base/errors.js';
import type { Encoded } from './outbound.js';

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

/** Turns a reply into the caller's value (throws to reject). */
export type ReplyDecoder<Res> = (msg: Msg, subject: string) => Res;

/** How the mux sends a request: through the client's one writer (Outbound). */
export interface RequestWriter {
  /** Sends `message` on `subject` with `reply` as its reply subject; throws what nats.js throws. */
  sendRequest(nc: NatsConnection, subject: string, message: Encoded, reply: string): void;
}

/** One request waiting for its reply. */
interface PendingRequest {
  readonly token: string;
  readonly subject: string;
  readonly timeoutMs: number;
  readonly deadline: number;
  readonly decode: ReplyDecoder<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** Answered, timed out or failed: the deadline queue skips it. */
  settled: boolean;
}

/**
 * Requests of one timeout value, in deadline order (a request sent later with the same timeout expires later), so
 * one timer armed for the oldest is enough. Settled requests stay until they reach the head.
 */
class DeadlineQueue {
  private items: PendingRequest[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly expire: (request: PendingRequest) => void) {}

  push(request: PendingRequest): void {
    this.items.push(request);
    if (this.timer === undefined) this.arm();
  }

  /** Stops the timer; what is still queued is forgotten (the mux has failed it). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.head = 0;
  }

  private arm(): void {
    while (this.head < this.items.length && (this.items[this.head] as PendingRequest).settled) this.head += 1;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
      this.timer = undefined;
      return;
    }
    // Drop the settled prefix now and then, so the array does not grow with every request ever sent.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const wait = Math.max(0, (this.items[this.head] as PendingRequest).deadline - performance.now());
    this.timer = setTimeout(() => {
      this.fire();
    }, wait);
  }

  private fire(): void {
    const now = performance.now();
    while (this.head < this.items.length) {
      const request = this.items[this.head] as PendingRequest;
      if (!request.settled && request.deadline > now) break;
      this.head += 1;
      if (!request.settled) this.expire(request);
    }
    this.arm();
  }
}

/** The reply subscription and the requests waiting on it, for one NatsClient. */
export class RequestMux {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly queues = new Map<number, DeadlineQueue>();
  private nc: NatsConnection | undefined;
  private inbox = '';
  private prefix: string | undefined;
  private nextToken = 0;

  /** `report` receives errors of the reply subscription itself (a permission violation on the inbox); `writer` sends the requests. */
  constructor(
    private readonly report: (error: DistributedError) => void,
    private readonly writer: RequestWriter,
  ) {}

  /**
   * Reply subjects from the next connection on are `<prefix>.<id>.<token>` (undefined: `_INBOX`). The id keeps two
   * clients of one node, which share the prefix, from taking each other's replies: tokens are only counters.
   */
  useInboxPrefix(prefix: string | undefined): void {
    this.prefix = prefix;
  }

  /**
   * Sends `message` to `subject` with a reply subject and resolves with `decode(reply)`. Rejects with
   * `NatsTimeoutError` after `timeoutMs`, `NatsNoRespondersError` when nobody listens on `subject`, whatever
   * `decode` throws, or `NatsNotConnectedError` as soon as {@link failAll} runs. Throws synchronously what the
   * writer throws (nothing is left pending then).
   */
  send<Res>(nc: NatsConnection, subject: string, message: Encoded, timeoutMs: number, decode: ReplyDecoder<Res>): Promise<Res> {
    if (this.nc !== nc) this.listen(nc);
    const token = (this.nextToken++).toString(36);
    this.writer.sendRequest(nc, subject, message, this.inbox + token);
    return new Promise<Res>((resolve, reject) => {
      const request: PendingRequest = {
        token,
        subject,
        timeoutMs,
        deadline: performance.now() + timeoutMs,
        decode,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: false,
      };
      this.pending.set(token, request);
      this.queueFor(timeoutMs).push(request);
    });
  }

  /** Fails every request in flight with `NatsNotConnectedError` naming its subject and `reason`. */
  failAll(reason: string): void {
    for (const request of this.pending.values()) {
      request.settled = true;
      request.reject(
        new NatsNotConnectedError(
          `Request on "${request.subject}" was interrupted: ${reason}. It may or may not have reached the responder; retry if the operation is idempotent.`,
        ),
      );
    }
    this.pending.clear();
    for (const queue of this.queues.values()) queue.clear();
  }

  /** Fails the requests sent to `subject` with `error` (the server refused to let this client publish there). */
  failSubject(subject: string, error: DistributedError): void {
    for (const request of this.pending.values()) {
      if (request.subject !== subject) continue;
      this.pending.delete(request.token);
      request.settled = true;
      request.reject(error);
    }
  }

  /** Forgets the connection: the next request subscribes anew on whichever connection it is given. */
  detach(): void {
    this.nc = undefined;
  }

  /** Requests waiting for a reply. */
  size(): number {
    return this.pending.size;
  }

  /** Subscribes to a fresh inbox on `nc`; nats.js re-subscribes it after every reconnect. */
  private listen(nc: NatsConnection): void {
    this.nc = nc;
    this.inbox = `${createInbox(this.prefix)}.`;
    nc.subscribe(`${this.inbox}*`, {
      callback: (error, msg) => {
        if (error === null) this.answer(msg);
        else {
          this.report(
            new DistributedError('NATS_REQUEST_INBOX', `The reply subscription of this client failed: ${describe(error)}. Requests cannot get replies.`),
          );
          this.failAll('the reply subscription failed');
          this.detach();
        }
      },
    });
  }

  private answer(msg: Msg): void {
    const request = this.pending.get(msg.subject.slice(this.inbox.length));
    // A reply after the timeout (or after a failover failed the request) has nobody waiting: drop it.
    if (request === undefined) return;
    this.pending.delete(request.token);
    request.settled = true;
    // The server's no-responders status: an empty message with status 503.
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      request.reject(new NatsNoRespondersError(request.subject));
      return;
    }
    try {
      request.resolve(request.decode(msg, request.subject));
    } catch (error) {
      request.reject(error instanceof Error ? error : new DistributedError('NATS_ERROR', describe(error)));
    }
  }

  private queueFor(timeoutMs: number): DeadlineQueue {
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      queue = new DeadlineQueue((request) => {
        this.pending.delete(request.token);
        request.settled = true;
        request.reject(new NatsTimeoutError(request.subject, request.timeoutMs));
      });
      this.queues.set(timeoutMs, queue);
    }
    return queue;
  }
}
