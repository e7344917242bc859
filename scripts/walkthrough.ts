/**
 * `npm start`: the end-to-end walkthrough. Reads config/cluster.yaml (or --config <file>) and starts a node from
 * it with startNode (embedded or external NATS; controller and worker in dual mode) and the controller's dashboard
 * (its URL is printed), adds the other simulated Macs (all three for a controller-only node), routes five inference
 * requests by the configured strategy, prints which worker each went to and why, then a report; then one streamed
 * chat completion through the controller's OpenAI-compatible HTTP API, and shuts down cleanly. With --serve it keeps
 * the demo cluster running with a trickle of requests until Ctrl-C, so the dashboard can be watched. Ctrl-C at any
 * point shuts down too.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import {
  ClientMetrics,
  InferenceMetrics,
  DistributedError,
  NatsClient,
  Worker,
  createLogger,
  loadClusterConfig,
  silentLogger,
  simulatedEngine,
  startDashboard,
  startGateway,
  startNode,
  toRuntimeOptions,
  type ClusterConfig,
  type ClusterNode,
  type Controller,
  type Dashboard,
  type Gateway,
} from '../src/index.js';
import { reportLines } from './walkthrough/log-lines.js';
import { requestsReport, workersTable, type RequestResult } from './walkthrough/report.js';
import { SAMPLE_MACS } from './walkthrough/sample-macs.js';
import { startTrickle } from './walkthrough/trickle.js';

const PROMPTS = ['What is NATS?', 'Why validate every message?', 'How do tokens stream back?', 'What happens on Ctrl-C?', 'Which worker answered?'];
const MODEL = 'mlx-community/Llama-3.2-3B-Instruct-4bit';

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `ready` every 20 ms for at most `ms`. */
async function until(ready: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready() && Date.now() < deadline) await sleep(20);
}

const COUNT = ['No', 'One', 'Two', 'Three', 'Four'];
/** --serve: one request this often, each token this far apart, so that requests are seen in flight. */
const TRICKLE_EVERY_MS = 800;
const SERVE_TOKEN_DELAY_MS = 40;

