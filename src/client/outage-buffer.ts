/**
 * Publishes made while the connection is down. nats.js queues them internally but discards that queue when it
 * dials again (v3 as v2: @nats-io/nats-core lib/protocol.js, ProtocolHandler.resetOutbound), so the client keeps its own bounded copy and replays it,
 * in order, once the connection is back.
 */
import type { MsgHdrs } from '@nats-io/nats-core';

/** One publish waiting for the connection. */
export interface BufferedPublish {
  subject: string;
  payload: Uint8Array;
  headers: MsgHdrs | undefined;
  /** Bytes this entry counts against the bound. */
  size: number;
}

/** Rough wire size of a message: subject, payload, headers and protocol framing. */
export function messageSize(subject: string, payload: Uint8Array, headers: MsgHdrs | undefined): number {
  let size = subject.length + payload.byteLength + 32;
  if (headers !== undefined) {
    for (const [key, values] of headers) {
      for (const value of values) size += key.length + value.length + 4;
    }
  }
  return size;
}

/** A FIFO of publishes bounded in bytes. */
export class OutageBuffer {
  private items: BufferedPublish[] = [];
  private byteCount = 0;

  constructor(private readonly limitBytes: number) {}

  /** Entries waiting. */
  get length(): number {
    return this.items.length;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.byteCount;
  }

  /** The bound in bytes. */
  get limit(): number {
    return this.limitBytes;
  }

  /** Queues a publish; false (and nothing queued) when it would pass the bound. */
  tryAdd(subject: string, payload: Uint8Array, headers: MsgHdrs | undefined): boolean {
    const size = messageSize(subject, payload, headers);
    if (this.byteCount + size > this.limitBytes) return false;
    this.items.push({ subject, payload, headers, size });
    this.byteCount += size;
    return true;
  }

  /** Removes and returns everything, oldest first. */
  takeAll(): BufferedPublish[] {
    const items = this.items;
    this.items = [];
    this.byteCount = 0;
    return items;
  }
}
