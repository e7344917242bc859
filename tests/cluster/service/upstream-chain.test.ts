/**
 * A worker whose engine is an upstream OpenAI-compatible server, here another cluster's controller: the chain
 * openai client -> controller A -> worker A -> controller B (HTTP) -> worker B runs end to end, with the model
 * renamed on the way (model_map), chat and text completions, and a cancel that travels the whole chain.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { parseClusterConfig } from '../../../src/cluster/config.js';
import { simulatedText } from '../../../src/cluster/engines/simulated.js';
import { runNode, type RunningNode } from '../../../src/cluster/service/run-node.js';
import { freePort, startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const discovery = { heartbeat_interval_ms: 300, offline_timeout_ms: 1200 };
const servers: TestNatsServer[] = [];
let upstream: RunningNode;
let front: RunningNode;
let client: OpenAI;

async function dualNode(natsUrl: string, worker: object): Promise<RunningNode> {
  const config = parseClusterConfig({
    cluster: {
      mode: 'dual',
      nats: { mode: 'external', server_url: natsUrl },
      controller: { port: await freePort(), dashboard_port: await freePort() },
      worker: { port: await freePort(), ...worker },
      discovery,
    },
  });
  const node = await runNode(config, { logger: silentLogger() });
  const deadline = Date.now() + 5000;
  while (node.node.controller?.registry.workers().every((w) => w.state === 'offline') !== false && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return node;
}

/** The `aborted` count of a node's engine, from its worker /metrics. */
async function aborted(node: RunningNode): Promise<number> {
  const text = await (await fetch(`${node.workerEndpoints?.url ?? ''}/metrics`)).text();
  return Number(/^mlx_distributed_engine_generations_total\{outcome="aborted"\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

beforeAll(async () => {
  servers.push(await startNatsServer(), await startNatsServer());
  upstream = await dualNode(servers[0]?.url ?? '', { models: ['upstream-model'], engine: { type: 'simulated', token_delay_ms: 10 } });
  front = await dualNode(servers[1]?.url ?? '', {
    models: ['front-model'],
    engine: { type: 'openai', url: `${upstream.api?.url ?? ''}/v1`, model_map: { 'front-model': 'upstream-model' }, timeout_ms: 5000 },
  });
  client = new OpenAI({ baseURL: `${front.api?.url ?? ''}/v1`, apiKey: 'none', maxRetries: 0, timeout: 20_000 });
}, 30_000);

afterAll(async () => {
  await front.stop();
  await upstream.stop();
  await Promise.all(servers.map((s) => s.stop()));
});

describe('an openai engine in front of another cluster', () => {
  it('streams a chat completion through both clusters with the full text', async () => {
    const stream = await client.chat.completions.create({ model: 'front-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(simulatedText());
  });

  it('answers a text completion with max_tokens through both clusters', async () => {
    const completion = await client.completions.create({ model: 'front-model', prompt: 'Hi', max_tokens: 6 });
    expect(completion.choices[0]?.text).toBe(simulatedText(6));
  });

  it('an abort at the front cancels the upstream: the last engine in the chain sees the abort signal', async () => {
    const before = await aborted(upstream);
    const stream = await client.chat.completions.create({ model: 'front-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let tokens = 0;
    for await (const chunk of stream) {
      if ((chunk.choices[0]?.delta.content ?? '') !== '' && ++tokens === 3) stream.controller.abort();
    }
    const deadline = Date.now() + 5000;
    while ((await aborted(upstream)) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await aborted(upstream)).toBe(before + 1);
    expect(await aborted(front)).toBeGreaterThanOrEqual(1);
  });

  it('an upstream that is down ends the stream with an OpenAI error naming the upstream, not a hang', async () => {
    const port = await freePort();
    const lonely = await dualNode(servers[1]?.url ?? '', {
      models: ['dead-model'],
      engine: { type: 'openai', url: `http://127.0.0.1:${port}/v1`, timeout_ms: 2000 },
    });
    try {
      const viaLonely = new OpenAI({ baseURL: `${lonely.api?.url ?? ''}/v1`, apiKey: 'none', maxRetries: 0, timeout: 10_000 });
      const stream = await viaLonely.chat.completions.create({ model: 'dead-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
      const read = async (): Promise<string> => {
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      };
      await expect(read()).rejects.toThrow(new RegExp(`upstream_unreachable|127\\.0\\.0\\.1:${port}`, 'i'));
    } finally {
      await lonely.stop();
    }
  });
});
