/**
 * What a worker announces about its machine. On macOS it is read from the system (sysctl, sw_vers, ioreg); any
 * figure that cannot be read falls back to a safe value. Elsewhere (a Linux box in front of a GPU server, a CI
 * machine) the contract's Apple-silicon profile cannot be read, so a placeholder is announced and the caller warns.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { HardwareProfile, ModelTier } from '../../../generated/index.js';

/** The announced profile, and whether it was read from this machine. */
export interface DetectedHardware {
  hardware: HardwareProfile;
  /** False when this is not macOS on Apple silicon and a placeholder profile stands in. */
  detected: boolean;
}

const CHIP = /^Apple M[1-9][0-9]?( (Pro|Max|Ultra))?$/;
const GB = 1024 ** 3;

/** One line of a command's output, or undefined when the command fails (never throws, never waits long). */
function read(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const sysctlNumber = (name: string): number | undefined => {
  const value = Number(read('sysctl', ['-n', name]));
  return Number.isInteger(value) && value >= 0 ? value : undefined;
};

/** Reads this machine's profile; `chip` (from the config) replaces the chip that was read or the placeholder's. */
export function detectHardware(chip?: string): DetectedHardware {
  const memoryGB = Math.round((os.totalmem() / GB) * 10) / 10;
  const cores = Math.max(1, os.cpus().length);
  const brand = process.platform === 'darwin' ? read('sysctl', ['-n', 'machdep.cpu.brand_string']) : undefined;
  const detected = brand !== undefined && CHIP.test(brand);
  const name = chip ?? (detected ? brand : 'Apple M1');
  if (!detected) {
    return {
      detected,
      hardware: {
        chip: name,
        performanceCores: cores,
        efficiencyCores: 0,
        gpuCores: 8,
        neuralEngineCores: 16,
        unifiedMemoryGB: memoryGB,
        macOSVersion: '14.0',
      },
    };
  }
  const gpuCores = Number(/"gpu-core-count"\s*=\s*(\d+)/.exec(read('ioreg', ['-rc', 'AGXAccelerator', '-d1']) ?? '')?.[1] ?? 0);
  const version = read('sw_vers', ['-productVersion']);
  return {
    detected,
    hardware: {
      chip: name,
      performanceCores: Math.max(1, sysctlNumber('hw.perflevel0.physicalcpu') ?? cores),
      efficiencyCores: sysctlNumber('hw.perflevel1.physicalcpu') ?? 0,
      gpuCores: gpuCores > 0 ? gpuCores : 8,
      neuralEngineCores: name.endsWith('Ultra') ? 32 : 16,
      unifiedMemoryGB: memoryGB,
      macOSVersion: version !== undefined && /^[1-9][0-9]*(\.[0-9]+){0,2}$/.test(version) ? version : '14.0',
    },
  };
}

/**
 * The model tiers a machine has the memory for: 4-bit weights take about 0.6 GB per billion parameters with their
 * KV cache, and macOS lets the GPU use about three quarters of unified memory.
 */
export function tiersFor(unifiedMemoryGB: number): ModelTier[] {
  const tiers: ModelTier[] = ['tiny'];
  if (unifiedMemoryGB >= 8) tiers.push('small');
  if (unifiedMemoryGB >= 32) tiers.push('medium');
  if (unifiedMemoryGB >= 64) tiers.push('large');
  if (unifiedMemoryGB >= 128) tiers.push('xlarge');
  return tiers;
}
