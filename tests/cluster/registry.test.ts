/** WorkerRegistry state rules, fed directly (no transport needed: start() is never called). */
import { describe, expect, it } from 'vitest';
import { WorkerRegistry } from '../../src/cluster/registry.js';
import type { ChannelTransport } from '../../src/contract/index.js';
import type { WorkerHeartbeat, WorkerRegistration } from '../../generated/index.js';

const unused = {} as ChannelTransport;
const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function registration(n: number, over: Partial<WorkerRegistration> = {}): WorkerRegistration {
  return {
    workerId: ID(n),
    hostname: `mac-${n}`,
    ip: '127.0.0.1',
    port: 9000 + n,
    hardware: { chip: 'Apple M2', performanceCores: 8, efficiencyCores: 4, gpuCores: 10, neuralEngineCores: 16, unifiedMemoryGB: 32, macOSVersion: '14.5' },
    capabilities: { maxConcurrent: 2, supportedModelTiers: ['tiny'], availableMemoryGB: 20 },
    status: 'online',
    timestamp: 1,
    ...over,
  };
}

const heartbeat = (n: number, activeRequests: number, status: WorkerHeartbeat['status'] = 'online'): WorkerHeartbeat => ({
  workerId: ID(n),
  status,
  metrics: { cpuUsagePercent: 1, memoryUsedGB: 1, gpuUtilizationPercent: 0, activeRequests, totalRequestsHandled: 0, avgLatencyMs: 0, modelsLoaded: [] },
  timestamp: 1,
});

describe('WorkerRegistry', () => {
  it('online → busy at maxConcurrent → degraded when it says so → offline after the timeout → back with a heartbeat', () => {
    const registry = new WorkerRegistry(unused, { heartbeatIntervalMs: 100, offlineTimeoutMs: 300 });
    const events: string[] = [];
    registry.on('online', () => events.push('online'));
    registry.on('offline', () => events.push('offline'));
    registry.onRegistration(registration(1));
    expect(registry.get(ID(1))?.state).toBe('online');
    registry.onHeartbeat(heartbeat(1, 2));
    expect(registry.get(ID(1))?.state).toBe('busy');
    registry.onHeartbeat(heartbeat(1, 0, 'degraded'));
    expect(registry.get(ID(1))?.state).toBe('degraded');
    registry.sweep(Date.now() + 301);
    expect(registry.get(ID(1))?.state).toBe('offline');
    registry.onHeartbeat(heartbeat(1, 0));
    expect(registry.get(ID(1))?.state).toBe('online');
    expect(events).toEqual(['online', 'offline', 'online']);
  });

  it('counts this controller’s own requests until the next heartbeat includes them, and their ends until the next one does not', () => {
    const registry = new WorkerRegistry(unused, { heartbeatIntervalMs: 100, offlineTimeoutMs: 300 });
    registry.onRegistration(registration(1));
    const endFirst = registry.dispatched(ID(1));
    expect(registry.get(ID(1))?.load).toBe(1);
    const endSecond = registry.dispatched(ID(1));
    expect(registry.get(ID(1))?.state).toBe('busy');
    registry.onHeartbeat(heartbeat(1, 2));
    expect(registry.get(ID(1))?.load).toBe(2);
    endFirst();
    // Sent before the heartbeat, which counts it: its end lowers the heartbeat's figure until the next one.
    expect(registry.get(ID(1))?.load).toBe(1);
    const endThird = registry.dispatched(ID(1));
    expect(registry.get(ID(1))?.load).toBe(2);
    endThird();
    endThird();
    expect(registry.get(ID(1))?.load).toBe(1);
    endSecond();
    expect(registry.get(ID(1))?.load).toBe(0);
    // The next heartbeat no longer counts them; nothing is subtracted twice, and the load never goes below 0.
    registry.onHeartbeat(heartbeat(1, 0));
    expect(registry.get(ID(1))?.load).toBe(0);
    endFirst();
    expect(registry.get(ID(1))?.load).toBe(0);
  });

  it('snapshots stay as they were handed out, in worker id order', () => {
    const registry = new WorkerRegistry(unused, { heartbeatIntervalMs: 100, offlineTimeoutMs: 300 });
    registry.onRegistration(registration(2));
    registry.onRegistration(registration(1));
    const before = registry.workers();
    expect(before.map((w) => w.workerId)).toEqual([ID(1), ID(2)]);
    registry.onHeartbeat(heartbeat(1, 1));
    expect(before[0]?.load).toBe(0);
    expect(registry.workers()[0]?.load).toBe(1);
    registry.onRegistration(registration(0));
    expect(registry.workers().map((w) => w.workerId)).toEqual([ID(0), ID(1), ID(2)]);
  });

  it('a worker that says offline is offline at once; a heartbeat of an unknown worker does not list it', () => {
    const registry = new WorkerRegistry(unused, { heartbeatIntervalMs: 100, offlineTimeoutMs: 300 });
    registry.onRegistration(registration(1));
    registry.onHeartbeat(heartbeat(1, 0, 'offline'));
    expect(registry.get(ID(1))?.state).toBe('offline');
    registry.onHeartbeat(heartbeat(7, 0));
    expect(registry.get(ID(7))).toBeUndefined();
  });
});