/** The controller's dashboard on controller.dashboard_port, or a free port when something else holds it. */
async function dashboardOf(controller: Controller, config: ClusterConfig): Promise<Dashboard> {
  const { cluster } = config;
  const options = { controller, registry: controller.registry, host: '127.0.0.1', offlineTimeoutMs: cluster.discovery.offline_timeout_ms };
  return startDashboard({ ...options, port: cluster.controller.dashboard_port }).catch(() => startDashboard({ ...options, port: 0 }));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'config/cluster.yaml' },
      serve: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    say(
      'Usage: npm start -- [--config <file>] [--serve]\nStarts a node from the file (embedded or external NATS) and its dashboard, and routes a few simulated inference requests.\n' +
        '--serve  keep the demo cluster running afterwards, with a trickle of requests, until Ctrl-C (watch it on the dashboard).',
    );
    return 0;
  }
  const tokenDelayMs = values.serve ? SERVE_TOKEN_DELAY_MS : 2;
  const config = await loadClusterConfig(values.config);
  const { cluster } = config;
  if (cluster.mode === 'worker')
    throw new DistributedError('INVALID_ARGUMENT', `The walkthrough needs a controller: ${values.config} has cluster.mode worker; use dual or controller.`);
  // The report goes to stdout; keep library logs to warnings so they do not bury it, and print them as lines of
  // the report (unless the config sends logs to a file).
  const logging = toRuntimeOptions(config).logger;
  const logger = createLogger({ ...logging, level: 'warn', ...(logging.destination === undefined ? { format: 'json', destination: reportLines(say) } : {}) });
  const heartbeatIntervalMs = cluster.discovery.heartbeat_interval_ms;
  // In dual mode the node's own worker is the first Mac; a controller-only node has none, so the walkthrough runs
  // every Mac itself.
  const nodeRunsWorker = cluster.mode === 'dual';
  const [own] = SAMPLE_MACS;
  if (own === undefined) return 1;
  const joining = SAMPLE_MACS.map((mac, i) => ({ mac, i })).slice(nodeRunsWorker ? 1 : 0);

  const started: { node?: ClusterNode; dashboard?: Dashboard; api?: Gateway; metrics?: InferenceMetrics } = {};
  const extra: { client: NatsClient; worker: Worker }[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      await started.api?.drain(1000);
      for (const { client, worker } of extra) {
        await worker.stop().catch(() => undefined);
        await client.disconnect();
      }
      await started.node?.stop();
      await started.dashboard?.close();
      started.metrics?.close();
    })());
  // While --serve serves, Ctrl-C ends the serving (a clean stop, exit 0); at any other time it interrupts.
  let endServing: (() => void) | undefined;
  process.on('SIGINT', () => {
    if (endServing !== undefined) {
      endServing();
      endServing = undefined;
      return;
    }
    say('\nInterrupted: shutting down cleanly...');
    void shutdown().finally(() => process.exit(130));
  });

  const nats = cluster.nats;
  say(`1. Starting a ${cluster.mode} node (${nats.mode} NATS${nats.mode === 'embedded' ? `, port ${nats.embedded.port}` : ''})...`);
  const t0 = performance.now();
  const node = await startNode(config, {
    logger,
    worker: nodeRunsWorker
      ? { engine: simulatedEngine({ tokenDelayMs }), hardware: own.hardware, capabilities: own.capabilities, ip: '127.0.0.1', hostname: own.hostname }
      : undefined,
  });
  started.node = node;
  node.client.on('error', (error) => {
    say(`! ${error.message}`);
  });
  const health = await node.client.health();
  say(`   connected to ${health.server ?? '?'} in ${(performance.now() - t0).toFixed(1)} ms (rtt ${health.rttMs?.toFixed(2) ?? '?'} ms)`);

  try {
    const controller = node.controller;
    if (controller === undefined) return 1;
    // The controller's live view, and the inference metrics its HTTP API renders at /metrics.
    const registry = new Registry();
    const clientMetrics = new ClientMetrics({ registry });
    clientMetrics.attach(node.client);
    started.metrics = new InferenceMetrics({ registry, workers: controller.registry });
    started.metrics.attach(controller);
    const dashboard = await dashboardOf(controller, config);
    started.dashboard = dashboard;
    say(
      `   dashboard: ${dashboard.url} (workers, requests and charts, live${values.serve ? '' : '; npm start -- --serve keeps the cluster running to watch it'})`,
    );
    // The other Macs join the node's NATS: its embedded server (as external clients of it), or the same servers.
    const runtime = toRuntimeOptions(config).client;
    const joinOptions =
      nats.mode === 'embedded' ? { ...runtime, mode: 'external' as const, serverUrl: `nats://${health.server ?? ''}`, embedded: undefined } : runtime;
    const macs = joining.map(({ mac }) => mac.name).join(', ');
    say(`2. ${COUNT[joining.length] ?? joining.length}${nodeRunsWorker ? ' more' : ''} simulated Macs join (${macs}); workers register and heartbeat...`);
    for (const { mac, i } of joining) {
      const client = new NatsClient({ logger });
      await client.connect(joinOptions);
      const worker = new Worker(client, {
        engine: simulatedEngine({ tokenDelayMs }),
        hardware: mac.hardware,
        capabilities: mac.capabilities,
        ip: '127.0.0.1',
        hostname: mac.hostname,
        port: cluster.worker.port + i,
        heartbeatIntervalMs,
        logger,
      });
      extra.push({ client, worker });
      await worker.start();
    }
    await until(() => controller.registry.workers().filter((w) => w.state !== 'offline').length >= SAMPLE_MACS.length, 5000);
    say('3. The controller sees these workers:\n');
    say(workersTable(controller.registry.workers()));

    const strategy = cluster.load_balancing.strategy;
    say(
      `\n4. Routing inference requests (strategy ${strategy}${cluster.load_balancing.sticky_sessions ? ', sticky sessions' : ''}); tokens stream back through response.{workerId}.{requestId}...`,
    );
    const results: RequestResult[] = [];
    for (const prompt of PROMPTS) {
      const started = performance.now();
      const stream = await controller.infer({ requestId: randomUUID(), modelId: MODEL, prompt, maxTokens: 12, temperature: 0.7 });
      let text = '';
      let tokens = 0;
      let firstTokenMs = 0;
      let outcome: RequestResult['outcome'] = 'error';
      for await (const event of stream) {
        if (event.type === 'token') {
          if (tokens === 0) firstTokenMs = performance.now() - started;
          tokens += 1;
          text += event.token;
        } else outcome = event.type;
      }
      const attempt = stream.attempts.at(-1);
      const result: RequestResult = {
        requestId: stream.requestId,
        workerId: attempt?.workerId ?? '?',
        reason: attempt?.reason ?? '',
        prompt,
        tokens,
        text: text.trim(),
        latencyMs: performance.now() - started,
        firstTokenMs,
        outcome,
      };
      results.push(result);
      say(`   ${result.requestId.slice(0, 8)} ${result.outcome}: "${result.text}"`);
      say(`            -> worker ${result.workerId.slice(0, 8)} (${result.reason})`);
    }
    // Workers report what they handled in heartbeats, one soon after their jobs end: wait for those.
    const handled = (): number => controller.registry.workers().reduce((sum, w) => sum + (w.heartbeat?.metrics.totalRequestsHandled ?? 0), 0);
    await until(() => handled() >= results.length, heartbeatIntervalMs);
    say('\n5. Report\n');
    say(requestsReport(results));
    say('');
    say(workersTable(controller.registry.workers()));
    const api = await overHttp(controller, cluster.controller, clientMetrics);
    started.api = api;
    if (values.serve) {
      say(`\n7. Serving until Ctrl-C: a request every ${TRICKLE_EVERY_MS} ms. Watch it on the dashboard, ${dashboard.url}`);
      say(`   (HTTP API ${api.url}/v1, metrics ${api.url}/metrics)`);
      const trickle = startTrickle(controller, MODEL, TRICKLE_EVERY_MS);
      await new Promise<void>((resolve) => {
        endServing = resolve;
      });
      await trickle.stop();
      say(`\n   ${trickle.sent} requests sent while serving${trickle.failed > 0 ? `, ${trickle.failed} failed` : ''}.`);
    }
  } finally {
    say(`\n${values.serve ? 8 : 7}. Draining and shutting down...`);
    await shutdown();
  }
  say(`   done: workers drained, connections closed${nats.mode === 'embedded' ? ', embedded server stopped' : ''}.`);
  return 0;
}

