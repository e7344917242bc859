/**
 * The outbound half of NatsClient, and its one writer: every message the client sends (publish, request, reply, error
 * reply) is handed to nats.js here, and only here is it decided when nats.js writes to the socket. Also subject checks,
 * encoding and optional compression, bounded buffering (backpressure while connected, an outage buffer while not),
 * and the replay after a reconnect.
 *
 * When to write. nats.js decides in one place (`sendCommand` in core/src/protocol.ts): fill its buffer, then write in
 * a microtask, or at once past 32 KiB queued. An awaited publish yields a microtask per message, so under that rule a
 * loop of awaited publishes costs one system call, one promise and one write request per message. {@link attach} takes
 * nats.js's writes over and {@link Outbound.askedToWrite} decides with the same shape and a longer wait: once this
 * client has sent a message in a tick, the buffer is written at the end of that tick (`process.nextTick`, after every
 * microtask of the tick), or at once past MAX_TICK_BYTES queued. Held bytes count as pending, so backpressure sees
 * them. In a tick without a message of ours nats.js's own rule stands, so its own commands (SUB, UNSUB, PING, a
 * service's answers) leave as soon as it would send them: another connection may be waiting for them. Without the
 * internals nats.js keeps its own rule throughout and everything still works.
 *
 * Hot path (connected, under the limit): one cached subject check, the serializer, two property reads for the
 * pending byte count, nats.js publish, and a shared already-resolved promise. No async work.
 */
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/nats-core';
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { NatsBackpressureError, NatsNotConnectedError, type DistributedError } from '../base/errors.js';
import { assertPublishSubject } from '../base/subjects.js';
import type { ConnectionAccess } from './connection.js';
import { operationError } from './errors.js';
import { isTransportConnected, pendingOutboundBytes, takeOverWrites } from './nats-internals.js';
import { errorReplyHeaders, sharedNatsHeaders, toNatsHeaders } from './messages.js';
import type { ChannelCounts } from './metrics-sink.js';
import { OutageBuffer, type BufferedPublish } from './outage-buffer.js';
import { ENCODING_HEADER, GZIP, compressPayload } from './compression.js';
import { JSON_SERIALIZER, type Serializer } from './serializers.js';

const RESOLVED: Promise<void> = Promise.resolve();
const EMPTY = new Uint8Array(0);
const MAX_SUBJECT_CACHE = 4096;
/**
 * Bytes one tick may send before they are written at once, and before `publish()` lets the event loop run. A loop
 * of awaited publishes is all microtasks: without a turn of the event loop, completed socket writes are never
 * released and garbage piles up (a 1M-message burst grew past 250 MB with the kernel taking every byte at once, so
 * the pending-bytes limit never fired). Large enough that one write carries thousands of messages.
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
  /** The client's connection and its guard. */
  readonly connection: ConnectionAccess;
  /** Reports an error nobody awaits (a replayed publish that failed). */
  report(error: DistributedError): void;
}

/** Publishing, requests' and replies' writes, and the decision when to write, for one NatsClient. */
export class Outbound {
  private limits: OutboundLimits = { maxPendingBytes: RUNTIME_DEFAULTS.client.maxPendingBytes, compressThreshold: undefined };
  private outage = new OutageBuffer(this.limits.maxPendingBytes);
  private flushWait: Promise<void> | undefined;
  private readonly validSubjects = new Set<string>();
  /** Writes what nats.js has queued; undefined when its writes could not be taken over (it writes on its own then). */
  private writeQueued: (() => void) | undefined;
  /** True from this client's first message in a tick until {@link endTick} runs: nats.js's writes are held meanwhile. */
  private tickEnding = false;
  /** Bytes of the messages sent in this tick. */
  private tickBytes = 0;
  /** Resolves on the next turn of the event loop; shared by every publisher that waits for it. */
  private loopTurn: Promise<void> | undefined;
  /** The end of a tick: what is queued leaves in one write. */
  private readonly endTick = (): void => {
    this.tickEnding = false;
    this.tickBytes = 0;
    this.writeQueued?.();
  };
  /**
   * nats.js asks to write (see the module comment): in a tick this client sent a message in, only past MAX_TICK_BYTES
   * queued ({@link endTick} writes the rest); in any other tick at once, as nats.js would.
   */
  private readonly askedToWrite = (queuedBytes: number): void => {
    if (!this.tickEnding || queuedBytes >= MAX_TICK_BYTES) this.writeQueued?.();
  };

  constructor(private readonly host: OutboundHost) {}

  /** Starts writing on the client's new connection `nc` with `limits`; forgets any previous buffer. */
  attach(nc: NatsConnection, limits: OutboundLimits): void {
    this.limits = limits;
    this.writeQueued = takeOverWrites(nc, this.askedToWrite);
    this.outage = new OutageBuffer(limits.maxPendingBytes);
  }

