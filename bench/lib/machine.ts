/** The machine and the versions a run was measured with, for the report and docs/performance.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { findNatsServer } from '../../src/server/find-binary.js';

const require = createRequire(import.meta.url);

/** The installed version of `name`; packages that do not export their package.json are read from node_modules. */
function packageVersion(name: string): string {
  const read = (file: string): string => (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  try {
    return read(require.resolve(`${name}/package.json`));
  } catch {
    try {
      return read(fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url)));
    } catch {
      return '?';
    }
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
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return [
    `machine: ${os.availableParallelism()} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, load average ${load}`,
    `versions: node ${process.versions.node}, nats.js ${packageVersion('@nats-io/transport-node')} (nats-core ${packageVersion('@nats-io/nats-core')}) and ${packageVersion('nats')} (raw v2 column), ${natsServerVersion()}, zod ${packageVersion('zod')}, ajv ${packageVersion('ajv')}`,
  ].join('\n');
}
