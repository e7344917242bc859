/**
 * nats-internals.ts: each internal it reads, against the pinned nats.js, and its fallback when the internal is missing
 * (the client must keep working, only without batching or byte-accurate backpressure).
 * Elsewhere: Outbound's use of takeOverWrites, tests/client/outbound.test.ts; on a real server,
 * tests/client/publish-batching.test.ts.
 */
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { headerBlock, internalsAvailable, isTransportConnected, pendingOutboundBytes, takeOverWrites } from '../../src/client/nats-internals.js';
import { headerNeedle, mayCarryHeader } from '../../src/client/messages.js';
import { isCompressedMessage } from '../../src/client/compression.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import { sharedNatsHeaders } from '../../src/client/messages.js';
import { connectedTo } from '../helpers/fake-nats.js';
import { Outbound } from '../../src/client/outbound.js';
import { bytesSerializer } from '../../src/client/serializers.js';

describe('takeOverWrites', () => {
  it('returns undefined and installs nothing when nats.js has no flushPending or outbound buffer', () => {
    const bare = { isClosed: () => false } as unknown as NatsConnection;
    expect(takeOverWrites(bare, () => undefined)).toBeUndefined();
    const noFlush = { protocol: { outbound: { size: () => 0 } } } as unknown as NatsConnection;
    expect(takeOverWrites(noFlush, () => undefined)).toBeUndefined();
    const flushPending = vi.fn();
    const noBuffer = { protocol: { flushPending } } as unknown as NatsConnection;
    expect(takeOverWrites(noBuffer, () => undefined)).toBeUndefined();
    expect((noBuffer as unknown as { protocol: { flushPending: unknown } }).protocol.flushPending).toBe(flushPending);
  });

  it('hands every ask to write to `ask` with the bytes queued, and only the returned function writes', () => {
    const flushPending = vi.fn();
    let queued = 10;
    const protocol = { flushPending, outbound: { size: () => queued } };
    const nc = { protocol } as unknown as NatsConnection;
    const asked: number[] = [];
    const write = takeOverWrites(nc, (bytes) => asked.push(bytes));
    protocol.flushPending();
    queued = 20;
    protocol.flushPending();
    expect(asked).toEqual([10, 20]);
    expect(flushPending).not.toHaveBeenCalled();
    write?.();
    expect(flushPending).toHaveBeenCalledTimes(1);
  });
});

describe('Outbound without the nats.js internals', () => {
  it('publishes every message and still lets the event loop turn after 1 MiB in one tick', async () => {
    const publish = vi.fn();
    const nc = { publish, isClosed: () => false } as unknown as NatsConnection;
    const out = new Outbound({ connection: connectedTo(nc), report: () => undefined });
    out.attach(nc, { maxPendingBytes: 64 * 1024 * 1024, compressThreshold: undefined });
    const payload = new Uint8Array(256 * 1024);
    const results = [0, 1, 2, 3, 4].map(() => out.publish('hold.test', payload, bytesSerializer()));
    expect(publish).toHaveBeenCalledTimes(5);
    // The fifth message passes 1 MiB in this tick: it waits for a turn of the event loop (a pending promise).
    const settled = await Promise.race([results[4]!.then(() => 'resolved'), Promise.resolve('pending')]);
    expect(settled).toBe('pending');
    await expect(Promise.all(results)).resolves.toHaveLength(5);
    // A new tick starts from zero: the next message resolves at once.
    await new Promise((resolve) => setImmediate(resolve));
    const next = await Promise.race([
      out.publish('hold.test', payload, bytesSerializer()).then(() => 'resolved'),
      new Promise((r) => {
        setImmediate(() => {
          r('pending');
        });
      }),
    ]);
    expect(next).toBe('resolved');
  });
});

