/**
 * The NATS service identity of a contract and the permissions it needs, on a real nats-server: a node whose user has
 * `natsPermissions(..., { services })` is found by a services client (ping, info, stats) while keeping its role's
 * limits; one without them cannot run its service (the server refuses the `$SRV` subscriptions) and says so.
 * The service name and subjects themselves: tests/contract/services.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm, type ServiceIdentity, type ServiceInfo } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxPrefixFor, natsAuthorizationConfig, natsPermissions, natsUserConfig, serviceSubjects, type RolePermissions } from '../../src/contract/index.js';
import { DistributedError, NatsClient } from '../../src/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';

const ID = randomUUID();
const NAME = 'jobs-service';
const node: RolePermissions = { publish: ['result.{self}'], subscribe: ['job.{self}'], requests: false, replies: true };
const boss: RolePermissions = { publish: ['job.*'], subscribe: ['result.*'], requests: true, replies: false };

describe('natsPermissions with a service', () => {
  it('natsPermissions adds them, and one answer per request, to any role; and refuses a name the protocol would', () => {
    const withService = natsPermissions(boss, undefined, { inboxPrefix: inboxPrefixFor('boss'), services: NAME });
    expect(withService.subscribe.allow).toEqual(['result.*', '_INBOX_boss.>', ...serviceSubjects(NAME)]);
    expect(withService.allow_responses).toEqual({ max: 1, expires: '2m' });
    expect(natsPermissions(boss, undefined, { inboxPrefix: inboxPrefixFor('boss') }).allow_responses).toBeUndefined();
    expect(() => natsPermissions(boss, undefined, { inboxPrefix: 'p', services: 'a.b' })).toThrow(DistributedError);
    expect(() => natsPermissions(boss, undefined, { inboxPrefix: 'p', services: '>' })).toThrow(/service name/);
  });
});

describe('on a nats-server with per-node permissions', () => {
  let server: TestNatsServer;
  let observer: NatsConnection;
  const clients: NatsClient[] = [];

  beforeAll(async () => {
    const user = (name: string, services: string | undefined): string =>
      natsUserConfig(
        { user: name, password: `${name}-pass` },
        natsPermissions(node, ID, { inboxPrefix: inboxPrefixFor(name, ID), ...(services === undefined ? {} : { services }) }),
      );
    server = await startNatsServer({
      config: natsAuthorizationConfig([user('allowed', NAME), user('plain', undefined), '{ user: "observer", password: "observer-pass" }']),
    });
    observer = await connect({ servers: server.url, user: 'observer', pass: 'observer-pass' });
  });

  afterAll(async () => {
    for (const client of clients) await client.disconnect();
    await observer.close();
    await server.stop();
  });

  async function nodeClient(user: string): Promise<NatsClient> {
    const client = new NatsClient();
    clients.push(client);
    await client.connect({ mode: 'external', serverUrl: server.url, user, password: `${user}-pass`, inboxPrefix: inboxPrefixFor(user, ID) });
    return client;
  }

  it('with the services option the node is found, its endpoint listed, and still held to its role', async () => {
    const client = await nodeClient('allowed');
    await client.reply(`job.${ID}`, (job: string) => `done ${job}`, { endpoint: { name: 'job', metadata: { request: 'Job' } } });
    const service = await client.registerService({ name: NAME, version: '2.1.0', metadata: { role: 'node' } });
    const services = new Svcm(observer as unknown as ConstructorParameters<typeof Svcm>[0]).client({ strategy: 'stall', stall: 300, maxWait: 2000 });
    const pongs: ServiceIdentity[] = [];
    for await (const pong of await services.ping(NAME)) pongs.push(pong);
    expect(pongs.map((p) => [p.id, p.version, p.metadata?.role])).toEqual([[service.id, '2.1.0', 'node']]);
    const infos: ServiceInfo[] = [];
    for await (const info of await services.info(NAME, service.id)) infos.push(info);
    expect(infos[0]?.endpoints).toEqual([{ name: 'job', subject: `job.${ID}`, metadata: { request: 'Job' } }]);
    expect(await observer.request(`job.${ID}`, '"x"', { timeout: 2000 }).then((m) => m.json<string>())).toBe('done x');
    expect((await service.stats()).endpoints[0]).toMatchObject({ name: 'job', num_requests: 1, num_errors: 0 });
    await service.stop();
    await service.stop();
  });

  it("without it the server refuses the service's subjects: the service stops with that error", async () => {
    const client = await nodeClient('plain');
    const errors: DistributedError[] = [];
    client.on('error', (error) => errors.push(error));
    const service = await client.registerService({ name: NAME, version: '2.1.0' });
    const stopped = await service.stopped;
    expect(stopped?.message).toMatch(/Permissions Violation|permission/i);
    expect(errors.some((e) => e.message.includes('$SRV'))).toBe(true);
  });

  it('refuses a service name or an endpoint name the protocol does not allow, before anything subscribes', async () => {
    const client = await nodeClient('allowed');
    await expect(client.registerService({ name: 'no spaces', version: '1.0.0' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.registerService({ name: NAME, version: 'one' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.reply(`job.${ID}`, () => 'x', { endpoint: { name: 'a.b' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
