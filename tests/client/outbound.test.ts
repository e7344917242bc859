/**
 * outbound.ts without a server: the one writer (publishes, requests, replies and error replies leave in one write at
 * the end of the tick, at once past 1 MiB queued, or at a flush; nats.js's own commands wait with them, and only then),
 * backpressure, the outage buffer and its replay, the guard and the subject check before anything is sent.
 * Elsewhere: on a real server (order, the loop turn, a request after publishes), tests/client/publish-batching.test.ts;
 * without the nats.js internals and compressed headers, tests/client/nats-internals.test.ts; outages on a real
 * server, tests/client/client-faults.test.ts; the byte bound of the outage buffer, tests/client/outage-buffer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { NatsBackpressureError, NatsNotConnectedError, SubjectError, type DistributedError } from '../../src/base/errors.js';
import { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER } from '../../src/client/error-codes.js';
import { Outbound } from '../../src/client/outbound.js';
import { bytesSerializer, stringSerializer } from '../../src/client/serializers.js';
import { connectedTo, fakeNats, fakeRequest, notConnected, type FakeNats } from '../helpers/fake-nats.js';

const MiB = 1024 * 1024;

function writer(fake: FakeNats, maxPendingBytes = 8 * MiB): { out: Outbound; reported: DistributedError[] } {
  const reported: DistributedError[] = [];
  const out = new Outbound({ connection: connectedTo(fake.nc), report: (error) => reported.push(error) });
  out.attach(fake.nc, { maxPendingBytes, compressThreshold: undefined });
  return { out, reported };
}

const endOfTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString();

describe('the one writer', () => {
  it('sends the awaited publishes of a tick in one write, at the end of the tick', async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    for (let i = 0; i < 100; i++) await out.publish('w.a', i);
    expect(fake.published).toHaveLength(100);
    expect(fake.writes()).toBe(0);
    await endOfTick();
    expect(fake.writes()).toBe(1);
    expect(fake.written.map((p) => text(p.payload))).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('sends a publish, a request, a reply and an error reply of one tick together, in order', async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    await out.publish('w.pub', 'p', stringSerializer());
    out.sendRequest(fake.nc, 'w.req', out.encode('w.req', 'q', stringSerializer()), '_INBOX.mux.1');
    expect(out.respond(fakeRequest(fake, 'w.svc', '_INBOX.them.1'), 'r', stringSerializer(), undefined)).toBe(true);
    expect(out.respondError(fakeRequest(fake, 'w.svc', '_INBOX.them.2'), 'VALIDATION', 'bad\nrequest')).toBe(true);
    await Promise.resolve();
    expect(fake.writes()).toBe(0);
    await endOfTick();
    expect(fake.writes()).toBe(1);
    expect(fake.written.map((p) => [p.subject, p.reply, text(p.payload)])).toEqual([
      ['w.pub', undefined, 'p'],
      ['w.req', '_INBOX.mux.1', 'q'],
      ['_INBOX.them.1', undefined, 'r'],
      ['_INBOX.them.2', undefined, ''],
    ]);
    const errorHeaders = fake.written[3]?.headers;
    expect(errorHeaders?.get(SERVICE_ERROR_HEADER)).toBe('bad request');
    expect(errorHeaders?.get(SERVICE_ERROR_CODE_HEADER)).toBe('400');
    expect(errorHeaders?.get(ERROR_CODE_HEADER)).toBe('VALIDATION');
  });

  it('answers nothing, and says so, for a message without a reply subject', () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    expect(out.respond(fakeRequest(fake, 'w.x', null), 'r', stringSerializer(), undefined)).toBe(false);
    expect(out.respondError(fakeRequest(fake, 'w.x', null), 'HANDLER_ERROR', 'no')).toBe(false);
    expect(fake.published).toHaveLength(0);
  });

  it('writes at once past 1 MiB queued, before the tick ends', () => {
    const fake = fakeNats();
    const { out } = writer(fake, 64 * MiB);
    const payload = new Uint8Array(64 * 1024);
    for (let i = 0; i < 40; i++) out.tryPublish('w.big', payload, bytesSerializer());
    // 2.5 MiB in one synchronous loop: two writes so far, the rest at the end of the tick.
    expect(fake.writes()).toBe(2);
    expect(fake.queued()).toBeLessThan(MiB);
  });

  it('lets the event loop turn once a tick has sent more than 1 MiB', async () => {
    const fake = fakeNats();
    const { out } = writer(fake, 64 * MiB);
    const payload = new Uint8Array(256 * 1024);
    const results = [0, 1, 2, 3, 4].map(() => out.publish('w.turn', payload, bytesSerializer()));
    const fifth = await Promise.race([results[4]?.then(() => 'resolved'), Promise.resolve('pending')]);
    expect(fifth).toBe('pending');
    await Promise.all(results);
    expect(fake.writes()).toBeGreaterThanOrEqual(1);
  });

  it('writes at once at a flush, which resolves on the PONG', async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    await out.publish('w.f', 1);
    const flushed = out.flush(fake.nc);
    expect(fake.writes()).toBe(1);
    let done = false;
    void flushed.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    fake.pong();
    await flushed;
    expect(done).toBe(true);
  });

  it("holds nats.js's own commands in a tick this client wrote in, and lets them go in nats.js's microtask otherwise", async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    // A command nats.js sends by itself (a SUB, a service's answer) in a quiet tick: written in its microtask, since
    // another connection may be waiting for it.
    fake.nc.publish('w.own', new Uint8Array(3));
    await Promise.resolve();
    expect(fake.writes()).toBe(1);
    await endOfTick();
    // In a tick with a message of ours, it waits for the end of the tick with that message.
    await out.publish('w.mine', 1);
    fake.nc.publish('w.own', new Uint8Array(3));
    await Promise.resolve();
    await Promise.resolve();
    expect(fake.writes()).toBe(1);
    await endOfTick();
    expect(fake.writes()).toBe(2);
    expect(fake.written.map((p) => p.subject)).toEqual(['w.own', 'w.mine', 'w.own']);
  });
});

describe('backpressure', () => {
  it('a publish past maxPendingBytes waits for a flush, then sends; tryPublish refuses', async () => {
    const fake = fakeNats();
    const { out } = writer(fake, 100);
    out.tryPublish('w.bp', new Uint8Array(200), bytesSerializer());
    expect(() => {
      out.tryPublish('w.bp', new Uint8Array(1), bytesSerializer());
    }).toThrow(NatsBackpressureError);
    const waiting = out.publish('w.bp', new Uint8Array(1), bytesSerializer());
    let sent = false;
    void waiting.then(() => (sent = true));
    await endOfTick();
    expect(sent).toBe(false);
    expect(fake.published).toHaveLength(1);
    fake.pong();
    await waiting;
    expect(fake.published).toHaveLength(2);
  });
});

describe('the outage buffer', () => {
  it('keeps what is published while the socket is down, in order, and replays it once it is back', async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    fake.connected = false;
    await out.publish('w.o', 1);
    out.tryPublish('w.o', 2);
    expect(fake.published).toHaveLength(0);
    expect(out.pendingBytes()).toBeGreaterThan(0);
    fake.connected = true;
    // Still in order: a publish while kept messages wait joins them.
    await out.publish('w.o', 3);
    expect(fake.published).toHaveLength(0);
    expect(out.replay()).toBe(3);
    expect(fake.published.map((p) => text(p.payload))).toEqual(['1', '2', '3']);
  });

  it('refuses past its bound with NatsBackpressureError, and hands back what it holds when the connection closes', async () => {
    const fake = fakeNats();
    const { out } = writer(fake, 100);
    fake.connected = false;
    await out.publish('w.o', 'x'.repeat(20));
    await expect(out.publish('w.o', 'y'.repeat(200))).rejects.toBeInstanceOf(NatsBackpressureError);
    expect(out.takeBuffered().map((item) => item.subject)).toEqual(['w.o']);
    expect(out.replay()).toBe(0);
  });
});

describe('before anything is sent', () => {
  it('the guard refuses when the client takes no work, and nothing is encoded', async () => {
    const out = new Outbound({ connection: notConnected(), report: () => undefined });
    let encoded = 0;
    const counting = { ...stringSerializer(), encode: (s: string) => (encoded++, Buffer.from(s)) };
    await expect(out.publish('w.n', 'a', counting)).rejects.toBeInstanceOf(NatsNotConnectedError);
    expect(() => {
      out.tryPublish('w.n', 'a', counting);
    }).toThrow(NatsNotConnectedError);
    expect(encoded).toBe(0);
  });

  it.each(['w.*', 'w.>', 'a..b', '', 'a b'])('the subject %j is refused with SubjectError', async (subject) => {
    const fake = fakeNats();
    const { out } = writer(fake);
    await expect(out.publish(subject, 1)).rejects.toBeInstanceOf(SubjectError);
    expect(() => {
      out.checkSubject(subject);
    }).toThrow(SubjectError);
    expect(fake.published).toHaveLength(0);
  });

  it('counts a message once it is sent or kept', async () => {
    const fake = fakeNats();
    const { out } = writer(fake);
    const counts = { published: 0, received: 0, rejected: 0, dropped: 0, unknownFields: 0 };
    await out.publish('w.c', 1, undefined, undefined, counts);
    fake.connected = false;
    out.tryPublish('w.c', 2, undefined, undefined, counts);
    await expect(out.publish('w.*', 3, undefined, undefined, counts)).rejects.toBeInstanceOf(SubjectError);
    expect(counts.published).toBe(2);
  });
});