/**
 * The same cluster as any OpenAI client sees it: the controller's HTTP API (what `mlx-node` serves on
 * controller.port), one streamed chat completion, and the curl command that does the same. Returns the running API
 * (drained at shutdown, so --serve keeps it).
 */
async function overHttp(controller: Controller, settings: ClusterConfig['cluster']['controller'], metrics: ClientMetrics): Promise<Gateway> {
  const options = { host: '127.0.0.1', maxBodyBytes: settings.max_body_bytes, retryAfterS: 1, metrics, natsConnected: () => true, logger: silentLogger() };
  // The configured port, or a free one when something else holds it (the demo must not fail over a port).
  const api = await startGateway(controller, { ...options, port: settings.port }).catch(() => startGateway(controller, { ...options, port: 0 }));
  try {
    const body = { model: MODEL, messages: [{ role: 'user', content: 'Which worker answered?' }], max_tokens: 8, stream: true };
    say(`\n6. The same cluster over its OpenAI-compatible HTTP API (${api.url}/v1; mlx-node serves it on controller.port):`);
    say(`   curl -N ${api.url}/v1/chat/completions -H 'content-type: application/json' -d '${JSON.stringify(body)}'`);
    const res = await fetch(`${api.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const events = (await res.text()).split('\n\n').filter((event) => event.startsWith('data: {'));
    const text = events.map((event) => (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '').join('');
    say(`   ${res.status} ${events.length} events, x-mlx-worker ${res.headers.get('x-mlx-worker')?.slice(0, 8) ?? '?'}: "${text.trim()}"`);
    return api;
  } catch (error) {
    await api.drain(1000);
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text = error instanceof DistributedError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`walkthrough failed: ${text}\n`);
    process.exitCode = 1;
  },
);
