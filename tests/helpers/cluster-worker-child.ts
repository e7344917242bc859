/** Child process of the cluster tests: one Worker with a deterministic engine, until it is killed. */
import { NatsClient, Worker } from '../../src/index.js';
import { workerSetup } from './cluster.js';

const [url = '', workerId = '', heartbeatText = '200', delayText = '20'] = process.argv.slice(2);
const client = new NatsClient();
await client.connect({ mode: 'external', serverUrl: url });
const worker = new Worker(client, { ...workerSetup({ delayMs: Number(delayText) }), workerId, heartbeatIntervalMs: Number(heartbeatText) });
await worker.start();
process.stdout.write('ready\n');
