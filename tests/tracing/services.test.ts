/**
 * Every node as a NATS micro service, read by `@nats-io/services`'s own client (code no one here wrote) on a real
 * nats-server: a controller and two workers started from their configurations answer PING, INFO (the contract's
 * name, version and subjects) and STATS (the requests this test sent, the errors it caused, and the stream figures
 * in `data`); and the error replies of typed handlers carry the documented numbers in `Nats-Service-Error-Code`.
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { type Msg, type NatsConnection } from '@nats-io/nats-core';
import { ServiceError, Svcm, type ServiceIdentity, type ServiceInfo, type ServiceStats } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channels,
  contract,
  NatsClient,
  NatsRemoteError,
  parseClusterConfig,
  SERVICE_ERROR_CODES,
  silentLogger,
  startNode,
  type ClusterNode,
  type InferenceRequest,
} from '../../src/index.js';
import { NODE_SERVICE_NAME, type StreamFigures } from '../../src/cluster/node-service.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { deterministicTokens, workerSetup } from '../helpers/cluster.js';
import { waitFor } from '../helpers/client.js';

/**
 * @nats-io/services 3.0.0-25 types connections and messages with the nats-core it pins (3.0.0-50); ours are 3.4.0,
 * the same at run time for everything it calls.
 */
const svcm = (connection: NatsConnection): Svcm => new Svcm(connection as unknown as ConstructorParameters<typeof Svcm>[0]);
const serviceError = (msg: Msg): ServiceError | null => ServiceError.toServiceError(msg as unknown as Parameters<typeof ServiceError.toServiceError>[0]);

let server: TestNatsServer;
let nc: NatsConnection;
const nodes: ClusterNode[] = [];
const WORKERS = [randomUUID(), randomUUID()];

/** A node of `mode` on the test's server. */
async function node(mode: 'controller' | 'worker', workerId?: string): Promise<ClusterNode> {
  const config = parseClusterConfig({
    cluster: {
      mode,
      nats: { mode: 'external', server_url: server.url },
      discovery: { heartbeat_interval_ms: 200, offline_timeout_ms: 1000 },
      load_balancing: { strategy: 'round_robin' },
      ...(workerId === undefined ? {} : { worker: { worker_id: workerId } }),
    },
  });
  const started = await startNode(config, mode === 'worker' ? { worker: workerSetup({ delayMs: 2 }), logger: silentLogger() } : { logger: silentLogger() });
  nodes.push(started);
  return started;
}

/** Everything a services client's iterator yields (it ends once the answers stop coming). */
async function all<T>(answers: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const answer of await answers) out.push(answer);
  return out;
}

const request = (maxTokens = 4): InferenceRequest => ({ requestId: randomUUID(), modelId: 'llama-3.1-8b', prompt: 'p', maxTokens });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  for (const started of nodes.reverse()) await started.stop().catch(() => undefined);
  await nc.close();
  await server.stop();
});