describe('headers of frozen records', () => {
  it('are built and encoded once (nats.js still has MsgHdrsImpl.encode, which this relies on)', () => {
    const record = Object.freeze({ 'Contract-Version': '1.2.3' });
    const first = sharedNatsHeaders(record);
    expect(sharedNatsHeaders(record)).toBe(first);
    const impl = first as unknown as { encode: () => Uint8Array };
    expect(typeof impl.encode).toBe('function');
    expect(impl.encode()).toBe(impl.encode());
    expect(new TextDecoder().decode(impl.encode())).toContain('Contract-Version: 1.2.3');
    // A record that can change gets fresh headers every time.
    const open = { a: 'b' };
    expect(sharedNatsHeaders(open)).not.toBe(sharedNatsHeaders(open));
  });

  it('are never modified by compression: a compressed message gets its own header set', () => {
    const nc = { publish: vi.fn(), isClosed: () => false } as unknown as NatsConnection;
    const out = new Outbound({ connection: connectedTo(nc), report: () => undefined });
    out.attach(nc, { maxPendingBytes: 1 << 20, compressThreshold: 10 });
    const record = Object.freeze({ 'Contract-Version': '1.2.3' });
    const compressed = out.encode('s', 'x'.repeat(100), undefined, record);
    expect(compressed.headers?.get('Content-Encoding')).toBe('gzip');
    expect(compressed.headers?.get('Contract-Version')).toBe('1.2.3');
    expect(sharedNatsHeaders(record).get('Content-Encoding')).toBe('');
    const small = out.encode('s', 'x', undefined, record);
    expect(small.headers).toBe(sharedNatsHeaders(record));
  });
});

describe('received headers, read without decoding them', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it("headerBlock finds nats.js's raw header bytes, and mayCarryHeader answers without decoding (nats.js still has MsgImpl._msg.hdr and _rdata)", async () => {
    const { url } = await cleanup.server();
    const nc = await connect({ servers: url });
    cleanup.add(() => nc.close());
    const seen: Msg[] = [];
    nc.subscribe('raw.h', {
      callback: (_e, m) => {
        seen.push(m);
      },
    });
    await nc.flush();
    const h = natsHeaders();
    h.set('content-ENCODING', 'gzip');
    nc.publish('raw.h', 'x', { headers: h });
    const other = natsHeaders();
    other.set('Contract-Version', '1.0.0');
    nc.publish('raw.h', 'y', { headers: other });
    nc.publish('raw.h', 'z');
    await waitFor(() => seen.length === 3, 'three messages');
    const [withEncoding, withOther, without] = seen as [Msg, Msg, Msg];
    const block = headerBlock(withEncoding);
    expect(block).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(block as Uint8Array).toString('latin1')).toMatch(/^NATS\/1\.0\r\ncontent-ENCODING: gzip\r\n/);
    expect(headerBlock(without)).toBeUndefined();
    const needle = headerNeedle('Content-Encoding');
    expect(mayCarryHeader(withEncoding, needle)).toBe(true);
    expect(isCompressedMessage(withEncoding)).toBe(true);
    expect(mayCarryHeader(withOther, needle)).toBe(false);
    expect(isCompressedMessage(withOther)).toBe(false);
    expect(mayCarryHeader(without, needle)).toBe(false);
    // Answered from the raw bytes: nats.js never decoded these headers.
    expect((withOther as unknown as { _headers?: unknown })._headers).toBeUndefined();
    expect(withOther.string()).toBe('y');
  });

  it('without the internals, mayCarryHeader says "maybe" and the decoded headers decide', () => {
    const bare = { subject: 's', data: new Uint8Array(0), headers: undefined } as unknown as Msg;
    expect(headerBlock(bare)).toBeNull();
    expect(mayCarryHeader(bare, headerNeedle('Content-Encoding'))).toBe(true);
    expect(isCompressedMessage(bare)).toBe(false);
  });
});

describe('nats.js internals access', () => {
  it('falls back safely when the internals are missing', () => {
    const bare = { isClosed: () => false } as unknown as NatsConnection;
    expect(pendingOutboundBytes(bare)).toBe(0);
    expect(isTransportConnected(bare)).toBe(true);
    expect(internalsAvailable(bare)).toBe(false);
    const partial = { isClosed: () => true, protocol: { outbound: { size: () => 7 }, transport: {} } } as unknown as NatsConnection;
    expect(pendingOutboundBytes(partial)).toBe(7);
    expect(isTransportConnected(partial)).toBe(false);
    const noOutbound = { protocol: { transport: { socket: { writableLength: 3 } } } } as unknown as NatsConnection;
    expect(pendingOutboundBytes(noOutbound)).toBe(3);
  });
});
