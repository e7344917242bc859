/**
 * compression.ts: gzip round trips, the header, and refusing invalid data and bombs. Elsewhere: compressed messages
 * between clients on a real server, tests/client/client-features.test.ts; the marker read without decoding headers,
 * tests/client/nats-internals.test.ts; compressed replies to requests, tests/client/inbound.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { MessageDecodeError } from '../../src/base/errors.js';
import { ENCODING_HEADER, compressPayload, decompressPayload, isCompressed } from '../../src/client/compression.js';

describe('compression', () => {
  it('round-trips and recognises the header case-insensitively', () => {
    const data = Buffer.from('x'.repeat(10_000));
    const packed = compressPayload(data);
    expect(packed.byteLength).toBeLessThan(data.byteLength);
    expect(Buffer.from(decompressPayload(packed, 's')).equals(data)).toBe(true);
    const h = natsHeaders();
    h.set('content-encoding', 'GZIP');
    expect(isCompressed(h)).toBe(true);
    expect(isCompressed(undefined)).toBe(false);
    expect(isCompressed(natsHeaders())).toBe(false);
    expect(ENCODING_HEADER).toBe('Content-Encoding');
  });

  it('refuses invalid gzip and decompression bombs with MessageDecodeError naming the subject', () => {
    expect(() => decompressPayload(Buffer.from('not gzip'), 'in.bad')).toThrow(MessageDecodeError);
    expect(() => decompressPayload(Buffer.from('not gzip'), 'in.bad')).toThrow(/in\.bad.*not valid gzip/);
    const bomb = gzipSync(Buffer.alloc(100_000));
    expect(() => decompressPayload(bomb, 'in.bomb', 1000)).toThrow(/inflates beyond 1000 bytes/);
  });
});
