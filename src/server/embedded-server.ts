/**
 * EmbeddedNatsServer: runs nats-server as a child process for development, tests and single-machine clusters.
 *
 * The lifecycle in one place: a private directory per run holds the generated 0600 config file (credentials never
 * go on argv) and the ports file nats-server writes (so port 0 needs no probe-then-bind race). `start()` resolves
 * only once the client port accepts TCP and `/healthz` answers 200; `stop()` sends SIGTERM, then SIGKILL after a
 * grace period. An exit nobody asked for is reported as an `exit` event with the code and the last log lines, and
 * a watchdog makes sure the server never outlives this process (see watchdog.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, DistributedError, NatsPortInUseError, NatsServerStartError } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { buildServerConfig, EMBEDDED_DEFAULTS, resolveEmbeddedOptions, type EmbeddedLogLevel, type ResolvedEmbeddedOptions } from './config.js';
import { createLineSplitter, LogRing, portInUseFrom, redactLogLine, serverLineLevel } from './logs.js';
import { fetchServerVersion, healthzOk, readPortsFile, tcpAccepts, type ServerPorts } from './readiness.js';
import { notYetSaid, serverVersionWarnings } from '../base/server-version.js';
import { guardServer, type ServerGuard } from './watchdog.js';
import { findNatsServer } from './find-binary.js';
import type { EmbeddedServerOptions, EmbeddedServerReload } from './types.js';

/** What the `exit` event reports. */
export interface EmbeddedServerExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  /** The last log lines (credentials redacted). */
  logs: string[];
  /** True when `stop()` asked for this exit; false for a crash or an outside kill. */
  expected: boolean;
}

/** Events of `EmbeddedNatsServer.on()` and their payloads. */
export interface EmbeddedServerEvents {
  /** The server (one that had become ready) exited. Start failures reject `start()` instead. */
  exit: [info: EmbeddedServerExit];
}

/** A listener of event `E`. */
export type EmbeddedServerListener<E extends keyof EmbeddedServerEvents> = (...args: EmbeddedServerEvents[E]) => void;

/** Options of the `EmbeddedNatsServer` constructor. */
export interface EmbeddedNatsServerConfig {
  /** Where lifecycle messages and the server's own log lines go. Default: silent. */
  logger?: Logger;
}

/** One spawned process, from spawn to cleanup. */
interface Run {
  readonly child: ChildProcess;
  readonly binary: string;
  readonly dir: string;
  readonly configFile: string;
  /** Where nats-server writes its pid: the caller's `pidFile` or one in `dir`. */
  readonly pidFile: string;
  /** The options as given and as resolved; `reload()` replaces both once the server has taken the change. */
  source: EmbeddedServerOptions;
  options: ResolvedEmbeddedOptions;
  /** The text of `configFile`, put back when a reload is refused. */
  configText: string;
  /** Called with every output line (redacted), e.g. by a reload waiting for the server's verdict. */
  readonly lineWatchers: Set<(line: string) => void>;
  guard: ServerGuard | undefined;
  /** Became ready: its exit is reported as an event. */
  ready: boolean;
  /** `stop()` (or a failed start) asked for the exit. */
  expected: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error } | undefined;
  /** Resolves once the process is gone and its directory removed. */
  exited: Promise<void>;
  terminating: Promise<void> | undefined;
  portInUse: number | undefined;
  /** The last line nats-server marked fatal or error, for the start error's message. */
  lastFailure: string | undefined;
  /** Wakes the readiness loop early (new output or exit). */
  wake: (() => void) | undefined;
}

const LEVEL_RANK: Record<EmbeddedLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** A function, not an inline test, so that TypeScript re-reads `run.exit` after an await. */
function isAlive(run: Run): boolean {
  return run.exit === undefined;
}

function sendSignal(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    child.kill(signal);
  } catch {
    // Already gone.
  }
}

/** How long to wait for `/varz` after the server is ready. */
const VERSION_TIMEOUT_MS = 1000;

/**
 * A nats-server child process with a small lifecycle API (`start`, `stop`, `isRunning`, `getPort`,
 * `getLogs`, ports, URL, pid and an `exit` event).
 *
 * @example
 * const server = new EmbeddedNatsServer();
 * await server.start({ port: 0, httpPort: 0 });
 * console.log(server.getUrl()); // nats://127.0.0.1:41234
 * await server.stop();
 */