  /** Bytes waiting: in nats.js and the socket, plus the outage buffer. */
  pendingBytes(): number {
    const nc = this.host.connection.current();
    return (nc === undefined ? 0 : pendingOutboundBytes(nc)) + this.outage.bytes;
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
  publish<T>(subject: string, data: T, serializer?: Serializer<T>, userHeaders?: Readonly<Record<string, string>>, counts?: ChannelCounts): Promise<void> {
    try {
      const nc = this.host.connection.guard('publish');
      this.checkSubject(subject);
      const message = this.encode(subject, data, serializer, userHeaders);
      if (this.keptForOutage(nc, subject, message, counts)) return RESOLVED;
      if (pendingOutboundBytes(nc) > this.limits.maxPendingBytes) return this.publishAfterFlush(nc, subject, message, counts);
      this.send(nc, subject, message, undefined, counts);
      return this.tickBytes > MAX_TICK_BYTES ? this.nextLoopTurn() : RESOLVED;
    } catch (error) {
      return Promise.reject(operationError(error, 'publish', subject));
    }
  }

  /** See `NatsClient.tryPublish`; `counts` as in {@link publish}. */
  tryPublish<T>(subject: string, data: T, serializer?: Serializer<T>, userHeaders?: Readonly<Record<string, string>>, counts?: ChannelCounts): void {
    try {
      const nc = this.host.connection.guard('publish');
      this.checkSubject(subject);
      const message = this.encode(subject, data, serializer, userHeaders);
      if (this.keptForOutage(nc, subject, message, counts)) return;
      const pending = pendingOutboundBytes(nc);
      if (pending > this.limits.maxPendingBytes) {
        throw new NatsBackpressureError(subject, pending, this.limits.maxPendingBytes, 'while the connection drains');
      }
      this.send(nc, subject, message, undefined, counts);
    } catch (error) {
      throw operationError(error, 'publish', subject);
    }
  }

  /** Sends a request, `message` on `subject` with `reply` as its reply subject (the request mux's). Throws what nats.js throws. */
  sendRequest(nc: NatsConnection, subject: string, message: Encoded, reply: string): void {
    this.send(nc, subject, message, reply, undefined);
  }

  /**
   * Answers the request `msg` with `value`, encoded as a publish is (compression included) with `headers`. False when
   * `msg` has no reply subject (nothing sent). Throws what encoding throws.
   */
  respond<T>(msg: Msg, value: T, serializer: Serializer<T>, headers: Readonly<Record<string, string>> | undefined): boolean {
    const { payload, headers: natsHeaders } = this.encode(msg.subject, value, serializer, headers);
    // Through the message, as nats.js answers: a late answer on a closed connection is dropped, not thrown.
    const answered = msg.respond(payload, natsHeaders === undefined ? undefined : { headers: natsHeaders });
    this.sent(payload.byteLength);
    return answered;
  }

  /** Answers the request `msg` with an error reply in the NATS services convention (`errorReplyHeaders`). False when it has no reply subject. */
  respondError(msg: Msg, code: string, message: string): boolean {
    const answered = msg.respond(EMPTY, { headers: errorReplyHeaders(code, message) });
    this.sent(0);
    return answered;
  }

  /**
   * Resolves once the server has processed everything sent before (nats.js's PING/PONG); writes what is queued at
   * once rather than at the end of the tick, since the caller waits for it.
   */
  flush(nc: NatsConnection): Promise<void> {
    const pong = nc.flush();
    this.writeQueued?.();
    return pong;
  }

  /** Sends, in order, what was kept during the outage. Returns how many; does nothing while the socket is down. */
  replay(): number {
    const nc = this.host.connection.current();
    if (nc === undefined || this.outage.length === 0 || !isTransportConnected(nc)) return 0;
    const items = this.outage.takeAll();
    for (const item of items) {
      try {
        this.send(nc, item.subject, item, undefined, undefined);
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
   * The one place a message is handed to nats.js as a publish (a request when `reply` is given); replies go through
   * the message they answer ({@link respond}). Throws what nats.js throws.
   */
  private send(nc: NatsConnection, subject: string, message: Encoded, reply: string | undefined, counts: ChannelCounts | undefined): void {
    const headers = message.headers;
    if (reply === undefined) nc.publish(subject, message.payload, headers === undefined ? undefined : { headers });
    else nc.publish(subject, message.payload, headers === undefined ? { reply } : { reply, headers });
    this.sent(message.payload.byteLength);
    if (counts !== undefined) counts.published += 1;
  }

  /**
   * Counts a message handed to nats.js; the first of a tick holds nats.js's writes until the tick ends (nats.js's
   * microtask, queued by the write just made, runs later and finds them held). Without the internals nothing is
   * held, but the tick still counts for MAX_TICK_BYTES.
   */
  private sent(bytes: number): void {
    this.tickBytes += bytes;
    if (this.tickEnding) return;
    this.tickEnding = true;
    process.nextTick(this.endTick);
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

  private async publishAfterFlush(nc: NatsConnection, subject: string, message: Encoded, counts: ChannelCounts | undefined): Promise<void> {
    // One shared flush (PING/PONG: the server has read everything before it) for every publisher that waits.
    this.flushWait ??= this.flush(nc)
      .catch(() => undefined)
      .finally(() => {
        this.flushWait = undefined;
      });
    await this.flushWait;
    if (nc.isClosed()) throw new NatsNotConnectedError(`Cannot publish to "${subject}": the connection closed while waiting for a flush.`);
    if (!this.keptForOutage(nc, subject, message, counts)) this.send(nc, subject, message, undefined, counts);
  }
}
