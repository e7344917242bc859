/**
 * Test helpers for `mlx-node` as a real process: configuration files written to a scratch folder, the bin started
 * from source (node --import tsx), its start-up summary awaited, and HTTP polling until the cluster is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const MLX_NODE_BIN = 'src/cluster/service/bin.ts';

/** Writes `config` as YAML to `dir/name` and returns the path. */
export function writeConfig(dir: string, name: string, config: object): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(config));
  return path;
}

/** A running (or finished) mlx-node process and what it printed. */
export interface MlxNodeProcess {
  child: ChildProcess;
  /** Everything written to stdout (the logs) and stderr (the summary and start errors) so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (or 128 + signal number when killed by a signal). */
  exited: Promise<number>;
}

/** Runs `mlx-node args` and resolves when it has printed its summary (or exited: check `exited`). */
export async function startMlxNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<MlxNodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MLX_NODE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
    });
  });
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^mlx-node (controller|worker|dual) \|/m.test(stderr)) resolve();
    });
  });
  await Promise.race([ready, exited]);
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** Runs `mlx-node args` to its end and resolves with its exit code and output. */
export async function runMlxNodeToEnd(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const node = await startMlxNode(args, env);
  const code = await node.exited;
  return { code, stdout: node.stdout, stderr: node.stderr };
}

/** Polls `url` until `accept(status, body)` holds, for at most `timeoutMs`; throws with the last answer otherwise. */
export async function waitForHttp(
  url: string,
  accept: (status: number, body: string) => boolean,
  timeoutMs = 15_000,
  headers: Record<string, string> = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      const body = await res.text();
      if (accept(res.status, body)) return body;
      last = `${res.status} ${body}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms; last answer: ${last}`);
}

/** Stops a process if it still runs (SIGKILL: tests clean up, they do not test draining here). */
export function kill(node: MlxNodeProcess | undefined): void {
  if (node?.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
}