export class EmbeddedNatsServer {
  private readonly logger: Logger;
  private readonly listeners: { [E in keyof EmbeddedServerEvents]: Set<EmbeddedServerListener<E>> } = { exit: new Set() };
  private ring = new LogRing(EMBEDDED_DEFAULTS.logLines);
  private run: Run | undefined;
  private startAttempt: Promise<void> | undefined;
  private abortStart = false;
  private stopping: Promise<void> | undefined;
  private reloads: Promise<void> = Promise.resolve();
  private endpoint: { host: string; port: number; httpPort: number | undefined; clusterPort: number | undefined; version: string | undefined } | undefined;

  /** @param options.logger receives lifecycle messages and the server's log lines (at or above `logLevel`). */
  constructor(options: EmbeddedNatsServerConfig = {}) {
    this.logger = (options.logger ?? silentLogger()).child({ component: 'embedded-nats-server' });
  }

  /**
   * Starts nats-server and resolves once it is ready: the client port accepts TCP and `/healthz` answers 200.
   * @throws {ConfigValidationError} an option is invalid (nothing was started).
   * @throws {NatsServerNotFoundError} no nats-server binary was found.
   * @throws {NatsPortInUseError} a port it should listen on is taken.
   * @throws {NatsServerStartError} it exited first, was not ready within `startTimeoutMs`, `stop()` was called
   * meanwhile, or a server is already running or starting on this instance. Carries the last log lines.
   */
  async start(options: EmbeddedServerOptions = {}): Promise<void> {
    if (this.startAttempt !== undefined || this.run !== undefined || this.stopping !== undefined) {
      const state = this.startAttempt !== undefined ? 'starting' : this.stopping !== undefined ? 'stopping' : `running at ${this.getUrl()}`;
      throw new NatsServerStartError(
        `EmbeddedNatsServer.start() was called while its server is ${state}. Await stop() before starting again, or create another EmbeddedNatsServer for a second server.`,
        [],
      );
    }
    this.abortStart = false;
    const attempt = this.launch(options);
    this.startAttempt = attempt;
    try {
      await attempt;
    } finally {
      this.startAttempt = undefined;
    }
  }

  /**
   * Stops the server: SIGTERM, then SIGKILL after `stopGraceMs`; resolves once the process has exited and its
   * private directory (config file included) is removed. Safe to call twice, concurrently, or before `start()`.
   * Called during `start()`, it makes that `start()` reject.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /** True while the server is up: ready, not exited, and not being stopped. */
  isRunning(): boolean {
    const run = this.run;
    return run !== undefined && run.ready && run.exit === undefined && !run.expected;
  }

  /** The client port of the last server that became ready (the one chosen when port 0 was asked); 0 before that. */
  getPort(): number {
    return this.endpoint?.port ?? 0;
  }

  /** The monitoring port of the last server that became ready; undefined before that. */
  getHttpPort(): number | undefined {
    return this.endpoint?.httpPort;
  }

  /** The version of the last server that became ready, as it reports it (`2.9.10`); undefined if it did not say. */
  getVersion(): string | undefined {
    return this.endpoint?.version;
  }

  /** The route (cluster) port of the last server that became ready, if it joined a cluster. */
  getClusterPort(): number | undefined {
    return this.endpoint?.clusterPort;
  }

  /**
   * The client URL of the last server that became ready, e.g. `nats://127.0.0.1:4222`. Never contains credentials.
   * @throws {DistributedError} (`NATS_SERVER_NOT_STARTED`) before the first successful `start()`.
   */
  getUrl(): string {
    if (this.endpoint === undefined) {
      throw new DistributedError('NATS_SERVER_NOT_STARTED', 'EmbeddedNatsServer has no URL yet: await start() first.');
    }
    return `nats://${formatHost(this.endpoint.host)}:${this.endpoint.port}`;
  }

  /** The pid of the nats-server process while it exists. */
  getPid(): number | undefined {
    const run = this.run;
    return run !== undefined && run.exit === undefined ? run.child.pid : undefined;
  }

  /**
   * The file holding the running server's pid, while it runs: the `pidFile` option, or one in its private directory.
   * `nats-server --signal reload=<file>` makes the server re-read its config file from another process.
   */
  getPidFile(): string | undefined {
    return this.isRunning() ? this.run?.pidFile : undefined;
  }

