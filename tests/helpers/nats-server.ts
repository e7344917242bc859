/**
 * Test helpers: real nats-server processes on ephemeral loopback ports, so test files run in parallel and beside
 * any server that already holds 4222. Always `await stop()` (e.g. in afterAll / afterEach).
 */
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import type { EmbeddedServerOptions } from '../../src/server/index.js';

/** A running test server. */
export interface TestNatsServer {
  server: EmbeddedNatsServer;
  /** Client URL, e.g. `nats://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Stops the server; safe to call twice. */
  stop: () => Promise<void>;
}

/** Starts one nats-server with port 0 and httpPort 0 (free ports) unless `options` says otherwise. */
export async function startNatsServer(options: EmbeddedServerOptions = {}): Promise<TestNatsServer> {
  const server = new EmbeddedNatsServer();
  await server.start({ port: 0, httpPort: 0, ...options });
  return { server, url: server.getUrl(), port: server.getPort(), stop: () => server.stop() };
}

/** A running test cluster. */
export interface TestNatsCluster {
  name: string;
  servers: EmbeddedNatsServer[];
  /** Client URLs, one per node, in node order. */
  urls: string[];
  /** Stops every node; safe to call twice. */
  stop: () => Promise<void>;
}

/** GETs a monitoring endpoint and returns its JSON, or undefined if the server does not answer. */
export async function monitor(server: EmbeddedNatsServer, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${server.getHttpPort() ?? 0}${path}`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits (at most `timeoutMs`) until every node reports `n - 1` routes. */
async function waitForMesh(servers: readonly EmbeddedNatsServer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = servers.length - 1;
  let counts: unknown[] = [];
  while (Date.now() < deadline) {
    counts = await Promise.all(servers.map(async (s) => (await monitor(s, '/routez'))?.num_routes));
    if (counts.every((count) => typeof count === 'number' && count >= want)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`NATS cluster did not form within ${timeoutMs} ms: routes per node ${JSON.stringify(counts)}, wanted ${want} each`);
}

/**
 * Starts an `n`-node NATS cluster on loopback. Node 1 starts first with a free route port; the others route to it
 * (gossip completes the full mesh). Resolves once `/routez` on every node shows the other `n - 1`.
 * `options` apply to every node (not `cluster`, which the helper sets).
 */
export async function startNatsCluster(n = 3, options: Omit<EmbeddedServerOptions, 'cluster'> = {}): Promise<TestNatsCluster> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`startNatsCluster needs at least one node, got ${n}`);
  const name = `test-${randomBytes(4).toString('hex')}`;
  const servers: EmbeddedNatsServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const first = new EmbeddedNatsServer();
    servers.push(first);
    await first.start({ port: 0, httpPort: 0, serverName: `${name}-n1`, ...options, cluster: { name, port: 0 } });
    const route = `nats-route://127.0.0.1:${first.getClusterPort() ?? 0}`;
    const others = Array.from({ length: n - 1 }, () => new EmbeddedNatsServer());
    servers.push(...others);
    await Promise.all(
      others.map((s, i) => s.start({ port: 0, httpPort: 0, serverName: `${name}-n${i + 2}`, ...options, cluster: { name, port: 0, routes: [route] } })),
    );
    await waitForMesh(servers, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, servers, urls: servers.map((s) => s.getUrl()), stop };
}

/** A loopback port that was free a moment ago (for configuration files, which need real port numbers >= 1024). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}
