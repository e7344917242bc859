/** The machine and the versions a run was measured with, for the report and docs/performance.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { findNatsServer } from '../../src/server/find-binary.js';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

function natsServerVersion(): string {
  try {
    return execFileSync(findNatsServer(), ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return '?';
  }
}

/** One paragraph describing where and with what the figures were taken. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    `machine: ${os.availableParallelism()} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, load average ${load}`,
    `versions: node ${process.versions.node}, nats.js ${packageVersion('nats')}, ${natsServerVersion()}, zod ${packageVersion('zod')}, ajv ${packageVersion('ajv')}`,
  ].join('\n');
}
