/** The parts mlx-node assembles a worker from: the hardware it announces, its engine's counts, its start-up warnings. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../../src/cluster/config.js';
import { countedEngine, describeEngine, engineFromConfig } from '../../../src/cluster/service/engine.js';
import { detectHardware, tiersFor } from '../../../src/cluster/service/hardware.js';
import { configWarnings } from '../../../src/cluster/service/run-node.js';
import type { InferenceEngine } from '../../../src/cluster/worker.js';
import { HardwareProfileSchema } from '../../../generated/index.js';

const request = { requestId: '3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b', modelId: 'm', prompt: 'p', maxTokens: 3 };

async function drain(engine: InferenceEngine, signal: AbortSignal, stopAfter = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const token of engine.generate(request, signal) as AsyncIterable<string>) {
    out.push(token);
    if (out.length >= stopAfter) break;
  }
  return out;
}

const count = async (registry: Registry, outcome: string): Promise<number> =>
  Number(new RegExp(`outcome="${outcome}"\\} (\\d+)`).exec(await registry.metrics())?.[1] ?? Number.NaN);

describe('hardware', () => {
  it('announces a profile the contract accepts, and says whether it was read from the machine', () => {
    const { hardware, detected } = detectHardware();
    expect(HardwareProfileSchema.safeParse(hardware).success).toBe(true);
    expect(detected).toBe(process.platform === 'darwin' && hardware.chip.startsWith('Apple M'));
    expect(detectHardware('Apple M4 Max').hardware.chip).toBe('Apple M4 Max');
  });

  it.each([
    [4, ['tiny']],
    [16, ['tiny', 'small']],
    [36, ['tiny', 'small', 'medium']],
    [64, ['tiny', 'small', 'medium', 'large']],
    [192, ['tiny', 'small', 'medium', 'large', 'xlarge']],
  ])('%d GB serves the tiers %j', (memory, tiers) => {
    expect(tiersFor(memory)).toEqual(tiers);
  });
});

describe('the engine of the configuration', () => {
  it('counts each generation by how it ended: completed, failed, aborted', async () => {
    const registry = new Registry();
    const failing: InferenceEngine = {
      *generate() {
        yield 'a';
        throw new Error('boom');
      },
    };
    const simulated = countedEngine(engineFromConfig({ type: 'simulated', model_map: {}, timeout_ms: 1000, token_delay_ms: 0 }), registry);
    expect(await count(registry, 'completed')).toBe(0);
    expect(await drain(simulated, new AbortController().signal)).toHaveLength(3);
    const abort = new AbortController();
    abort.abort();
    expect(await drain(simulated, abort.signal)).toEqual([]);
    const registry2 = new Registry();
    await expect(drain(countedEngine(failing, registry2), new AbortController().signal)).rejects.toThrow('boom');
    expect(await count(registry, 'completed')).toBe(1);
    expect(await count(registry, 'aborted')).toBe(1);
    expect(await count(registry2, 'failed')).toBe(1);
  });

  it('describes itself without credentials', () => {
    expect(describeEngine({ type: 'simulated', model_map: {}, timeout_ms: 1, token_delay_ms: 15 })).toBe('simulated engine (15 ms a token)');
    const upstream = { type: 'openai' as const, url: 'http://user:secret@127.0.0.1:8090/v1', model_map: {}, timeout_ms: 1, token_delay_ms: 1 };
    expect(describeEngine(upstream)).not.toContain('secret');
    expect(describeEngine(upstream)).toContain('127.0.0.1:8090/v1');
  });
});

describe('start-up warnings', () => {
  const config = (cluster: Record<string, unknown>) => parseClusterConfig({ cluster: { mode: 'dual', nats: { mode: 'embedded' }, ...cluster } });

  it('none for the defaults on a Mac', () => {
    expect(configWarnings(config({}), true)).toEqual([]);
  });

  it('an API beyond loopback without an API key or NATS credentials, naming what is missing', () => {
    const [open] = configWarnings(config({ controller: { bind_address: '0.0.0.0' } }), true);
    expect(open).toContain('controller.api_key');
    expect(open).toContain('NATS credentials');
    const [keyOnly] = configWarnings(config({ controller: { bind_address: '0.0.0.0', api_key: 'k' }, nats: { mode: 'embedded', token: 't' } }), true);
    expect(keyOnly).toBeUndefined();
  });

  it('an embedded NATS server open beyond loopback without node identities: one warning, with or without a shared credential', () => {
    const open = configWarnings(config({ nats: { mode: 'embedded', embedded: { host: '0.0.0.0' } } }), true);
    expect(open).toHaveLength(1);
    expect(open[0]).toContain('without credentials');
    expect(open[0]).toContain('mlx-node credentials init');
    const shared = configWarnings(config({ nats: { mode: 'embedded', user: 'u', password: 'p', embedded: { host: '0.0.0.0' } } }), true);
    expect(shared).toEqual([expect.stringContaining('one credential shared by every node, and no node identities') as unknown]);
    const identities = { mode: 'embedded', nkey_seed_file: '/c.nk', embedded: { host: '0.0.0.0', users_file: '/u.json' } };
    expect(configWarnings(config({ nats: identities, worker: { worker_id: '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d' } }), true)).toEqual([]);
    expect(configWarnings(config({ nats: { mode: 'embedded', embedded: { host: '127.0.0.1' } } }), true)).toEqual([]);
  });

  it('a key of its own counts as NATS credentials for the HTTP API warning', () => {
    const nats = { mode: 'embedded', nkey_seed_file: '/c.nk', embedded: { users_file: '/u.json' } };
    expect(configWarnings(config({ controller: { bind_address: '0.0.0.0', api_key: 'k' }, nats }), true)).toEqual([]);
  });

  it('discovery.enabled: false, which has no effect, and a placeholder hardware profile', () => {
    const warnings = configWarnings(config({ discovery: { enabled: false } }), false);
    expect(warnings.some((w) => w.includes('discovery.enabled'))).toBe(true);
    expect(warnings.some((w) => w.includes('worker.chip'))).toBe(true);
    expect(configWarnings(config({ mode: 'controller' }), false)).toEqual([]);
  });
});
