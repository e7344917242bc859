/** Routing strategies as tables: the same registry snapshot and request always give the same choice. */
import { describe, expect, it } from 'vitest';
import { NoWorkerAvailableError } from '../../src/cluster/errors.js';
import {
  chipRank,
  initialMemory,
  rememberChoice,
  requirementFromModelId,
  route,
  type RouteChoice,
  type RouteInput,
  type StrategyName,
} from '../../src/cluster/routing.js';
import type { WorkerInfo } from '../../src/cluster/worker-info.js';

function worker(id: string, over: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    workerId: id,
    state: 'online',
    offlineReason: undefined,
    instanceId: undefined,
    source: 'discovered',
    name: id,
    ip: '10.0.0.1',
    port: 8082,
    priority: undefined,
    chip: 'Apple M2',
    unifiedMemoryGB: 32,
    maxConcurrent: 4,
    supportedModelTiers: ['tiny', 'small', 'medium'],
    availableMemoryGB: 24,
    models: undefined,
    load: 0,
    lastSeen: 1,
    registration: undefined,
    heartbeat: undefined,
    ...over,
  };
}

const input = (workers: WorkerInfo[], over: Partial<RouteInput> = {}): RouteInput => ({
  workers,
  request: { modelId: 'llama-8b' },
  sticky: false,
  memory: initialMemory(),
  ...over,
});

/** Runs `n` requests through `strategy`, carrying the memory, and counts the choices. */
function distribute(strategy: StrategyName, workers: WorkerInfo[], n: number, over: Partial<RouteInput> = {}): Record<string, number> {
  const memory = initialMemory();
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const choice = route(strategy, input(workers, { ...over, memory }));
    if (choice instanceof NoWorkerAvailableError) throw choice;
    counts[choice.workerId] = (counts[choice.workerId] ?? 0) + 1;
    rememberChoice(memory, choice);
  }
  return counts;
}

describe('round_robin', () => {
  it.each([
    ['three online workers share evenly', [worker('a'), worker('b'), worker('c')], 9, { a: 3, b: 3, c: 3 }],
    ['an offline worker is skipped', [worker('a'), worker('b', { state: 'offline' }), worker('c')], 6, { a: 3, c: 3 }],
    ['a busy worker is skipped', [worker('a', { state: 'busy' }), worker('b'), worker('c')], 4, { b: 2, c: 2 }],
    ['degraded only when nothing healthy fits', [worker('a', { state: 'degraded' }), worker('b')], 4, { b: 4 }],
    ['any snapshot order still shares evenly', [worker('c'), worker('a'), worker('b')], 3, { a: 1, b: 1, c: 1 }],
  ])('%s', (_name, workers, n, expected) => {
    expect(distribute('round_robin', workers, n)).toEqual(expected);
  });

  it('walks the workers in snapshot order (the registry keeps snapshots in id order)', () => {
    const picks: string[] = [];
    const memory = initialMemory();
    for (let i = 0; i < 4; i++) {
      const choice = route('round_robin', input([worker('a'), worker('b')], { memory })) as RouteChoice;
      picks.push(choice.workerId);
      rememberChoice(memory, choice);
    }
    expect(picks).toEqual(['a', 'b', 'a', 'b']);
  });
});

describe('least_loaded', () => {
  it.each([
    ['the lowest share of slots in use', [worker('a', { load: 2 }), worker('b', { load: 1 }), worker('c', { load: 3 })], 'b'],
    ['share, not count: 2 of 8 beats 1 of 2', [worker('a', { load: 1, maxConcurrent: 2 }), worker('b', { load: 2, maxConcurrent: 8 })], 'b'],
    ['ties go to the lower id', [worker('b', { load: 1 }), worker('a', { load: 1 })], 'a'],
    ['a busy worker is never chosen, however fresh', [worker('a', { load: 4, state: 'busy' }), worker('b', { load: 3 })], 'b'],
  ])('%s', (_name, workers, expected) => {
    const choice = route('least_loaded', input(workers));
    expect(choice).not.toBeInstanceOf(NoWorkerAvailableError);
    expect((choice as { workerId: string }).workerId).toBe(expected);
  });
});

describe('hardware_aware', () => {
  const m2 = worker('m2', { chip: 'Apple M2', unifiedMemoryGB: 32 });
  const ultra = worker('ultra', {
    chip: 'Apple M2 Ultra',
    unifiedMemoryGB: 192,
    supportedModelTiers: ['tiny', 'small', 'medium', 'large', 'xlarge'],
    availableMemoryGB: 160,
  });
  const m4 = worker('m4', { chip: 'Apple M4 Pro', unifiedMemoryGB: 48 });
  it.each([
    ['only a worker whose tiers include the model', [m2, ultra], { tier: 'large' as const, memoryGB: 42 }, 'ultra'],
    ['more free slots first', [m2, { ...ultra, load: 3 }], { tier: 'small' as const }, 'm2'],
    ['equal slots: the newer chip', [m2, m4], { tier: 'small' as const }, 'm4'],
    ['equal slots and chip: more memory', [m2, { ...m2, workerId: 'm2-64', unifiedMemoryGB: 64 }], { tier: 'small' as const }, 'm2-64'],
    ['not enough free memory rules a worker out', [{ ...ultra, availableMemoryGB: 10 }, m2], { tier: 'medium' as const, memoryGB: 20 }, 'm2'],
  ])('%s', (_name, workers, model, expected) => {
    const choice = route('hardware_aware', input(workers, { model }));
    expect((choice as { workerId: string }).workerId).toBe(expected);
  });

  it('reads the requirement from a model id that names its size', () => {
    expect(requirementFromModelId('mlx-community/Llama-3.3-70B-Instruct-4bit')).toEqual({ tier: 'large', memoryGB: 42 });
    expect(requirementFromModelId('llama-3.1-8b-instruct')).toEqual({ tier: 'small', memoryGB: 4.8 });
    expect(requirementFromModelId('Qwen2.5-0.5B')).toEqual({ tier: 'tiny', memoryGB: 0.3 });
    expect(requirementFromModelId('deepseek-v3-671b')?.tier).toBe('xlarge');
    expect(requirementFromModelId('my-private-model')).toBeUndefined();
    expect(requirementFromModelId('mistral-7b-4bit')?.tier).toBe('small');
  });

  it('ranks chips by generation, then Ultra > Max > Pro > base', () => {
    const chips = ['Apple M1 Ultra', 'Apple M3', 'Apple M2 Max', 'Apple M3 Pro', 'Apple M1', 'not a chip'];
    expect([...chips].sort((a, b) => chipRank(b) - chipRank(a))).toEqual([
      'Apple M3 Pro',
      'Apple M3',
      'Apple M2 Max',
      'Apple M1 Ultra',
      'Apple M1',
      'not a chip',
    ]);
  });
});