  /**
   * Applies `update` to the running server without a restart: rewrites its config file and sends SIGHUP, as
   * `nats-server --signal reload` does. Resolves once the server logs that it reloaded. nats-server (2.9 too) keeps
   * the connections of users it still lists, applies their new permissions, and closes the others'. Reloads run one
   * at a time; a refused one leaves the server, and its config file, as they were.
   * @throws {ConfigValidationError} the update is invalid (nothing was changed).
   * @throws {DistributedError} `NATS_SERVER_NOT_STARTED` when no server runs; `NATS_SERVER_RELOAD` when the server
   * refused the new configuration or did not answer within `startTimeoutMs`.
   */
  reload(update: EmbeddedServerReload = {}): Promise<void> {
    const next = this.reloads.then(() => this.reloadNow(update));
    this.reloads = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(update: EmbeddedServerReload): Promise<void> {
    const run = this.run;
    if (run === undefined || !this.isRunning()) {
      throw new DistributedError('NATS_SERVER_NOT_STARTED', 'EmbeddedNatsServer.reload() needs a running server: await start() first.');
    }
    const source: EmbeddedServerOptions = { ...run.source, ...update };
    const options = resolveEmbeddedOptions(source);
    const text = buildServerConfig(options, join(run.dir, 'jetstream'), run.pidFile);
    const verdict = this.reloadVerdict(run, options.startTimeoutMs);
    try {
      await replaceFile(run.configFile, text);
      sendSignal(run.child, 'SIGHUP');
      await verdict.outcome;
    } catch (error) {
      verdict.cancel();
      await replaceFile(run.configFile, run.configText).catch(() => undefined);
      throw error;
    }
    run.source = source;
    run.options = options;
    run.configText = text;
    this.logger.info({ pid: run.child.pid, users: update.authorization?.users.length }, 'nats-server reloaded its configuration');
  }

  /** What the server says after SIGHUP: it reloaded, it refused (with its reason), or nothing within `timeoutMs`. */
  private reloadVerdict(run: Run, timeoutMs: number): { outcome: Promise<void>; cancel: () => void } {
    let cancel = (): void => undefined;
    const outcome = new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        run.lineWatchers.delete(watch);
        clearTimeout(timer);
        if (error === undefined) resolve();
        else reject(error);
      };
      const watch = (line: string): void => {
        if (line.includes('Reloaded server configuration')) done();
        else if (line.includes('Failed to reload server configuration')) {
          done(
            new DistributedError(
              'NATS_SERVER_RELOAD',
              `nats-server refused the new configuration and keeps the old one: ${line.replace(/^.*?Failed to reload server configuration:\s*/, '')}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done(
          new DistributedError(
            'NATS_SERVER_RELOAD',
            `nats-server (pid ${String(run.child.pid)}) did not say within ${timeoutMs} ms whether it reloaded its configuration; it may still run the old one.`,
          ),
        );
      }, timeoutMs);
      run.lineWatchers.add(watch);
      cancel = () => {
        run.lineWatchers.delete(watch);
        clearTimeout(timer);
      };
    });
    // A failure before the signal was sent is reported by the caller; this promise must not go unhandled then.
    outcome.catch(() => undefined);
    return { outcome, cancel };
  }

  /** Recent stdout/stderr lines of the current or last server, oldest first, credentials redacted (bounded by `logLines`). */
  getLogs(): string[] {
    return this.ring.lines();
  }

  /** Adds a listener. Listener exceptions are caught and logged. */
  on<E extends keyof EmbeddedServerEvents>(event: E, listener: EmbeddedServerListener<E>): this {
    this.listeners[event].add(listener);
    return this;
  }

  /** Removes a listener added with `on()`. */
  off<E extends keyof EmbeddedServerEvents>(event: E, listener: EmbeddedServerListener<E>): this {
    this.listeners[event].delete(listener);
    return this;
  }

  private emit<E extends keyof EmbeddedServerEvents>(event: E, ...args: EmbeddedServerEvents[E]): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        listener(...args);
      } catch (error) {
        this.logger.error({ err: error, event }, 'an EmbeddedNatsServer event listener threw');
      }
    }
  }

  private async launch(options: EmbeddedServerOptions): Promise<void> {
    const o = resolveEmbeddedOptions(options);
    const binary = findNatsServer(o.binary);
    this.ring = new LogRing(o.logLines);
    const began = performance.now();

    // mkdtemp makes the directory 0700; the config file inside is 0600 on top of that.
    const dir = await mkdtemp(join(tmpdir(), 'nats-embedded-'));
    const configFile = join(dir, 'nats.conf');
    const pidFile = o.pidFile ?? join(dir, 'nats-server.pid');
    const config = buildServerConfig(o, join(dir, 'jetstream'), pidFile);
    try {
      await writeFile(configFile, config, { mode: 0o600, flag: 'wx' });
      if (this.abortStart) throw new NatsServerStartError('stop() was called before nats-server was started.', []);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }

    let run: Run;
    try {
      run = this.spawnRun(binary, { source: options, options: o, dir, configFile, configText: config, pidFile });
    } catch (error) {
      // spawn() itself can throw (e.g. EMFILE): no process, so no exit event will clean up.
      await rm(dir, { recursive: true, force: true });
      throw new NatsServerStartError(`Could not spawn nats-server at ${binary}: ${describe(error)}.`, []);
    }
    this.run = run;
    let ports: ServerPorts;
    try {
      ports = await this.waitUntilReady(run);
    } catch (error) {
      run.expected = true;
      if (run.exit === undefined) sendSignal(run.child, 'SIGKILL');
      await run.exited;
      throw error;
    }
    run.ready = true;
    // The monitoring endpoint that just answered /healthz also tells the version: what features the server has.
    const version = ports.http === undefined ? undefined : await fetchServerVersion(o.host, ports.http, VERSION_TIMEOUT_MS);
    this.endpoint = { host: o.host, port: ports.client, httpPort: ports.http, clusterPort: ports.cluster, version };
    this.logger.info(
      { url: this.getUrl(), version, httpPort: ports.http, clusterPort: ports.cluster, pid: run.child.pid, ms: Math.round(performance.now() - began) },
      'nats-server is ready',
    );
    // The server runs the config written above, unless the caller's args name another file we do not read.
    const ownConfig = o.args.some((arg) => /^--?c(onfig)?(=|$)/.test(arg)) ? undefined : config;
    for (const warning of notYetSaid(serverVersionWarnings(version, ownConfig))) this.logger.warn({ version }, warning);
  }

  private spawnRun(
    binary: string,
    files: { source: EmbeddedServerOptions; options: ResolvedEmbeddedOptions; dir: string; configFile: string; configText: string; pidFile: string },
  ): Run {
    const { options: o, dir, configFile } = files;
    // detached: the server gets its own process group, so a Ctrl-C meant for the application reaches the
    // application, which stops the server in order (e.g. after draining its client). The guard covers the rest.
    const child = spawn(binary, ['-c', configFile, '--ports_file_dir', dir, ...o.args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let markExited = (): void => undefined;
    const run: Run = {
      child,
      binary,
      ...files,
      lineWatchers: new Set(),
      guard: undefined,
      ready: false,
      expected: false,
      exit: undefined,
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
      terminating: undefined,
      portInUse: undefined,
      lastFailure: undefined,
      wake: undefined,
    };
    const out = createLineSplitter((line) => {
      this.onServerLine(run, line, 'stdout');
    });
    const err = createLineSplitter((line) => {
      this.onServerLine(run, line, 'stderr');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.write(chunk);
    });

    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (run.exit !== undefined) return;
      out.flush();
      err.flush();
      run.exit = spawnError === undefined ? { code, signal } : { code, signal, spawnError };
      // Decided now: a stop() called after the crash, while cleanup runs, does not make the crash "expected".
      const expected = run.expected;
      run.guard?.release();
      run.wake?.();
      void rm(dir, { recursive: true, force: true })
        .catch((error: unknown) => {
          this.logger.warn({ err: error, dir }, 'could not remove the nats-server directory');
        })
        .then(() => removePidFile(run))
        .then(() => {
          // start() refuses while a run exists, so the run that ended is the current one.
          this.run = undefined;
          if (run.ready) this.reportExit(run, { code, signal, expected });
          markExited();
        });
    };
    child.once('error', (error) => {
      // Only a failed spawn ends the run here; a failed kill() of a live process is not an exit.
      if (child.pid === undefined) finish(null, null, error);
    });
    child.once('close', (code, signal) => {
      finish(code, signal);
    });
    if (child.pid !== undefined) run.guard = guardServer(child, configFile, dir, o.pidFile);
    return run;
  }

  private onServerLine(run: Run, raw: string, stream: 'stdout' | 'stderr'): void {
    const line = redactLogLine(raw);
    this.ring.push(line);
    const level = serverLineLevel(line);
    const inUse = portInUseFrom(line);
    if (inUse !== undefined) run.portInUse = inUse;
    // nats-server logs to stderr and prints usage text to stdout: the reason for a failure is a tagged fatal/error
    // line, or an untagged stderr line such as "flag provided but not defined: -x".
    if (level === 'error' && line.trim() !== '' && (stream === 'stderr' || /\[(FTL|ERR)\]/.test(line))) run.lastFailure = line;
    if (LEVEL_RANK[level] >= LEVEL_RANK[run.options.logLevel]) this.logger[level]({ pid: run.child.pid }, line);
    for (const watch of run.lineWatchers) watch(line);
    run.wake?.();
  }

  private reportExit(run: Run, { code, signal, expected }: Omit<EmbeddedServerExit, 'logs'>): void {
    const info: EmbeddedServerExit = { code, signal, logs: this.getLogs(), expected };
    if (expected) this.logger.info({ code, signal, pid: run.child.pid }, 'nats-server stopped');
    else this.logger.error({ code, signal, pid: run.child.pid, lastLogs: info.logs.slice(-10) }, 'nats-server exited unexpectedly');
    this.emit('exit', info);
  }

  /** Polls the ports file, TCP and /healthz until all say ready; wakes early on new output. Bounded by startTimeoutMs. */
  private async waitUntilReady(run: Run): Promise<ServerPorts> {
    const o = run.options;
    const deadline = performance.now() + o.startTimeoutMs;
    let ports: ServerPorts | undefined;
    let delayMs = 1;
    for (;;) {
      if (run.exit !== undefined) throw this.startFailure(run, run.exit);
      if (this.abortStart) throw new NatsServerStartError('stop() was called before nats-server became ready.', this.getLogs());
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        const stage = ports === undefined ? 'it never reported its ports' : `port ${ports.client} did not accept TCP or /healthz did not answer 200`;
        throw new NatsServerStartError(
          `nats-server (pid ${String(run.child.pid)}) did not become ready within ${o.startTimeoutMs} ms (${stage}), so it was killed. On a slow machine raise startTimeoutMs; otherwise check the log lines below.`,
          this.getLogs(),
        );
      }
      // A cluster node is ready only once its route port is known too: the helper wires routes from it.
      ports ??= await readPortsFile(run.dir);
      if (ports !== undefined && o.cluster !== undefined && ports.cluster === undefined) ports = undefined;
      if (
        ports?.http !== undefined &&
        (await tcpAccepts(o.host, ports.client, remaining)) &&
        (await healthzOk(o.host, ports.http, remaining)) &&
        isAlive(run) // it may have exited during the checks
      ) {
        return ports;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        run.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      run.wake = undefined;
      delayMs = Math.min(delayMs * 2, 5);
    }
  }

  private startFailure(run: Run, exit: NonNullable<Run['exit']>): NatsServerStartError {
    const logs = this.getLogs();
    if (exit.spawnError !== undefined) {
      return new NatsServerStartError(
        `Could not run nats-server at ${run.binary}: ${exit.spawnError.message}. Check that the file is an executable nats-server (NATS_SERVER_BIN or the binary option).`,
        logs,
      );
    }
    if (run.portInUse !== undefined) return new NatsPortInUseError(run.portInUse, logs, exit.code, portOption(run.options, run.portInUse));
    const how = exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`;
    const why = run.lastFailure === undefined ? '' : `: ${run.lastFailure}`;
    return new NatsServerStartError(
      `nats-server exited before it was ready (${how})${why}. Check the options (args, config) and the log lines below.`,
      logs,
      exit.code,
    );
  }

  private async stopNow(): Promise<void> {
    if (this.startAttempt !== undefined) {
      this.abortStart = true;
      this.run?.wake?.();
      await this.startAttempt.catch(() => undefined);
    }
    const run = this.run;
    if (run !== undefined) await this.terminate(run);
  }

  private terminate(run: Run): Promise<void> {
    run.terminating ??= (async () => {
      run.expected = true;
      if (run.exit === undefined) {
        sendSignal(run.child, 'SIGTERM');
        const timer = setTimeout(() => {
          this.logger.warn({ pid: run.child.pid, graceMs: run.options.stopGraceMs }, 'nats-server ignored SIGTERM; sending SIGKILL');
          sendSignal(run.child, 'SIGKILL');
        }, run.options.stopGraceMs);
        await run.exited;
        clearTimeout(timer);
      }
      await run.exited;
    })();
    return run.terminating;
  }
}

/** Writes `path` whole or not at all (a rename), mode 0600: nats-server may read it at any moment. */
async function replaceFile(path: string, text: string): Promise<void> {
  const next = `${path}.next`;
  await writeFile(next, text, { mode: 0o600 });
  await rename(next, path);
}

/** Removes a pid file outside the private directory, unless another server has written its own pid there since. */
async function removePidFile(run: Run): Promise<void> {
  if (run.source.pidFile === undefined) return;
  const pid = await readFile(run.pidFile, 'utf8').catch(() => undefined);
  if (pid?.trim() === String(run.child.pid)) await rm(run.pidFile, { force: true }).catch(() => undefined);
}

/** Which option set `port` (as named in EmbeddedServerOptions), for a hint that says what to change. */
function portOption(options: ResolvedEmbeddedOptions, port: number): string | undefined {
  if (port === options.port) return 'port';
  if (port === options.httpPort) return 'httpPort';
  if (port === options.cluster?.port) return 'cluster.port';
  return undefined;
}
