/**
 * ClientMetrics and serveMetrics without a NATS server: bounded labels, latency children, a shared registry,
 * and the HTTP endpoint's failure answers.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, DistributedError, GENERIC_LABEL, OVERFLOW_LABEL, serveMetrics } from '../../src/index.js';
import { CLIENT_METRICS } from '../../src/metrics/client-metrics.js';
import { parseExposition, sampleValue } from '../helpers/reliability.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('ClientMetrics', () => {
  it('exposes exactly the metrics CLIENT_METRICS lists, with its HELP text, under the prefix', async () => {
    const text = await new ClientMetrics().metrics();
    const help = [...text.matchAll(/^# HELP (\S+) (.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(help).toEqual(Object.entries(CLIENT_METRICS).map(([name, metric]) => [`mlx_distributed_${name}`, metric.help]));
  });

  it('hands out one record per label, and folds labels past maxLabels into _other', async () => {
    const metrics = new ClientMetrics({ maxLabels: 3 });
    const a = metrics.channel('a');
    expect(metrics.channel('a')).toBe(a);
    a.published += 2;
    metrics.channel('b').received += 1;
    metrics.channel('c').rejected += 1;
    const overflow = metrics.channel('d');
    expect(metrics.channel('e')).toBe(overflow);
    overflow.dropped += 5;
    metrics.requestFinished('a', 0.002, 'ok');
    metrics.requestFinished('zzz', 0.5, 'NATS_TIMEOUT');
    metrics.requestFinished('zzz', 0.5, 'NATS_TIMEOUT');

    const samples = parseExposition(await metrics.metrics());
    const channels = new Set(samples.filter((s) => s.name === 'mlx_distributed_messages_published_total').map((s) => s.labels.channel));
    expect(channels).toEqual(new Set(['a', 'b', 'c', OVERFLOW_LABEL]));
    expect(sampleValue(samples, 'mlx_distributed_messages_published_total', { channel: 'a' })).toBe(2);
    expect(sampleValue(samples, 'mlx_distributed_messages_dropped_total', { channel: OVERFLOW_LABEL })).toBe(5);
    expect(sampleValue(samples, 'mlx_distributed_request_duration_seconds_count', { channel: 'a', outcome: 'ok' })).toBe(1);
    expect(sampleValue(samples, 'mlx_distributed_request_duration_seconds_count', { channel: OVERFLOW_LABEL, outcome: 'NATS_TIMEOUT' })).toBe(2);
    expect(sampleValue(samples, 'mlx_distributed_request_duration_seconds_bucket', { channel: 'a', outcome: 'ok', le: '0.0025' })).toBe(1);
    // Scraping twice gives the same totals (counters are rebuilt from the records, not added again).
    const again = parseExposition(await metrics.metrics());
    expect(sampleValue(again, 'mlx_distributed_messages_published_total', { channel: 'a' })).toBe(2);
    expect(GENERIC_LABEL).toBe('_generic');
  });

  it('registers in a given registry with a given prefix and buckets; a second instance with the same names is refused', async () => {
    const registry = new Registry();
    const metrics = new ClientMetrics({ registry, prefix: 'app_', latencyBuckets: [0.1, 1] });
    expect(metrics.registry).toBe(registry);
    metrics.requestFinished('x', 0.05, 'ok');
    const text = await registry.metrics();
    expect(text).toContain('app_request_duration_seconds_bucket{le="0.1",channel="x",outcome="ok"} 1');
    expect(text).not.toContain('le="0.5"');
    expect(sampleValue(parseExposition(text), 'app_reconnects_total')).toBe(0);
    expect(() => new ClientMetrics({ registry, prefix: 'app_' })).toThrow(/already been registered/);
  });
});

describe('serveMetrics', () => {
  it('answers 500 with a short message when the source fails, and serves a custom path', async () => {
    const source = { contentType: 'text/plain', metrics: () => Promise.reject(new Error('collector broke')) };
    const endpoint = await serveMetrics(source, { port: 0, path: '/m' });
    closers.push(() => endpoint.close());
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/m$/);
    const res = await fetch(endpoint.url);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('collector broke');
  });

  it('brackets an IPv6 host in the URL', async () => {
    const endpoint = await serveMetrics(new ClientMetrics(), { port: 0, host: '::1' });
    closers.push(() => endpoint.close());
    expect(endpoint.url).toBe(`http://[::1]:${endpoint.port}/metrics`);
    expect((await fetch(endpoint.url)).status).toBe(200);
  });

  it('rejects with METRICS_LISTEN when the port is taken', async () => {
    const first = await serveMetrics(new ClientMetrics(), { port: 0 });
    closers.push(() => first.close());
    const error = await serveMetrics(new ClientMetrics(), { port: first.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistributedError);
    expect((error as DistributedError).code).toBe('METRICS_LISTEN');
    expect((error as Error).message).toContain(`127.0.0.1:${first.port}`);
  });
});
