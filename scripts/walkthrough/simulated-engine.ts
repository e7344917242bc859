/** The walkthrough's stand-in for an MLX engine: a canned answer, token by token, and three sample Macs. */
import type { HardwareProfile, InferenceEngine, ModelTier } from '../../src/index.js';

const ANSWER = 'NATS carries every token from the worker to the controller as a typed, validated message .'.split(' ');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An engine that streams {@link ANSWER} (from `continuation.tokenCount` on), `delayMs` apart, until aborted. */
export function simulatedEngine(delayMs = 2): InferenceEngine {
  return {
    async *generate(request, signal) {
      const limit = Math.min(request.maxTokens ?? ANSWER.length, ANSWER.length);
      for (let i = request.continuation?.tokenCount ?? 0; i < limit && !signal.aborted; i++) {
        await sleep(delayMs);
        yield `${ANSWER[i] ?? ''} `;
      }
    },
  };
}

/** A sample Mac of the simulated cluster. */
export interface SampleMac {
  name: string;
  /** The host name its worker announces. */
  hostname: string;
  hardware: HardwareProfile;
  capabilities: { maxConcurrent: number; supportedModelTiers: ModelTier[]; availableMemoryGB: number };
}

const mac = (hostname: string, chip: string, memory: number, cores: [number, number, number], maxConcurrent: number, tiers: ModelTier[]): SampleMac => ({
  name: chip,
  hostname,
  hardware: { chip, performanceCores: cores[0], efficiencyCores: cores[1], gpuCores: cores[2], neuralEngineCores: 32, unifiedMemoryGB: memory, macOSVersion: '15.1' },
  capabilities: { maxConcurrent, supportedModelTiers: tiers, availableMemoryGB: Math.round(memory * 0.8) },
});

/** The node's own worker first (in dual mode), then two more that join the cluster. */
export const SAMPLE_MACS: readonly SampleMac[] = [
  mac('mac-studio', 'Apple M2 Ultra', 192, [16, 8, 76], 4, ['tiny', 'small', 'medium', 'large']),
  mac('mac-2', 'Apple M3 Max', 64, [12, 4, 40], 2, ['tiny', 'small', 'medium']),
  mac('mac-3', 'Apple M1 Pro', 32, [8, 2, 16], 1, ['tiny', 'small']),
];