describe('sticky sessions', () => {
  const three = [worker('a'), worker('b'), worker('c')];
  it('the same session stays on its worker under every strategy', () => {
    for (const strategy of ['round_robin', 'least_loaded', 'hardware_aware'] as const) {
      const counts = distribute(strategy, three, 30, { sticky: true, request: { modelId: 'm', sessionId: 's1' } });
      expect(Object.values(counts)).toEqual([30]);
    }
  });

  it('a session moves when its worker goes offline or busy, and stays on the new one', () => {
    for (const state of ['offline', 'busy'] as const) {
      const memory = initialMemory();
      const first = route('round_robin', input(three, { sticky: true, request: { modelId: 'm', sessionId: 's' }, memory })) as RouteChoice;
      expect(first.workerId).toBe('a');
      rememberChoice(memory, first);
      const changed = [worker('a', { state }), worker('b'), worker('c')];
      const moved = route('round_robin', input(changed, { sticky: true, request: { modelId: 'm', sessionId: 's' }, memory })) as RouteChoice;
      expect(moved.workerId).not.toBe('a');
      rememberChoice(memory, moved);
      const again = route('round_robin', input(changed, { sticky: true, request: { modelId: 'm', sessionId: 's' }, memory })) as RouteChoice;
      expect(again.workerId).toBe(moved.workerId);
    }
  });

  it('without sticky, sessions are ignored; memory of sessions stays bounded', () => {
    expect(Object.keys(distribute('round_robin', three, 3, { request: { modelId: 'm', sessionId: 's' } }))).toHaveLength(3);
    const memory = initialMemory();
    for (let i = 0; i < 105; i++) {
      rememberChoice(memory, route('round_robin', input(three, { sticky: true, request: { modelId: 'm', sessionId: `s${i}` }, memory })) as RouteChoice, 100);
    }
    expect(memory.sessions.size).toBe(100);
    expect(memory.sessions.has('s0')).toBe(false);
    expect(memory.sessions.has('s104')).toBe(true);
  });
});

describe('when no worker fits, the error says why', () => {
  it.each([
    ['none online', [worker('a', { state: 'offline' })], {}, 'none_online'],
    ['nobody at all', [], {}, 'none_online'],
    ['all excluded (already tried)', [worker('a')], { exclude: new Set(['a']) }, 'none_online'],
    ['all busy', [worker('a', { state: 'busy' }), worker('b', { state: 'busy' })], {}, 'all_busy'],
    ['no tier fits', [worker('a')], { model: { tier: 'xlarge' as const } }, 'no_tier_fits'],
  ])('%s', (_name, workers, over, reason) => {
    for (const strategy of ['round_robin', 'least_loaded', 'hardware_aware'] as const) {
      const result = route(strategy, input(workers, over));
      expect(result).toBeInstanceOf(NoWorkerAvailableError);
      expect((result as NoWorkerAvailableError).reason).toBe(reason);
      expect((result as NoWorkerAvailableError).code).toBe('NO_WORKER_AVAILABLE');
    }
  });
});

describe('models a worker lists', () => {
  it.each<StrategyName>(['round_robin', 'least_loaded', 'hardware_aware'])('%s routes only to workers that list the model, or list none', (strategy) => {
    const workers = [worker('a', { models: ['qwen-7b'] }), worker('b', { models: ['llama-8b', 'qwen-7b'] }), worker('c')];
    const counts = distribute(strategy, workers, 12);
    expect(counts.a).toBeUndefined();
    expect((counts.b ?? 0) + (counts.c ?? 0)).toBe(12);
  });

  it('says model_not_served, naming the model, when no online worker lists it', () => {
    const result = route('round_robin', input([worker('a', { models: ['qwen-7b'] }), worker('b', { models: ['qwen-7b'], state: 'busy' })]));
    expect(result).toBeInstanceOf(NoWorkerAvailableError);
    expect((result as NoWorkerAvailableError).reason).toBe('model_not_served');
    expect((result as NoWorkerAvailableError).message).toContain('llama-8b');
  });

  it('says all_busy, not model_not_served, when the workers that list it are busy', () => {
    const result = route('least_loaded', input([worker('a', { models: ['llama-8b'], state: 'busy' }), worker('b', { models: ['qwen-7b'] })]));
    expect((result as NoWorkerAvailableError).reason).toBe('all_busy');
  });
});
