/** Registrations and heartbeats to feed a WorkerRegistry directly (start() never called: no transport needed). */
import type { WorkerHeartbeat, WorkerRegistration } from '../../../generated/index.js';
import { WorkerRegistry } from '../../../src/cluster/registry.js';
import type { ChannelTransport } from '../../../src/contract/index.js';

/** A worker id of the form the contract wants (a UUID), numbered. */
export const workerId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A registry that is fed by hand: `start()` is never called, so it never touches its transport. */
export function fedRegistry(offlineTimeoutMs = 300): WorkerRegistry {
  return new WorkerRegistry({} as ChannelTransport, { heartbeatIntervalMs: 100, offlineTimeoutMs });
}

export function registration(n: number, over: Partial<WorkerRegistration> = {}): WorkerRegistration {
  return {
    workerId: workerId(n),
    hostname: `mac-${n}`,
    ip: '127.0.0.1',
    port: 9000 + n,
    hardware: { chip: 'Apple M2 Max', performanceCores: 8, efficiencyCores: 4, gpuCores: 30, neuralEngineCores: 16, unifiedMemoryGB: 64, macOSVersion: '14.5' },
    capabilities: { maxConcurrent: 4, supportedModelTiers: ['tiny', 'small'], availableMemoryGB: 48, models: ['llama-3.2-3b'] },
    status: 'online',
    timestamp: 1,
    ...over,
  };
}

export function heartbeat(n: number, activeRequests: number, status: WorkerHeartbeat['status'] = 'online', memoryUsedGB = 12.5): WorkerHeartbeat {
  return {
    workerId: workerId(n),
    status,
    metrics: { cpuUsagePercent: 10, memoryUsedGB, gpuUtilizationPercent: 20, activeRequests, totalRequestsHandled: 0, avgLatencyMs: 0, modelsLoaded: [] },
    timestamp: 1,
  };
}
