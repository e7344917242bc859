import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { monitor, startNatsCluster, type TestNatsCluster } from '../helpers/nats-server.js';

describe('a 3-node NATS cluster of embedded servers', () => {
  let cluster: TestNatsCluster;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  });

  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await cluster.stop();
    await cluster.stop();
  });

  it('forms a full mesh on loopback, one cluster name, distinct route ports', async () => {
    expect(cluster.servers).toHaveLength(3);
    expect(new Set(cluster.urls).size).toBe(3);
    const routePorts = cluster.servers.map((s) => s.getClusterPort());
    expect(routePorts.every((p) => typeof p === 'number' && p > 0)).toBe(true);
    expect(new Set(routePorts).size).toBe(3);
    for (const server of cluster.servers) {
      const routez = await monitor(server, '/routez');
      expect(routez?.num_routes).toBe(2);
      const varz = await monitor(server, '/varz');
      expect((varz?.cluster as { name?: string; addr?: string } | undefined)?.name).toBe(cluster.name);
      expect((varz?.cluster as { addr?: string } | undefined)?.addr).toBe('127.0.0.1');
      expect(varz?.server_name).toMatch(new RegExp(`^${cluster.name}-n[123]$`));
    }
  });

  it('routes a message published on node 3 to a subscriber on node 1', async () => {
    const sub1 = await connect({ servers: cluster.urls[0]!, reconnect: false });
    const pub3 = await connect({ servers: cluster.urls[2]!, reconnect: false });
    connections.push(sub1, pub3);
    const sub = sub1.subscribe('cluster.test', { max: 1 });
    await sub1.flush();
    // Interest propagates over the routes asynchronously: publish until it arrives (bounded).
    const received = (async () => {
      for await (const msg of sub) return msg.string();
      return undefined;
    })();
    let got: string | undefined;
    for (let i = 0; i < 100 && got === undefined; i++) {
      pub3.publish('cluster.test', 'hello across routes');
      await pub3.flush();
      got = await Promise.race([
        received,
        new Promise<undefined>((resolve) => {
          setTimeout(() => {
            resolve(undefined);
          }, 20);
        }),
      ]);
    }
    expect(got).toBe('hello across routes');
  });

  it('a client given all three URLs learns the cluster', async () => {
    const nc = await connect({ servers: cluster.urls, reconnect: false });
    connections.push(nc);
    await nc.flush();
    expect(cluster.urls.map((u) => new URL(u).port)).toContain(String(nc.info?.port));
  });
});

describe('startNatsCluster', () => {
  it('starts a single node when asked for one, and refuses zero', async () => {
    const single = await startNatsCluster(1);
    try {
      expect(single.urls).toHaveLength(1);
      expect(single.servers[0]!.isRunning()).toBe(true);
    } finally {
      await single.stop();
    }
    await expect(startNatsCluster(0)).rejects.toThrow(RangeError);
  });
});
