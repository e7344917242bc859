/**
 * `npm start`: the end-to-end walkthrough on the generated typed API.
 * Reads config/cluster.yaml (or --config <file>), starts/connects NATS, runs a simulated worker and a controller,
 * streams a few inference requests, prints a report, and shuts down cleanly. Ctrl-C at any point shuts down too.
 */
import { parseArgs } from 'node:util';
import { DistributedError, NatsClient, createLogger, loadClusterConfig, toRuntimeOptions } from '../src/index.js';
import { DemoController, type RequestResult } from './walkthrough/controller.js';
import { startSimulatedWorker, type SimulatedWorker } from './walkthrough/simulated-worker.js';
import { requestsReport, workersTable } from './walkthrough/report.js';

const PROMPTS = ['What is NATS?', 'Why validate every message?', 'How do tokens stream back?', 'What happens on Ctrl-C?', 'Which worker answered?'];
const MODEL = 'mlx-community/Llama-3.2-3B-Instruct-4bit';

const say = (text: string): void => { process.stdout.write(`${text}\n`); };

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: 'string', default: 'config/cluster.yaml' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    say('Usage: npm start -- [--config <file>]\nRuns the end-to-end walkthrough against the configured NATS (embedded or external).');
    return 0;
  }
  const config = await loadClusterConfig(values.config);
  const runtime = toRuntimeOptions(config);
  // The report goes to stdout; keep library logs to warnings so they do not bury it.
  const logger = createLogger({ ...runtime.logger, level: 'warn' });
  const client = new NatsClient({ logger });
  client.on('error', (error) => { say(`! ${error.message}`); });

  let worker: SimulatedWorker | undefined;
  let controller: DemoController | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      await controller?.stop().catch(() => undefined);
      await worker?.stop().catch(() => undefined);
      await client.disconnect();
    })());
  process.once('SIGINT', () => {
    say('\nInterrupted: shutting down cleanly...');
    void shutdown().finally(() => process.exit(130));
  });

  const nats = config.cluster.nats;
  say(`1. Connecting (${nats.mode} NATS${nats.mode === 'embedded' ? `, port ${nats.embedded.port}` : ''})...`);
  const t0 = performance.now();
  await client.connect(runtime.client);
  const health = await client.health();
  say(`   connected to ${health.server ?? '?'} in ${(performance.now() - t0).toFixed(1)} ms (rtt ${health.rttMs?.toFixed(2) ?? '?'} ms)`);

  try {
    const discovery = config.cluster.discovery;
    say('2. Starting the controller and a simulated worker...');
    controller = new DemoController(client);
    await controller.start(discovery.heartbeat_interval_ms);
    worker = await startSimulatedWorker(client, {
      port: config.cluster.worker.port,
      heartbeatIntervalMs: discovery.heartbeat_interval_ms,
      ...(config.cluster.worker.worker_id == null ? {} : { workerId: config.cluster.worker.worker_id }),
    });
    await controller.waitForWorkers(1, 5000);
    say('3. The controller sees these workers:\n');
    say(workersTable(controller.workers.values()));

    say('\n4. Streaming inference requests through response.{requestId}...');
    const results: RequestResult[] = [];
    for (const prompt of PROMPTS) {
      const result = await controller.infer(worker.workerId, prompt, MODEL);
      results.push(result);
      say(`   ${result.requestId.slice(0, 8)} ${result.outcome}: "${result.text}"`);
    }
    say('\n5. Report\n');
    say(requestsReport(results));
    say('');
    say(workersTable(controller.workers.values()));
  } finally {
    say('\n6. Draining and shutting down...');
    await shutdown();
  }
  say('   done: connection drained and closed, embedded server stopped.');
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const text = error instanceof DistributedError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`walkthrough failed: ${text}\n`);
    process.exitCode = 1;
  },
);
