/**
 * The outbound half of NatsClient: subject checks, encoding and optional compression, bounded buffering
 * (backpressure while connected, an outage buffer while not), and the replay after a reconnect.
 *
 * Hot path (connected, under the limit): one cached subject check, the serializer, two property reads for the
 * pending byte count, nats.js publish, and a shared already-resolved promise. No async work.
 */
import type { MsgHdrs, NatsConnection } from '@nats-io/nats-core';
import { NatsBackpressureError, NatsNotConnectedError, type DistributedError } from '../base/errors.js';
import type { ConnectionSlot } from './connection.js';
import { assertPublishSubject } from '../base/subjects.js';
import { operationError } from './errors.js';
import { holdWrites, isTransportConnected, pendingOutboundBytes } from './nats-internals.js';
import { sharedNatsHeaders, toNatsHeaders } from './messages.js';
import type { ChannelCounts } from './metrics-sink.js';
import { OutageBuffer, type BufferedPublish } from './outage-buffer.js';
import { ENCODING_HEADER, GZIP, compressPayload } from './compression.js';
import { JSON_SERIALIZER, type Serializer } from './serializers.js';

const RESOLVED: Promise<void> = Promise.resolve();
const MAX_SUBJECT_CACHE = 4096;
/**
 * Bytes one tick may publish before `publish()` lets the event loop run. A loop of awaited publishes is all
 * microtasks: without a turn of the event loop, completed socket writes are never released and garbage piles up
 * (a 1M-message burst grew past 250 MB with the kernel taking every byte at once, so the pending-bytes limit
 * never fired). Large enough that one write carries thousands of messages.
 */
const MAX_TICK_BYTES = 1024 * 1024;

/** Limits that come from the client options. */
export interface OutboundLimits {
  maxPendingBytes: number;
  /** Compress payloads of at least this many bytes; undefined: never. */
  compressThreshold: number | undefined;
}

/** A payload ready to send, with the headers that go with it (undefined: none). */
export interface Encoded {
  readonly payload: Uint8Array;
  readonly headers: MsgHdrs | undefined;
}

/** What the outbound side needs from its client. */
export interface OutboundHost {
  /** The client's connection. */
  readonly connection: ConnectionSlot;
  /** Reports an error nobody awaits (a replayed publish that failed). */
  report(error: DistributedError): void;
}

/** Publishing for one NatsClient. */
export class Outbound {
  private limits: OutboundLimits = { maxPendingBytes: 8 * 1024 * 1024, compressThreshold: undefined };
  private outage = new OutageBuffer(this.limits.maxPendingBytes);
  private flushWait: Promise<void> | undefined;
  private readonly validSubjects = new Set<string>();
  /** True while nats.js's writes are held until the end of the current tick (see {@link batch}). */
  private holding = false;
  /** Writes what nats.js queued; undefined when writes cannot be held on this connection. */
  private writeNow: (() => void) | undefined;
  /** Bytes published since the tick began. */
  private tickBytes = 0;
  /** Resolves on the next turn of the event loop; shared by every publisher that waits for it. */
  private loopTurn: Promise<void> | undefined;
  private readonly release = (): void => {
    this.holding = false;
    this.tickBytes = 0;
    this.writeNow?.();
  };

  constructor(private readonly host: OutboundHost) {}

  /** Starts publishing on the client's new connection `nc` with `limits`; forgets any previous buffer. */
  attach(nc: NatsConnection, limits: OutboundLimits): void {
    this.limits = limits;
    this.holding = false;
    this.writeNow = holdWrites(nc, () => this.holding);
    this.outage = new OutageBuffer(limits.maxPendingBytes);
  }

  /** Bytes waiting: in nats.js and the socket, plus the outage buffer. */
  pendingBytes(): number {
    const nc = this.host.connection.current();
    return (nc === undefined ? 0 : pendingOutboundBytes(nc)) + this.outage.bytes;
  }

  /**
   * Holds nats.js's writes for the rest of this tick, as a publish does: requests sent from the continuations of
   * many replies (a controller with requests in flight) then leave in one write, not one per hop of promise turns.
   */
  holdForTick(): void {
    if (!this.holding) this.batch();
  }

  /** Throws `SubjectError` unless `subject` is concrete; remembers subjects already checked. */
  checkSubject(subject: string): void {
    if (this.validSubjects.has(subject)) return;
    assertPublishSubject(subject);
    if (this.validSubjects.size >= MAX_SUBJECT_CACHE) this.validSubjects.clear();
    this.validSubjects.add(subject);
  }

  /** Encodes (and compresses past the threshold) a payload, with the headers that must travel with it. */
  encode<T>(subject: string, data: T, serializer: Serializer<T> | undefined, userHeaders?: Readonly<Record<string, string>>): Encoded {
    let payload = (serializer ?? (JSON_SERIALIZER as Serializer<T>)).encode(data, subject);
    let headers: MsgHdrs | undefined;
    const threshold = this.limits.compressThreshold;
    if (threshold !== undefined && payload.byteLength >= threshold) {
      payload = compressPayload(payload);
      // A header set of its own: shared headers of frozen records are never modified.
      headers = toNatsHeaders(userHeaders ?? {});
      headers.set(ENCODING_HEADER, GZIP);
    } else if (userHeaders !== undefined) {
      headers = sharedNatsHeaders(userHeaders);
    }
    return { payload, headers };
  }

