/** The walkthrough's three sample Macs (their engine is the package's simulated one). */
import type { HardwareProfile, ModelTier } from '../../src/index.js';

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
  hardware: {
    chip,
    performanceCores: cores[0],
    efficiencyCores: cores[1],
    gpuCores: cores[2],
    neuralEngineCores: 32,
    unifiedMemoryGB: memory,
    macOSVersion: '15.1',
  },
  capabilities: { maxConcurrent, supportedModelTiers: tiers, availableMemoryGB: Math.round(memory * 0.8) },
});

/** The node's own worker first (in dual mode), then two more that join the cluster. */
export const SAMPLE_MACS: readonly SampleMac[] = [
  mac('mac-studio', 'Apple M2 Ultra', 192, [16, 8, 76], 4, ['tiny', 'small', 'medium', 'large']),
  mac('mac-2', 'Apple M3 Max', 64, [12, 4, 40], 2, ['tiny', 'small', 'medium']),
  mac('mac-3', 'Apple M1 Pro', 32, [8, 2, 16], 1, ['tiny', 'small']),
];
