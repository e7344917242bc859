/** Helpers for cluster-layer tests: a deterministic engine, sample hardware, and a worker in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { HardwareProfile, InferenceEngine, InferenceRequest, ModelTier, WorkerOptions } from '../../src/index.js';

/**
 * The tokens of a request, the same on every worker: `<prompt>:<i> ` for i below `maxTokens` (default 8). A
 * request that moved continues from `continuation.tokenCount`, so a migrated stream must equal an uninterrupted one.
 */
export function deterministicTokens(request: InferenceRequest): string[] {
  const total = request.maxTokens ?? 8;
  return Array.from({ length: total }, (_, i) => `${request.prompt}:${i} `);
}

/** An engine that yields {@link deterministicTokens} with `delayMs` between tokens and stops when aborted. */
export function deterministicEngine(delayMs = 0): InferenceEngine {
  return {
    async *generate(request, signal) {
      const tokens = deterministicTokens(request);
      for (let i = request.continuation?.tokenCount ?? 0; i < tokens.length; i++) {
        if (signal.aborted) return;
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield tokens[i] as string;
      }
    },
  };
}

/** Hardware of a test worker. */
export function hardware(chip = 'Apple M2', unifiedMemoryGB = 32): HardwareProfile {
  return { chip, performanceCores: 8, efficiencyCores: 4, gpuCores: 10, neuralEngineCores: 16, unifiedMemoryGB, macOSVersion: '14.5' };
}

/** Worker options for tests (engine and machine). */
export function workerSetup(
  over: { maxConcurrent?: number; tiers?: ModelTier[]; memoryGB?: number; chip?: string; delayMs?: number } = {},
): Omit<WorkerOptions, 'heartbeatIntervalMs'> {
  return {
    engine: deterministicEngine(over.delayMs ?? 0),
    hardware: hardware(over.chip, over.memoryGB ?? 32),
    capabilities: {
      maxConcurrent: over.maxConcurrent ?? 4,
      supportedModelTiers: over.tiers ?? ['tiny', 'small', 'medium'],
      availableMemoryGB: (over.memoryGB ?? 32) * 0.75,
    },
    ip: '127.0.0.1',
    hostname: 'test-worker',
    metrics: () => ({ cpuUsagePercent: 1, memoryUsedGB: 1, gpuUtilizationPercent: 0, modelsLoaded: [] }),
  };
}

/** A worker in its own process (so a test can SIGKILL it); resolves once it has registered. */
export async function startWorkerProcess(url: string, workerId: string, heartbeatIntervalMs: number, delayMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/helpers/cluster-worker-child.ts', url, workerId, String(heartbeatIntervalMs), String(delayMs)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      reject(new Error(`worker process exited (${String(code)}) before it was ready: ${err}`));
    });
  });
  return child;
}
