/**
 * ClientMetrics on a real nats-server: the counts in the exposition match what was published, received and
 * rejected per channel; request latency by outcome; reconnects; connection state; bounded labels; the HTTP endpoint.
 */
import { networkInterfaces } from 'node:os';
import { connect as natsConnect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, NatsClient, channels, type InferenceRequest, type WorkerHeartbeat } from '../../src/index.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';
import { exampleOf, killHard, parseExposition, sampleValue } from '../helpers/reliability.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const P = 'mlx_distributed_';

describe('ClientMetrics on a live client', () => {
  it('counts published, received and rejected per channel, times requests by outcome, and never labels by concrete subject', async () => {
    const server = await cleanup.server();
    const client = await cleanup.client(server.url);
    const metrics = new ClientMetrics();
    metrics.attach(client);
    const worker = await cleanup.client(server.url);
    client.on('error', () => undefined);

    const beats: WorkerHeartbeat[] = [];
    const sub = await channels.workerHeartbeat.subscribe(client, { workerId: '*' }, (hb) => {
      beats.push(hb);
    });
    const generic: unknown[] = [];
    await client.subscribe('metrics.generic', (d) => {
      generic.push(d);
    });
    await channels.workerInference.reply(worker, { workerId: '*' }, (req) => ({ requestId: req.requestId, workerId: WORKER, status: 'accepted' as const }));

    const beat = exampleOf('WorkerHeartbeat') as WorkerHeartbeat;
    const sender = { workerId: beat.workerId };
    for (let i = 0; i < 3; i++) await channels.workerHeartbeat.publish(client, sender, beat);
    for (let i = 0; i < 4; i++) await client.publish('metrics.generic', { i });
    client.tryPublish('metrics.generic', { i: 4 });
    const raw = await natsConnect({ servers: server.url });
    cleanup.add(() => raw.close());
    const subject = channels.workerHeartbeat.subject(sender);
    raw.publish(subject, Buffer.from('{broken'));
    // A heartbeat that speaks for another worker than its subject names is rejected too.
    raw.publish(subject, Buffer.from(JSON.stringify({ ...beat, workerId: '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f' })));
    // An unknown field is stripped by the tolerant reader: received, and counted in unknown_fields.
    raw.publish(subject, Buffer.from(JSON.stringify({ ...beat, extra: 1 })));
    await raw.flush();
    await waitFor(() => beats.length === 4 && sub.rejected === 2 && generic.length === 5, 'deliveries and rejections');

    const request = exampleOf('InferenceRequest') as InferenceRequest;
    for (let i = 0; i < 2; i++) await channels.workerInference.request(client, { workerId: WORKER }, request);
    await expect(client.request('metrics.nobody', 1, { timeout: 1000 })).rejects.toMatchObject({ code: 'NATS_NO_RESPONDERS' });

    const text = await metrics.metrics();
    const samples = parseExposition(text);
    const value = (name: string, labels: Record<string, string>): number | undefined => sampleValue(samples, `${P}${name}`, labels);
    expect(value('messages_published_total', { channel: 'workerHeartbeat' })).toBe(3);
    expect(value('messages_received_total', { channel: 'workerHeartbeat' })).toBe(4);
    expect(value('messages_rejected_total', { channel: 'workerHeartbeat' })).toBe(2);
    expect(value('messages_unknown_fields_total', { channel: 'workerHeartbeat' })).toBe(1);
    expect(value('messages_published_total', { channel: '_generic' })).toBe(5);
    expect(value('messages_received_total', { channel: '_generic' })).toBe(5);
    expect(value('messages_dropped_total', { channel: 'workerHeartbeat' })).toBe(0);
    expect(value('request_duration_seconds_count', { channel: 'workerInference', outcome: 'ok' })).toBe(2);
    expect(value('request_duration_seconds_count', { channel: '_generic', outcome: 'NATS_NO_RESPONDERS' })).toBe(1);
    expect(value('request_duration_seconds_sum', { channel: 'workerInference', outcome: 'ok' })).toBeGreaterThan(0);
    expect(value('connection_state', { state: 'connected' })).toBe(1);
    expect(value('connection_state', { state: 'reconnecting' })).toBe(0);
    expect(value('reconnects_total', {})).toBe(0);
    // The worker id is in the concrete subject; it must never become a label.
    expect(text).not.toContain(WORKER);
    expect(text).toContain(`# TYPE ${P}request_duration_seconds histogram`);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('counts reconnects, shows the state, and stops counting after detach', async () => {
    const first = await cleanup.server();
    const client = await cleanup.client(first.url, { maxReconnectAttempts: -1, reconnectTimeWait: 20 });
    const metrics = new ClientMetrics({ prefix: 't_' });
    const detach = metrics.attach(client);
    expect(metrics.attach(client)).toBe(detach);

    const down = nextEvent(client, 'disconnected');
    killHard(first.server);
    await down;
    await client.publish('kept.during.outage', 1);
    const outage = parseExposition(await metrics.metrics());
    expect(sampleValue(outage, 't_connection_state', { state: 'connected' })).toBe(0);
    expect(sampleValue(outage, 't_messages_published_total', { channel: '_generic' })).toBe(1);

    const back = nextEvent(client, 'reconnected', 10_000);
    await cleanup.server({ port: first.port });
    await back;
    const after = parseExposition(await metrics.metrics());
    expect(sampleValue(after, 't_reconnects_total')).toBe(1);
    expect(sampleValue(after, 't_connection_state', { state: 'connected' })).toBe(1);

    detach();
    metrics.detach(client);
    await client.publish('not.counted', 1);
    await client.disconnect();
    const final = parseExposition(await metrics.metrics());
    expect(sampleValue(final, 't_messages_published_total', { channel: '_generic' })).toBe(1);
    expect(sampleValue(final, 't_connection_state', { state: 'closed' })).toBe(0);
  });

  it('counts subscriptions made before attach from then on, and several clients together', async () => {
    const server = await cleanup.server();
    const a = await cleanup.client(server.url);
    const b = new NatsClient();
    const got: number[] = [];
    const sub = await a.subscribe(
      'early',
      (n: number) => {
        got.push(n);
      },
      { metricsLabel: 'early' },
    );
    const metrics = new ClientMetrics();
    metrics.attach(a);
    metrics.attach(b);
    await a.publish('early', 1, { metricsLabel: 'early' });
    await waitFor(() => got.length === 1, 'the message');
    const samples = parseExposition(await metrics.metrics());
    expect(sampleValue(samples, `${P}messages_received_total`, { channel: 'early' })).toBe(1);
    expect(sampleValue(samples, `${P}messages_published_total`, { channel: 'early' })).toBe(1);
    // a is connected; b never connected.
    expect(sampleValue(samples, `${P}connection_state`, { state: 'connected' })).toBe(1);
    expect(sampleValue(samples, `${P}connection_state`, { state: 'disconnected' })).toBe(1);
    expect(sub.received).toBe(1);
  });
});

describe('the metrics HTTP endpoint', () => {
  it('serves the exposition on 127.0.0.1 only, with 404 and 405 for anything else', async () => {
    const metrics = new ClientMetrics();
    metrics.channel('probe').published += 7;
    const endpoint = await metrics.serve({ port: 0 });
    cleanup.add(() => endpoint.close());
    expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}/metrics`);

    const res = await fetch(endpoint.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    const samples = parseExposition(await res.text());
    expect(sampleValue(samples, `${P}messages_published_total`, { channel: 'probe' })).toBe(7);

    expect((await fetch(`http://127.0.0.1:${endpoint.port}/other`)).status).toBe(404);
    expect((await fetch(endpoint.url, { method: 'POST' })).status).toBe(405);
    const head = await fetch(endpoint.url, { method: 'HEAD' });
    expect(head.status).toBe(200);

    // Not reachable on any other interface of this machine.
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
      .map((i) => i?.address);
    for (const address of external) {
      const error = await fetch(`http://${address}:${endpoint.port}/metrics`, { signal: AbortSignal.timeout(1000) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
    }
    await endpoint.close();
    await endpoint.close();
    await expect(fetch(endpoint.url)).rejects.toThrow();
  });
});