describe('a controller and two workers, seen by @nats-io/services', () => {
  let controller: ClusterNode;
  const services = () => svcm(nc).client({ strategy: 'stall', maxWait: 3000, stall: 500 });

  beforeAll(async () => {
    controller = await node('controller');
    for (const id of WORKERS) await node('worker', id);
    await waitFor(() => WORKERS.every((id) => controller.controller?.registry.get(id)?.state === 'online'), 'both workers online');
  });

  it("ping finds all three, by the contract's name and version, with each node's role and worker id", async () => {
    const pongs = await all<ServiceIdentity>(services().ping(NODE_SERVICE_NAME));
    expect(NODE_SERVICE_NAME).toBe('mlx-serving-distributed-cluster');
    expect(pongs).toHaveLength(3);
    expect(pongs.map((p) => [p.name, p.version]).sort()).toEqual(Array(3).fill([NODE_SERVICE_NAME, contract.version]));
    expect(pongs.map((p) => p.id).sort()).toEqual(nodes.map((n) => n.service?.id).sort());
    expect(pongs.map((p) => `${p.metadata?.role ?? ''}:${p.metadata?.worker_id ?? ''}`).sort()).toEqual(
      ['controller:', ...WORKERS.map((id) => `worker:${id}`)].sort(),
    );
    // Without a name too, as `nats micro ls` asks.
    expect((await all<ServiceIdentity>(services().ping())).filter((p) => p.name === NODE_SERVICE_NAME)).toHaveLength(3);
  });

  it("info lists each worker's endpoint with the contract's subject, address and message names, and the controller none", async () => {
    const infos = await all<ServiceInfo>(services().info(NODE_SERVICE_NAME));
    expect(infos).toHaveLength(3);
    for (const info of infos) {
      expect(info).toMatchObject({ type: 'io.nats.micro.v1.info_response', name: NODE_SERVICE_NAME, version: contract.version, description: contract.title });
      const workerId = info.metadata?.worker_id;
      if (workerId === undefined) {
        expect(info.metadata?.role).toBe('controller');
        expect(info.endpoints).toEqual([]);
        continue;
      }
      expect(info.endpoints).toEqual([
        {
          name: channels.workerInference.id,
          subject: `worker.${workerId}.inference`,
          metadata: { address: channels.workerInference.address, request: 'InferenceRequest', response: 'InferenceAck', contract_version: contract.version },
        },
      ]);
    }
  });

  it('stats count the requests this test sent and the errors it caused, with the stream figures in data', async () => {
    const before = new Map((await all<ServiceStats>(services().stats(NODE_SERVICE_NAME))).map((s) => [s.metadata?.worker_id, s]));
    const served = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const req = request();
      const stream = await controller.controller!.infer(req);
      let text = '';
      for await (const event of stream) if (event.type === 'token') text += event.token;
      expect(text).toBe(deterministicTokens(req).join(''));
      const workerId = stream.attempts.at(-1)!.workerId;
      served.set(workerId, (served.get(workerId) ?? 0) + 1);
    }
    // Errors, caused on purpose on the first worker: a body that is not JSON, and one that breaks the contract.
    const [first] = WORKERS as [string, string];
    for (const body of ['{not json', JSON.stringify({ requestId: 'nope' })]) {
      const reply = await nc.request(`worker.${first}.inference`, body, { timeout: 2000 });
      expect(serviceError(reply)?.code).toBe(400);
    }
    await waitFor(() => nodes.every((n) => n.worker === undefined || n.worker.running === 0), 'every stream finished');

    const stats = await all<ServiceStats>(services().stats(NODE_SERVICE_NAME));
    expect(stats).toHaveLength(3);
    for (const workerId of WORKERS) {
      const mine = stats.find((s) => s.metadata?.worker_id === workerId);
      const [endpoint] = mine?.endpoints ?? [];
      const [earlier] = before.get(workerId)?.endpoints ?? [];
      const errors = workerId === first ? 2 : 0;
      const requests = (served.get(workerId) ?? 0) + errors;
      expect(endpoint).toMatchObject({ name: channels.workerInference.id, subject: `worker.${workerId}.inference` });
      expect((endpoint?.num_requests ?? 0) - (earlier?.num_requests ?? 0), workerId).toBe(requests);
      expect((endpoint?.num_errors ?? 0) - (earlier?.num_errors ?? 0), workerId).toBe(errors);
      // The last error is the one the requester was answered with: the second body broke the contract.
      expect(endpoint?.last_error).toMatch(errors > 0 ? /^Invalid inbound InferenceRequest payload on "worker\.[^"]+\.inference": requestId: / : /^$/);
      expect(endpoint?.processing_time).toBeGreaterThan(0);
      expect(endpoint?.average_processing_time).toBe(Math.round((endpoint?.processing_time ?? 0) / (endpoint?.num_requests ?? 1)));
      const data = endpoint?.data as StreamFigures;
      const streams = served.get(workerId) ?? 0;
      expect(data).toMatchObject({ streams_in_flight: 0, streams, tokens: streams * 4 });
      expect(data.time_to_first_token_ms?.average).toBeGreaterThan(0);
    }
    expect(stats.find((s) => s.metadata?.role === 'controller')?.endpoints).toEqual([]);
    expect([...served.values()].reduce((a, b) => a + b, 0)).toBe(6);
  });

  it("every answer has the shape the protocol's JSON Schemas require (the NATS CLI validates against them)", async () => {
    const NAME = /^[a-zA-Z0-9_-]+$/;
    const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
    const stringMap = (value: unknown): boolean =>
      value === null || value === undefined || (typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string'));
    const identity = (doc: ServiceIdentity, type: string): void => {
      expect(doc.type).toBe(type);
      expect(doc.name).toMatch(NAME);
      expect(doc.id.length).toBeGreaterThan(0);
      expect(doc.version).toMatch(SEMVER);
      expect(stringMap(doc.metadata)).toBe(true);
    };
    for (const pong of await all<ServiceIdentity>(services().ping(NODE_SERVICE_NAME))) identity(pong, 'io.nats.micro.v1.ping_response');
    for (const info of await all<ServiceInfo>(services().info(NODE_SERVICE_NAME))) {
      identity(info, 'io.nats.micro.v1.info_response');
      expect(typeof info.description).toBe('string');
      for (const endpoint of info.endpoints) {
        expect(endpoint.name).toMatch(NAME);
        expect(endpoint.subject.length).toBeGreaterThan(0);
        expect(stringMap(endpoint.metadata)).toBe(true);
      }
    }
    for (const stats of await all<ServiceStats>(services().stats(NODE_SERVICE_NAME))) {
      identity(stats, 'io.nats.micro.v1.stats_response');
      expect(Number.isNaN(Date.parse(stats.started))).toBe(false);
      expect(Array.isArray(stats.endpoints)).toBe(true);
      for (const endpoint of stats.endpoints ?? []) {
        expect(endpoint.name).toMatch(NAME);
        for (const key of ['num_requests', 'num_errors', 'processing_time', 'average_processing_time'] as const)
          expect(Number.isInteger(endpoint[key]), key).toBe(true);
        expect(typeof endpoint.last_error).toBe('string');
        if (endpoint.data !== undefined) expect(typeof endpoint.data === 'object' && endpoint.data !== null && !Array.isArray(endpoint.data)).toBe(true);
      }
    }
  });

  it('a stopped node no longer answers', async () => {
    const last = nodes.at(-1)!;
    await last.stop();
    const pongs = await all<ServiceIdentity>(services().ping(NODE_SERVICE_NAME));
    expect(pongs.map((p) => p.id).sort()).toEqual(
      nodes
        .slice(0, -1)
        .map((n) => n.service?.id)
        .sort(),
    );
  });
});

