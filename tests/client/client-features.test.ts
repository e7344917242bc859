/**
 * NatsClient backpressure while connected, and payload compression (round trips and what a plain client sees).
 */
import { gunzipSync } from 'node:zlib';
import { connect as natsConnect } from '@nats-io/transport-node';
import { type Msg } from '@nats-io/nats-core';
import { afterEach, describe, expect, it } from 'vitest';
import { NatsBackpressureError } from '../../src/base/errors.js';
import { Cleanup, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('backpressure while connected', () => {
  it('tryPublish throws NatsBackpressureError once pending bytes pass the limit; nothing it accepted is lost', async () => {
    const { url } = await cleanup.server();
    const receiver = await cleanup.client(url);
    const sender = await cleanup.client(url, { maxPendingBytes: 1000 });
    let got = 0;
    await receiver.subscribe('bp.try', () => {
      got += 1;
    });
    const payload = { filler: 'z'.repeat(300) };
    let accepted = 0;
    let refusal: unknown;
    // Synchronous loop: nats.js cannot hand anything to the socket in between, so the bound is reached.
    for (let i = 0; i < 1000 && refusal === undefined; i++) {
      try {
        sender.tryPublish('bp.try', payload);
        accepted += 1;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(NatsBackpressureError);
    expect(refusal).toMatchObject({ subject: 'bp.try', limitBytes: 1000 });
    expect((refusal as NatsBackpressureError).pendingBytes).toBeGreaterThan(1000);
    await sender.flush();
    await waitFor(() => got === accepted, 'every accepted message');
    expect(got).toBe(accepted);
  });

  it('publish waits for a flush above the limit instead of growing the buffer, and delivers everything', async () => {
    const { url } = await cleanup.server();
    const receiver = await cleanup.client(url);
    const sender = await cleanup.client(url, { maxPendingBytes: 4096 });
    let got = 0;
    await receiver.subscribe('bp.wait', () => {
      got += 1;
    });
    const payload = { filler: 'w'.repeat(300) };
    const sends: Promise<void>[] = [];
    let settled = 0;
    for (let i = 0; i < 3000; i++) {
      const send = sender.publish('bp.wait', payload);
      void send.then(() => (settled += 1));
      sends.push(send);
    }
    // Early publishes resolve at once; the ones past the limit wait for the flush round trip.
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(3000);
    await Promise.all(sends);
    await sender.flush();
    await waitFor(() => got === 3000, '3000 messages', 10_000);
    expect(got).toBe(3000);
  });
});

describe('compression', () => {
  it('is off by default: no header, payload as is', async () => {
    const { url } = await cleanup.server();
    const sender = await cleanup.client(url);
    const raw = await natsConnect({ servers: url });
    cleanup.add(() => raw.close());
    const seen: Msg[] = [];
    raw.subscribe('plain', {
      callback: (_e, m) => {
        seen.push(m);
      },
    });
    await raw.flush();
    await sender.publish('plain', { text: 'a'.repeat(5000) });
    await waitFor(() => seen.length === 1, 'the message');
    expect(seen[0]?.headers).toBeUndefined();
    expect(JSON.parse(Buffer.from(seen[0]?.data ?? []).toString())).toEqual({ text: 'a'.repeat(5000) });
  });

  it('compresses payloads at or above the threshold; this client decompresses and a plain client sees a header-marked gzip message', async () => {
    const { url } = await cleanup.server();
    const sender = await cleanup.client(url, { compressThreshold: 1024 });
    const receiver = await cleanup.client(url); // compression off on this side: decompression still works
    const raw = await natsConnect({ servers: url });
    cleanup.add(() => raw.close());

    const prompt = { prompt: 'Tell me a story. '.repeat(6000), id: 'r1' }; // ~100 KB
    const small = { id: 'tiny' };
    const decoded: unknown[] = [];
    await receiver.subscribe('zip.>', (data) => {
      decoded.push(data);
    });
    const rawSeen: Msg[] = [];
    raw.subscribe('zip.>', {
      callback: (_e, m) => {
        rawSeen.push(m);
      },
    });
    await raw.flush();

    await sender.publish('zip.big', prompt, { headers: { 'Trace-Id': 't-1' } });
    await sender.publish('zip.small', small);
    await waitFor(() => decoded.length === 2 && rawSeen.length === 2, 'both messages on both clients');

    expect(decoded).toEqual([prompt, small]);
    const [big, tiny] = rawSeen;
    expect(big?.headers?.get('Content-Encoding')).toBe('gzip');
    expect(big?.headers?.get('Trace-Id')).toBe('t-1');
    const wire = big?.data ?? new Uint8Array(0);
    const json = JSON.stringify(prompt);
    expect(wire.byteLength).toBeLessThan(json.length / 5);
    expect(gunzipSync(wire).toString()).toBe(json);
    expect(tiny?.headers).toBeUndefined();
  });

  it('works both ways in request/reply', async () => {
    const { url } = await cleanup.server();
    const server = await cleanup.client(url, { compressThreshold: 100 });
    const caller = await cleanup.client(url, { compressThreshold: 100 });
    await server.reply('zip.rpc', (req: { text: string }) => ({ echoed: req.text, length: req.text.length }));
    const text = 'long '.repeat(2000);
    expect(await caller.request('zip.rpc', { text })).toEqual({ echoed: text, length: text.length });
  });
});
