/**
 * Child of the soak: one Worker with the simulated engine, in its own process so that the soak can SIGKILL it and
 * start it again under the same worker id (a new run, a new instanceId). Prints `ready` once registered.
 *
 * Usage: soak-worker.ts <comma-separated NATS URLs> <worker id> <heartbeat ms> <token delay ms> <max concurrent>
 */
import { NatsClient } from '../../src/client/client.js';
import { simulatedEngine } from '../../src/cluster/engines/simulated.js';
import { Worker } from '../../src/cluster/worker.js';

const [urls = '', workerId = '', heartbeat = '1000', delay = '25', concurrent = '8'] = process.argv.slice(2);
const client = new NatsClient();
await client.connect({
  mode: 'external',
  servers: urls.split(','),
  name: `soak-worker-${workerId.slice(0, 8)}`,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
});
const worker = new Worker(client, {
  workerId,
  engine: simulatedEngine({ tokenDelayMs: Number(delay) }),
  hardware: { chip: 'Apple M2', performanceCores: 8, efficiencyCores: 4, gpuCores: 10, neuralEngineCores: 16, unifiedMemoryGB: 32, macOSVersion: '14.5' },
  capabilities: { maxConcurrent: Number(concurrent), supportedModelTiers: ['tiny', 'small', 'medium'], availableMemoryGB: 24 },
  ip: '127.0.0.1',
  hostname: 'soak-worker',
  heartbeatIntervalMs: Number(heartbeat),
  metrics: () => ({ cpuUsagePercent: 1, memoryUsedGB: 1, gpuUtilizationPercent: 0, modelsLoaded: [] }),
});
await worker.start();
process.stdout.write('ready\n');