describe('error replies in the services convention', () => {
  it("a services client reads the documented numbers: 500 for a failing handler, 400 for a bad request, 503 for a busy one; ours still read the package's code", async () => {
    const client = new NatsClient();
    await client.connect({ mode: 'external', serverUrl: server.url });
    try {
      const workerId = randomUUID();
      let release: () => void = () => undefined;
      const sub = await channels.workerInference.reply(client, { workerId }, async (req) => {
        if (req.prompt === 'fail') throw new Error('the model is not loaded');
        await new Promise<void>((resolve) => (release = resolve));
        return { requestId: req.requestId, workerId, status: 'accepted' };
      });
      const subject = `worker.${workerId}.inference`;
      const failing = await nc.request(subject, JSON.stringify({ ...request(), prompt: 'fail' }), { timeout: 2000 });
      expect(serviceError(failing)).toMatchObject({ code: 500, message: 'the model is not loaded' });
      expect(failing.headers?.get('Mlx-Error-Code')).toBe('HANDLER_ERROR');
      const bad = await nc.request(subject, '{', { timeout: 2000 });
      expect(serviceError(bad)?.code).toBe(SERVICE_ERROR_CODES.DECODE);
      // Our own client reads the package's code, not the number.
      await expect(channels.workerInference.request(client, { workerId }, { ...request(), prompt: 'fail' }, { timeout: 2000 })).rejects.toMatchObject({
        remoteCode: 'HANDLER_ERROR',
      });
      await sub.unsubscribe();

      // A responder at its limit answers 503 at once.
      const busy = await client.reply(
        'busy.job',
        () =>
          new Promise<string>((resolve) =>
            setTimeout(() => {
              resolve('late');
            }, 300),
          ),
        { maxInFlight: 1 },
      );
      const pending = nc.request('busy.job', '"a"', { timeout: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refused = await nc.request('busy.job', '"b"', { timeout: 2000 });
      expect(serviceError(refused)?.code).toBe(503);
      expect((await pending).json()).toBe('late');
      await busy.unsubscribe();
      release();
    } finally {
      await client.disconnect();
    }
  });

  it('a foreign service that sends only the number: our requester reports that number as the remote code', async () => {
    const client = new NatsClient();
    await client.connect({ mode: 'external', serverUrl: server.url });
    const service = await svcm(nc).add({ name: 'foreign', version: '1.0.0' });
    try {
      service.addEndpoint('fails', (_err, msg) => {
        msg.respondError(418, 'I am a teapot');
      });
      await nc.flush();
      const error: unknown = await client.request('fails', 'x', { timeout: 2000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NatsRemoteError);
      expect(error).toMatchObject({ remoteCode: '418', message: expect.stringContaining('I am a teapot') as unknown });
    } finally {
      await service.stop();
      await client.disconnect();
    }
  });
});
