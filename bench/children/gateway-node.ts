/**
 * Child: a controller node alone in its process (its NATS connection, registry, controller and HTTP gateway on
 * 127.0.0.1, port 0), so its RSS is the controller side of the streams it holds and nothing else. The worker and
 * the HTTP client live in the parent. Driven over IPC (bench/lib/ipc-child.ts):
 *
 * - `measure`: two full GCs, then RSS, heap and the gateway's running requests;
 * - `status`: the gateway's running requests (no GC);
 * - `complete { n }`: n one-token requests through controller.infer, to their end (warm-up);
 * - `open { n }`: n requests through controller.infer whose first token has arrived, held open;
 * - `cancel`: cancels the held ones;
 * - `stop`: drains the gateway, stops the registry, disconnects and exits.
 *
 * Usage: gateway-node.ts <nats url> <connection name>. Needs --expose-gc.
 */
import { randomUUID } from 'node:crypto';
import type { InferenceRequest } from '../../generated/index.js';
import { silentLogger } from '../../src/base/logger.js';
import { Controller, type ControllerStream } from '../../src/cluster/controller.js';
import { startGateway } from '../../src/cluster/gateway/gateway.js';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import { typedClient } from '../lib/connections.js';
import { waitUntil } from '../lib/stats.js';

const [url, name] = process.argv.slice(2);
if (url === undefined || name === undefined || process.send === undefined)
  throw new Error('usage (as an IPC child): gateway-node.ts <nats url> <connection name>');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('gateway-node.ts needs node --expose-gc');
const send = (message: object): void => {
  process.send?.(message);
};
const mb = (bytes: number): number => bytes / (1024 * 1024);

const client = await typedClient(url, { name });
const registry = new WorkerRegistry(client, { heartbeatIntervalMs: 1000, offlineTimeoutMs: 10_000 });
await registry.start();
// Held streams stay silent for as long as the parent measures: no idle move within the run.
const controller = new Controller(client, registry, { strategy: 'round_robin', idleTimeoutMs: 300_000, ackTimeoutMs: 15_000 });
const gateway = await startGateway(controller, {
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 1024 * 1024,
  retryAfterS: 1,
  metrics: { contentType: 'text/plain; version=0.0.4', metrics: () => Promise.resolve('') },
  natsConnected: () => client.isConnected(),
  logger: silentLogger(),
});
if (!(await waitUntil(() => registry.workers().some((w) => w.state === 'online'), 10_000))) throw new Error('no worker registered within 10 s');

let held: ControllerStream[] = [];

const request = (maxTokens: number): InferenceRequest => ({
  requestId: randomUUID(),
  modelId: 'bench-model',
  prompt: 'user: Explain how the cluster streams tokens.\nassistant:',
  maxTokens,
});

/** Runs `task` for 0..n-1, at most `width` at a time. */
async function inWaves(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < n; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, k) => task(start + k)));
  }
}

async function handle(message: { id: number; cmd: string; n?: number }): Promise<object> {
  switch (message.cmd) {
    case 'measure': {
      gc?.();
      gc?.();
      const memory = process.memoryUsage();
      return {
        rssMB: mb(memory.rss),
        heapUsedMB: mb(memory.heapUsed),
        externalMB: mb(memory.external + memory.arrayBuffers),
        active: gateway.active,
        held: held.length,
      };
    }
    case 'status':
      return { active: gateway.active };
    case 'complete': {
      await inWaves(message.n ?? 0, 50, async () => {
        const stream = await controller.infer(request(1));
        for await (const event of stream) if (event.type === 'error') throw new Error(event.error);
      });
      return {};
    }
    case 'open': {
      const began = performance.now();
      await inWaves(message.n ?? 0, 100, async () => {
        const stream = await controller.infer(request(100_000));
        held.push(stream);
        const first = await stream[Symbol.asyncIterator]().next();
        if (first.done === true || first.value.type !== 'token') throw new Error('a held stream did not start with a token');
      });
      return { openMs: performance.now() - began };
    }
    case 'cancel': {
      const streams = held;
      held = [];
      await Promise.all(streams.map((stream) => stream.cancel()));
      return {};
    }
    case 'stop': {
      await Promise.all(held.map((stream) => stream.cancel()));
      await gateway.drain(1000);
      await registry.stop();
      await client.disconnect();
      process.disconnect();
      return {};
    }
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
}

process.on('message', (message: { id: number; cmd: string; n?: number }) => {
  handle(message).then(
    (reply) => {
      if (message.cmd !== 'stop') send({ id: message.id, ...reply });
    },
    (error: unknown) => {
      send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    },
  );
});

send({ type: 'ready', url: gateway.url, pid: process.pid });
