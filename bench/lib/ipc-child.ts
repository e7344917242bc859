/**
 * A benchmark child that stays up and answers commands over Node's IPC channel (bench/lib/child.ts runs one task
 * and ends). The child sends `{ type: 'ready', ... }` once started, then answers every `{ id, cmd, ... }` with
 * `{ id, ... }` or `{ id, error }`; `stop` asks it to close what it opened and exit, and it is killed if it does not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A reply from the child: the fields it sent, or an error. */
type Reply = Record<string, unknown> & { id?: number; type?: string; error?: string };

/** A running child. */
export interface IpcChild {
  /** What the child sent with `ready`. */
  readonly ready: Reply;
  /** Sends `cmd` with `fields` and resolves with the child's answer; rejects on its error or after `timeoutMs`. */
  call<T>(cmd: string, fields: Record<string, unknown>, timeoutMs: number): Promise<T>;
  /** Asks the child to stop and waits for it to exit; kills it after `timeoutMs`. Safe twice. */
  stop(timeoutMs: number): Promise<void>;
}

/** Starts `bench/children/<script>` with `args` under tsx and waits (at most `readyMs`) for its `ready` message. */
export async function startIpcChild(script: string, args: readonly string[], readyMs: number, nodeFlags: readonly string[] = []): Promise<IpcChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', fileURLToPath(new URL(`../children/${script}`, import.meta.url)), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let readyReply: ((reply: Reply) => void) | undefined;
  child.on('message', (message: Reply) => {
    if (message.type === 'ready') {
      readyReply?.(message);
      return;
    }
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (pending === undefined || message.id === undefined) return;
    waiting.delete(message.id);
    if (typeof message.error === 'string') pending.reject(new Error(`bench child ${script}: ${message.error}`));
    else pending.resolve(message);
  });
  void exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`bench child ${script} exited: ${stderr.trim().slice(-1000)}`));
    waiting.clear();
  });

  const ready = await new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench child ${script} was not ready within ${readyMs} ms: ${stderr.trim().slice(-1000)}`));
    }, readyMs);
    readyReply = (reply) => {
      clearTimeout(timer);
      resolve(reply);
    };
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bench child ${script} exited before it was ready: ${stderr.trim().slice(-1000)}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    ready,
    call<T>(cmd: string, fields: Record<string, unknown>, timeoutMs: number): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`bench child ${script} did not answer ${cmd} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (reply) => {
            clearTimeout(timer);
            resolve(reply as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, cmd, ...fields });
      });
    },
    stop(timeoutMs: number): Promise<void> {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ id: 0, cmd: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
