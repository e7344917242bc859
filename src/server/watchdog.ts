/**
 * Makes sure an embedded nats-server never outlives the Node process that started it.
 *
 * Two layers, because neither covers every way a process dies:
 * - A `process.on('exit')` hook terminates every live server and deletes its credentials file. It runs on a normal
 *   exit, `process.exit()` and an uncaught exception, but not when the process is killed by a signal it does not
 *   handle (SIGKILL, SIGTERM, SIGINT without a handler), and the library must not install signal handlers that
 *   would change how the application reacts to Ctrl-C.
 * - A watchdog: a tiny `/bin/sh` child per server that blocks reading a pipe whose only writer is this process. The
 *   kernel closes that pipe however this process dies, SIGKILL included; `read` then returns and the watchdog
 *   removes the server's private directory and terminates it (SIGTERM, then SIGKILL after 2 s). A shell costs about
 *   a millisecond and a megabyte, where a second Node process would cost 40 ms and 40 MB on every start.
 * On a normal stop the watchdog is killed first, so it can never signal a pid the system has reused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import type { Socket } from 'node:net';

// $1 = server pid, $2 = private directory, $3 = a pid file elsewhere or "". `read` returns only at end of file: when
// this process has died. The directory goes right after SIGTERM (the server read its config at start), so the
// credentials file does not wait for the exit, which `kill -0` cannot see where nobody reaps the orphaned zombie. The
// pid file goes too, so that nobody signals a pid the system may give to another process.
const WATCHDOG_SCRIPT = [
  'read -r _',
  'kill -TERM "$1" 2>/dev/null',
  'rm -rf -- "$2"',
  '[ -n "$3" ] && rm -f -- "$3"',
  'i=0',
  'while kill -0 "$1" 2>/dev/null && [ "$i" -lt 40 ]; do sleep 0.05; i=$((i+1)); done',
  'kill -KILL "$1" 2>/dev/null',
].join('\n');

/** A server under guard. */
interface Guarded {
  child: ChildProcess;
  configFile: string;
}

const live = new Set<Guarded>();
let exitHookInstalled = false;

/**
 * The `process.on('exit')` hook: sends SIGTERM to every guarded server and deletes its config file. Synchronous,
 * as exit hooks must be; the watchdog follows up with SIGKILL if SIGTERM is not enough. Exported for tests.
 */
export function terminateGuardedServers(): void {
  for (const guarded of live) {
    try {
      guarded.child.kill('SIGTERM');
    } catch {
      // Already gone.
    }
    try {
      unlinkSync(guarded.configFile);
    } catch {
      // Already removed.
    }
  }
}

/** Handle returned by {@link guardServer}; call `release()` once the server has exited. */
export interface ServerGuard {
  /** Stops guarding: kills the watchdog and forgets the server. Safe to call twice. */
  release(): void;
  /** The watchdog's pid (for tests and diagnostics). */
  readonly watchdogPid: number | undefined;
}

/**
 * Guards a freshly spawned nats-server: terminated on this process's exit, and by a watchdog if this process is
 * killed. `dir` is the server's private directory (config file, ports file, default JetStream store); `pidFile` a
 * pid file outside it, removed with it.
 */
export function guardServer(child: ChildProcess, configFile: string, dir: string, pidFile?: string): ServerGuard {
  const guarded: Guarded = { child, configFile };
  live.add(guarded);
  if (!exitHookInstalled) {
    process.on('exit', terminateGuardedServers);
    exitHookInstalled = true;
  }

  let watchdog: ChildProcess | undefined;
  if (process.platform !== 'win32' && child.pid !== undefined) {
    watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'nats-server-watchdog', String(child.pid), dir, pidFile ?? ''], {
      // Its own session: a Ctrl-C meant for the application does not kill the guard.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.on('error', () => {
      // No /bin/sh: the exit hook still covers normal exits.
    });
    // Neither the watchdog nor its pipe may keep the application's event loop alive.
    watchdog.unref();
    (watchdog.stdin as Socket | null)?.unref();
  }

  let released = false;
  return {
    watchdogPid: watchdog?.pid,
    release() {
      if (released) return;
      released = true;
      live.delete(guarded);
      if (watchdog === undefined) return;
      // Close our end of the pipe only once the watchdog is dead: closing it first would be its signal to kill.
      const pipe = watchdog.stdin;
      if (watchdog.exitCode !== null || watchdog.signalCode !== null) {
        pipe?.destroy();
        return;
      }
      watchdog.once('exit', () => pipe?.destroy());
      watchdog.kill('SIGKILL');
    },
  };
}
