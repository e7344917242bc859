/**
 * The only place that reads nats.js internals. nats.js v3 (@nats-io/nats-core 3.4) exposes neither how many bytes
 * wait to be sent nor, synchronously, whether the socket is up; backpressure and outage buffering need both on every
 * publish. v3 has no public equivalent of any of them (its `stats()` counts bytes written, not bytes waiting).
 *
 * Layout relied on, with the file that defines each:
 *   nc.protocol.connected                        @nats-io/nats-core lib/protocol.js, ProtocolHandler.connected:
 *                                                boolean, false from socket loss until the next successful dial
 *   nc.protocol.outbound.size()                  lib/protocol.js ProtocolHandler.outbound, a DataBuffer
 *                                                (lib/databuffer.js): bytes queued, not yet handed to the socket
 *   nc.protocol.flushPending()                   lib/protocol.js: writes what is queued; `sendCommand` and `flush`
 *                                                call it through the instance, so takeOverWrites can replace it
 *   nc.protocol.transport.socket.writableLength  @nats-io/transport-node lib/node_transport.js, NodeTransport.socket:
 *                                                bytes handed to the socket, not yet written to the kernel
 *   MsgHdrsImpl.encode()                         @nats-io/nats-core lib/headers.js: called on every publish with
 *                                                headers (see encodeOnce)
 *   msg._msg.hdr, msg._rdata                     @nats-io/nats-core lib/msg.js, MsgImpl: a received message's header
 *                                                length and raw bytes (see headerBlock)
 * If a nats.js upgrade moves them, the fallbacks keep the client working (without byte-accurate backpressure or
 * write batching); `internalsAvailable` and the unit tests of this module fail first and say which one moved.
 */
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/nats-core';

interface ProtocolInternals {
  connected?: unknown;
  outbound?: { size?: () => number };
  transport?: { socket?: { writableLength?: unknown } };
  flushPending?: () => void;
}

function protocolOf(nc: NatsConnection): ProtocolInternals | undefined {
  return (nc as unknown as { protocol?: ProtocolInternals }).protocol;
}

/** Bytes published but not yet written to the kernel: nats.js's outbound buffer plus the socket's own buffer. Fallback 0. */
export function pendingOutboundBytes(nc: NatsConnection): number {
  const protocol = protocolOf(nc);
  if (protocol === undefined) return 0;
  const queued = typeof protocol.outbound?.size === 'function' ? protocol.outbound.size() : 0;
  const buffered = protocol.transport?.socket?.writableLength;
  return typeof buffered === 'number' ? queued + buffered : queued;
}

/**
 * True while the socket is up. nats.js reports a lost connection through its status iterator a few ticks late and
 * silently discards what was published in between when it reconnects; this synchronous flag closes that gap.
 * Fallback: "not closed".
 */
export function isTransportConnected(nc: NatsConnection): boolean {
  const connected = protocolOf(nc)?.connected;
  return typeof connected === 'boolean' ? connected : !nc.isClosed();
}

/**
 * Takes over the decision of when nats.js writes. nats.js fills its outbound buffer, then asks to write it
 * (`sendCommand` in core/src/protocol.ts: in a microtask after a command into an empty buffer, inline after every
 * command once 32 KiB are queued; `flush()`: inline, after its PING). From now on each such ask calls `ask` with the
 * bytes queued, and nothing is written until the returned function is called. Returns undefined, and installs
 * nothing, when the internals are not there: nats.js then writes on its own schedule.
 */
export function takeOverWrites(nc: NatsConnection, ask: (queuedBytes: number) => void): (() => void) | undefined {
  const protocol = protocolOf(nc);
  if (protocol === undefined || typeof protocol.flushPending !== 'function' || typeof protocol.outbound?.size !== 'function') return undefined;
  const write = protocol.flushPending.bind(protocol);
  protocol.flushPending = () => {
    ask(protocol.outbound?.size?.() ?? 0);
  };
  return write;
}

/** True when the internals this module reads are where it expects them (checked by tests against the pinned nats.js). */
export function internalsAvailable(nc: NatsConnection): boolean {
  const protocol = protocolOf(nc);
  return (
    typeof protocol?.connected === 'boolean' &&
    typeof protocol.outbound?.size === 'function' &&
    typeof protocol.flushPending === 'function' &&
    typeof protocol.transport?.socket?.writableLength === 'number'
  );
}

/**
 * Makes `headers` encode once: nats.js calls `encode()` on a message's headers at every publish, and headers that
 * never change (a frozen record's) need not be turned into bytes again. The headers must not be modified after
 * this. Without the internal method nothing changes.
 */
export function encodeOnce(headers: MsgHdrs): MsgHdrs {
  const impl = headers as MsgHdrs & { encode?: () => Uint8Array };
  if (typeof impl.encode !== 'function') return headers;
  const bytes = impl.encode();
  impl.encode = () => bytes;
  return headers;
}

/**
 * The raw header block of a received message (`NATS/1.0\r\nName: value\r\n...`), without decoding it: undefined
 * when the message has no headers, null when the internals are not there (then decode `msg.headers`). Reading
 * `msg.headers` makes nats.js decode the block into a map (a TextDecoder pass, a split, an append per line); most
 * received messages only need to know that a header is absent.
 *
 * Layout relied on: @nats-io/nats-core lib/msg.js, MsgImpl: `_msg.hdr` (header length, -1 without headers) and
 * `_rdata` (header block followed by the payload).
 */
export function headerBlock(msg: Msg): Uint8Array | undefined | null {
  const impl = msg as unknown as { _msg?: { hdr?: unknown }; _rdata?: unknown };
  const length = impl._msg?.hdr;
  if (typeof length !== 'number' || !(impl._rdata instanceof Uint8Array)) return null;
  return length > -1 ? impl._rdata.subarray(0, length) : undefined;
}
