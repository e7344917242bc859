/**
 * A consumer of the packed package, type-checked under strict and run by scripts/verify-package.sh in a separate
 * project: proves that the published entry, its types and its runtime work outside this repository.
 */
import { randomUUID } from 'node:crypto';
import { NatsClient, channels, WorkerHeartbeatSchema, loadClusterConfig, ValidationError, type WorkerHeartbeat } from '@mlx-serving/distributed';

const heartbeat: WorkerHeartbeat = {
  workerId: randomUUID(),
  status: 'online',
  metrics: {
    cpuUsagePercent: 12.5,
    memoryUsedGB: 40,
    gpuUtilizationPercent: 30,
    activeRequests: 1,
    totalRequestsHandled: 10,
    avgLatencyMs: 42,
    modelsLoaded: ['llama-3'],
  },
  timestamp: Date.now(),
};

async function main(): Promise<void> {
  if (!WorkerHeartbeatSchema.safeParse(heartbeat).success) throw new Error('the example heartbeat should be valid');
  const config = await loadClusterConfig(process.argv[2] ?? 'cluster.yaml');
  if (config.cluster.mode !== 'dual') throw new Error(`unexpected mode ${config.cluster.mode}`);

  const client = new NatsClient();
  await client.connect({ mode: 'embedded', embedded: { port: 0, httpPort: 0 } });
  try {
    const received = new Promise<WorkerHeartbeat>((resolve) => {
      void channels.workerHeartbeat.subscribe(client, { workerId: '*' }, (hb) => { resolve(hb); });
    });
    await client.flush();
    await channels.workerHeartbeat.publish(client, { workerId: heartbeat.workerId }, heartbeat);
    const got = await received;
    if (got.workerId !== heartbeat.workerId) throw new Error('the heartbeat did not round-trip');
    const invalid = await channels.workerHeartbeat.publish(client, { workerId: heartbeat.workerId }, { ...heartbeat, workerId: 'worker-123' }).catch((e: unknown) => e);
    if (!(invalid instanceof ValidationError)) throw new Error('an invalid heartbeat should be refused');
  } finally {
    await client.disconnect();
  }
  process.stdout.write('consumer: packed package works (typed publish/subscribe on an embedded server, config loaded)\n');
}

await main();
