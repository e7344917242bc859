/**
 * outage-buffer.ts: publishes kept in order up to a byte bound. Elsewhere: keeping and replaying through Outbound,
 * tests/client/outbound.test.ts; across a real server restart, tests/client/client-faults.test.ts.
 */
import { headers as natsHeaders } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { OutageBuffer, messageSize } from '../../src/client/outage-buffer.js';

describe('OutageBuffer', () => {
  it('keeps publishes in order up to the byte bound', () => {
    const buffer = new OutageBuffer(200);
    const payload = new Uint8Array(50);
    expect(buffer.tryAdd('a.b', payload, undefined)).toBe(true);
    expect(buffer.tryAdd('a.c', payload, undefined)).toBe(true);
    expect(buffer.tryAdd('a.d', payload, undefined)).toBe(false);
    expect(buffer.length).toBe(2);
    expect(buffer.bytes).toBe(2 * messageSize('a.b', payload, undefined));
    expect(buffer.limit).toBe(200);
    expect(buffer.takeAll().map((i) => i.subject)).toEqual(['a.b', 'a.c']);
    expect(buffer.length).toBe(0);
    expect(buffer.bytes).toBe(0);
  });

  it('counts headers in the size', () => {
    const h = natsHeaders();
    h.set('Content-Encoding', 'gzip');
    expect(messageSize('s', new Uint8Array(1), h)).toBeGreaterThan(messageSize('s', new Uint8Array(1), undefined));
  });
});
