/**
 * services.ts: names checked before anything subscribes, and a running service answering PING, INFO and STATS with
 * the client's endpoint subscriptions, until stopped. Elsewhere: a cluster's nodes as services, with the protocol's
 * JSON Schemas and error numbers, tests/tracing/services.test.ts; permissions for the `$SRV` subjects,
 * tests/contract/service-permissions.test.ts.
 */
import { Svcm } from '@nats-io/services';
import { afterEach, describe, expect, it } from 'vitest';
import { DistributedError } from '../../src/base/errors.js';
import { checkEndpoint } from '../../src/client/services.js';
import { Cleanup } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('names', () => {
  it.each(['has space', 'a.b', 'ü', ''])('refuses the endpoint name %j, naming the subject', (name) => {
    expect(() => {
      checkEndpoint({ name }, 'job.1');
    }).toThrow(DistributedError);
    expect(() => {
      checkEndpoint({ name }, 'job.1');
    }).toThrow(/for "job\.1" may hold only letters, digits/);
  });

  it('refuses a service name the protocol does not allow, with INVALID_ARGUMENT', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    await expect(client.registerService({ name: 'bad name', version: '1.0.0' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('a running service', () => {
  it('answers PING, lists its endpoints in INFO, counts them in STATS, and stops', async () => {
    const { url } = await cleanup.server();
    const client = await cleanup.client(url);
    const observer = await cleanup.client(url);
    await client.reply('svc.echo', (s: string) => s, { endpoint: { name: 'echo' } });
    const service = await client.registerService({ name: 'unit-svc', version: '1.2.3', statsData: (endpoint) => ({ endpoint }) });
    expect(await observer.request('svc.echo', 'hi')).toBe('hi');
    expect(service.info().endpoints).toEqual([{ name: 'echo', subject: 'svc.echo' }]);
    const stats = await service.stats();
    expect(stats.endpoints[0]).toMatchObject({ name: 'echo', num_requests: 1, num_errors: 0, data: { endpoint: 'echo' } });
    const nc = (observer as unknown as { conn: { current(): unknown } }).conn.current();
    const pings = [];
    for await (const ping of await new Svcm(nc as ConstructorParameters<typeof Svcm>[0])
      .client({ strategy: 'stall', stall: 200, maxWait: 2000 })
      .ping('unit-svc'))
      pings.push(ping);
    expect(pings.map((p) => [p.id, p.version])).toEqual([[service.id, '1.2.3']]);
    await service.stop();
    await expect(service.stopped).resolves.toBeNull();
  });
});
