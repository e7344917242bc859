/**
 * Issue 7, three-node cluster: a client given all three URLs fails over within 2 s when the node it uses is
 * SIGKILLed, while request/replies keep going; each one succeeds or fails with a typed error, and they add up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedError } from '../../src/base/errors.js';
import { NatsClient } from '../../src/client/client.js';
import type { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { startNatsCluster, type TestNatsCluster } from '../helpers/nats-server.js';
import { Cleanup, nextEvent, waitFor } from '../helpers/client.js';
import { killHard, watchUnhandledRejections } from '../helpers/reliability.js';

const N = 200;
const WORKERS = 10;
/** Issue 7: "it fails over to another node within 2 s". */
const FAILOVER_LIMIT_MS = 2000;

const cleanup = new Cleanup();
let cluster: TestNatsCluster;

beforeAll(async () => {
  cluster = await startNatsCluster(3);
});
afterAll(async () => {
  await cleanup.run();
  await cluster.stop();
});

const address = (server: EmbeddedNatsServer): string => `127.0.0.1:${server.getPort()}`;

describe('three-node cluster failover', () => {
  it(`kills the node the client uses: failover < ${FAILOVER_LIMIT_MS} ms, and ${N} request/replies each succeed or fail typed`, async () => {
    const unhandled = watchUnhandledRejections();
    // Library defaults for the reconnect policy (2 s first wait): failover must not depend on tuning.
    const requester = new NatsClient();
    cleanup.add(() => requester.disconnect());
    await requester.connect({ mode: 'external', servers: cluster.urls, maxReconnectAttempts: -1, requestTimeout: 1500 });
    const connectedTo = (await requester.health()).server;
    const victim = cluster.servers.find((s) => address(s) === connectedTo);
    if (victim === undefined) throw new Error(`the client reports ${String(connectedTo)}, which is none of ${cluster.urls.join(', ')}`);
    const home = cluster.servers.find((s) => s !== victim) as EmbeddedNatsServer;

    // The responder sits on another node and stays up throughout.
    const responder = await cleanup.client(home.getUrl());
    let answered = 0;
    await responder.reply('cluster.echo', (n: number) => {
      answered += 1;
      return n;
    });

    let started = 0;
    let succeeded = 0;
    let failed = 0;
    const foreign: unknown[] = [];
    const failover: { at?: number } = {};
    let succeededAfterFailover = 0;
    const worker = async (): Promise<void> => {
      while (started < N) {
        const n = started++;
        const sentAt = Date.now();
        try {
          expect(await requester.request('cluster.echo', n)).toBe(n);
          succeeded += 1;
          if (failover.at !== undefined && sentAt >= failover.at) succeededAfterFailover += 1;
        } catch (error) {
          failed += 1;
          if (!(error instanceof DistributedError)) foreign.push(error);
          // Pace retries the way an application would, so the load spans the failover.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, () => worker()));

    await waitFor(() => succeeded >= N / 4, 'a quarter of the requests before the kill');
    const reconnected = nextEvent(requester, 'reconnected', 10_000);
    const killedAt = Date.now();
    killHard(victim);
    const [info] = await reconnected;
    failover.at = Date.now();
    const failoverMs = failover.at - killedAt;
    await load;

    expect(info.server).not.toBe(connectedTo);
    expect(cluster.servers.some((s) => address(s) === info.server)).toBe(true);
    expect(failoverMs).toBeLessThan(FAILOVER_LIMIT_MS);
    expect(foreign).toEqual([]);
    expect(succeeded + failed).toBe(N);
    expect(succeededAfterFailover).toBeGreaterThan(0);
    expect(answered).toBeGreaterThanOrEqual(succeeded);
    expect(requester.getConnectionState()).toBe('connected');
    await new Promise((resolve) => setTimeout(resolve, 20));
    unhandled.stop();
    expect(unhandled.rejections).toEqual([]);
  });
});
