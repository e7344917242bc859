/**
 * Runs a benchmark task in a fresh Node process (through tsx, like the parent), so cold-start figures and peak RSS
 * belong to that task alone. The child prints one JSON line last; the parent kills it when it overruns. Also times a
 * whole command (`npm run ...`) the way a user runs it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `bench/children/<script>` with `args` and resolves with the object on its last stdout line. Rejects with
 * the child's stderr when it fails, or after `timeoutMs` (the child is killed first).
 */
export function runChild<T>(script: string, args: readonly string[], timeoutMs: number, nodeFlags: readonly string[] = []): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', fileURLToPath(new URL(`../children/${script}`, import.meta.url)), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench child ${script} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`bench child ${script} exited with ${signal ?? String(code)}: ${stderr.trim() || last}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench child ${script} printed no JSON result: ${last}`));
      }
    });
  });
}

/** How a whole command went: wall time from spawn to exit, exit code, and the tail of its output. */
export interface CommandRun {
  ms: number;
  code: number | null;
  tail: string;
}

/**
 * Runs `command args` in the repository root as a user would (whole process, start-up included) and times it from
 * spawn to exit. A non-zero exit still resolves (the caller reports it); rejects only when it cannot start, or after
 * `timeoutMs` (it is killed first).
 */
export function timeCommand(command: string, args: readonly string[], timeoutMs: number): Promise<CommandRun> {
  return new Promise<CommandRun>((resolve, reject) => {
    const began = performance.now();
    const child = spawn(command, [...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: string): void => {
      output = (output + chunk).slice(-2000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - began, code, tail: output.trim() });
    });
  });
}