  /** See `NatsClient.publish`. `counts` (metrics on): its `published` rises once the message is sent or kept. */
  publish<T>(
    subject: string,
    data: T,
    serializer?: Serializer<T>,
    userHeaders?: Readonly<Record<string, string>>,
    counts?: ChannelCounts,
  ): Promise<void> {
    try {
      const nc = this.host.connection.require('publish');
      this.checkSubject(subject);
      const message = this.encode(subject, data, serializer, userHeaders);
      if (this.keptForOutage(nc, subject, message, counts)) return RESOLVED;
      if (pendingOutboundBytes(nc) > this.limits.maxPendingBytes) return this.publishAfterFlush(nc, subject, message, counts);
      this.holdForTick();
      this.send(nc, subject, message, counts);
      this.tickBytes += message.payload.byteLength;
      return this.tickBytes > MAX_TICK_BYTES ? this.nextLoopTurn() : RESOLVED;
    } catch (error) {
      return Promise.reject(operationError(error, 'publish', subject));
    }
  }

  /** See `NatsClient.tryPublish`; `counts` as in {@link publish}. */
  tryPublish<T>(
    subject: string,
    data: T,
    serializer?: Serializer<T>,
    userHeaders?: Readonly<Record<string, string>>,
    counts?: ChannelCounts,
  ): void {
    try {
      const nc = this.host.connection.require('publish');
      this.checkSubject(subject);
      const message = this.encode(subject, data, serializer, userHeaders);
      if (this.keptForOutage(nc, subject, message, counts)) return;
      const pending = pendingOutboundBytes(nc);
      if (pending > this.limits.maxPendingBytes) {
        throw new NatsBackpressureError(subject, pending, this.limits.maxPendingBytes, 'while the connection drains');
      }
      this.holdForTick();
      this.send(nc, subject, message, counts);
    } catch (error) {
      throw operationError(error, 'publish', subject);
    }
  }

  /** Sends, in order, what was kept during the outage. Returns how many; does nothing while the socket is down. */
  replay(): number {
    const nc = this.host.connection.current();
    if (nc === undefined || this.outage.length === 0 || !isTransportConnected(nc)) return 0;
    const items = this.outage.takeAll();
    for (const item of items) {
      try {
        nc.publish(item.subject, item.payload, item.headers === undefined ? undefined : { headers: item.headers });
      } catch (error) {
        this.host.report(operationError(error, 'publish', item.subject));
      }
    }
    return items.length;
  }

  /** Removes and returns what the outage buffer holds (for reporting when the connection closes for good). */
  takeBuffered(): BufferedPublish[] {
    return this.outage.takeAll();
  }

  /** Resolves once no publish waits for a backpressure flush any more (bounded). */
  async settle(): Promise<void> {
    for (let i = 0; i < 100 && this.flushWait !== undefined; i++) await this.flushWait;
  }

  /**
   * Holds nats.js's writes until the current tick is over (all microtasks included), so publishes awaited one after
   * the other leave in one write instead of one system call each. Held bytes count as pending, so backpressure
   * still sees them; whatever waits (a request, a flush, the backpressure flush) ends the tick and sends everything.
   */
  private batch(): void {
    // Without the nats.js internals nothing is held, but the tick is still counted for MAX_TICK_BYTES.
    this.holding = true;
    process.nextTick(this.release);
  }

  /** A promise that resolves once the event loop has turned (I/O callbacks and write completions ran). */
  private nextLoopTurn(): Promise<void> {
    this.loopTurn ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        this.loopTurn = undefined;
        resolve();
      });
    });
    return this.loopTurn;
  }

  /**
   * While the connection is down, or messages kept during an outage still wait (order!), keeps `message` for the
   * replay and returns true; throws `NatsBackpressureError` when the outage buffer is full. Otherwise returns false.
   */
  private keptForOutage(nc: NatsConnection, subject: string, message: Encoded, counts: ChannelCounts | undefined): boolean {
    if (this.outage.length === 0 && isTransportConnected(nc)) return false;
    if (!this.outage.tryAdd(subject, message.payload, message.headers)) {
      throw new NatsBackpressureError(subject, this.outage.bytes, this.outage.limit, 'while the connection to NATS is down');
    }
    if (counts !== undefined) counts.published += 1;
    return true;
  }

  private send(nc: NatsConnection, subject: string, message: Encoded, counts: ChannelCounts | undefined): void {
    nc.publish(subject, message.payload, message.headers === undefined ? undefined : { headers: message.headers });
    if (counts !== undefined) counts.published += 1;
  }

  private async publishAfterFlush(nc: NatsConnection, subject: string, message: Encoded, counts: ChannelCounts | undefined): Promise<void> {
    // One shared flush (PING/PONG: the server has read everything before it) for every publisher that waits.
    this.flushWait ??= nc
      .flush()
      .catch(() => undefined)
      .finally(() => {
        this.flushWait = undefined;
      });
    await this.flushWait;
    if (nc.isClosed()) throw new NatsNotConnectedError(`Cannot publish to "${subject}": the connection closed while waiting for a flush.`);
    if (!this.keptForOutage(nc, subject, message, counts)) this.send(nc, subject, message, counts);
  }
}
