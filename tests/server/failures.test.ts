import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedNatsServer, type EmbeddedServerExit } from '../../src/server/embedded-server.js';
import { ConfigValidationError, NatsPortInUseError, NatsServerNotFoundError, NatsServerStartError } from '../../src/base/errors.js';
import { findNatsServer } from '../../src/server/find-binary.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { isProcessAlive, waitForProcessGone } from '../helpers/processes.js';

let scratch: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'embedded-failures-'));
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Holds a loopback port with a plain TCP listener, as another program would. */
async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      holder.close(() => {
        resolve();
      });
    });
  cleanups.push(close);
  return { port: address.port, close };
}

/** Runs start(), expecting it to reject with an instance of `type`; returns that error. */
async function startError<E extends Error>(
  server: EmbeddedNatsServer,
  options: Parameters<EmbeddedNatsServer['start']>[0],
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  cleanups.push(() => server.stop());
  try {
    await server.start(options);
  } catch (error) {
    expect(server.isRunning()).toBe(false);
    expect(server.getPid()).toBeUndefined();
    expect(error).toBeInstanceOf(type);
    if (error instanceof type) return error;
  }
  throw new Error(`start() did not reject with ${type.name}`);
}

/** A script standing in for nats-server, to produce failures the real one will not. */
function fakeServer(name: string, body: string): string {
  const file = join(scratch, name);
  writeFileSync(file, body);
  chmodSync(file, 0o755);
  return file;
}

describe('EmbeddedNatsServer start failures', () => {
  it('names the client port when it is in use, and says what to do', async () => {
    const { port } = await occupyPort();
    const inUse = await startError(new EmbeddedNatsServer(), { port, httpPort: 0 }, NatsPortInUseError);
    expect(inUse.port).toBe(port);
    expect(inUse.code).toBe('NATS_PORT_IN_USE');
    expect(inUse.message).toContain(`Port ${port} is already in use`);
    expect(inUse.message).toContain('port 0');
    expect(inUse.logs.some((l) => l.includes('address already in use'))).toBe(true);
  });

  it('names the monitoring port when that one is in use', async () => {
    const { port } = await occupyPort();
    const error = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: port }, NatsPortInUseError);
    expect(error.port).toBe(port);
    expect(error.option).toBe('httpPort');
    expect(error.message).toContain('set `httpPort` to another port');
  });

  it('a free client port implies a free monitoring port: two servers with port 0 and no httpPort both start', async () => {
    const a = new EmbeddedNatsServer();
    const b = new EmbeddedNatsServer();
    try {
      await a.start({ port: 0 });
      await b.start({ port: 0 });
      expect(a.isRunning() && b.isRunning()).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('names the route port when that one is in use', async () => {
    const { port } = await occupyPort();
    const error = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: 0, cluster: { name: 'c', port } }, NatsPortInUseError);
    expect(error.port).toBe(port);
    expect(error.option).toBe('cluster.port');
  });

  it('reports a missing binary with where it looked', async () => {
    const missing = join(scratch, 'no-such-nats-server');
    const error = await startError(new EmbeddedNatsServer(), { binary: missing, port: 0, httpPort: 0 }, NatsServerNotFoundError);
    expect(error.message).toContain(missing);
    // The hint works for a consumer of the package too: no script of this repository.
    expect(error.message).not.toContain('npm run');
    expect(error.message).toContain('apt-get install -y nats-server');
  });

  it('rejects invalid options before starting anything', async () => {
    const error = await startError(new EmbeddedNatsServer(), { port: -5, httpPort: 0 }, ConfigValidationError);
    expect(error.message).toContain('port');
  });

  it('rejects with the exit code and last log lines when nats-server exits first (bad argument)', async () => {
    const startErr = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: 0, args: ['--no-such-flag'] }, NatsServerStartError);
    expect(startErr.code).toBe('NATS_SERVER_START');
    expect(startErr.message).toContain('exited before it was ready');
    expect(startErr.message).toContain('flag provided but not defined');
    expect(startErr.logs.length).toBeGreaterThan(0);
    expect(startErr.exitCode).not.toBeNull();
  });

  it('rejects when the configuration text is invalid', async () => {
    const error = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: 0, config: 'this is { not valid' }, NatsServerStartError);
    expect(error.exitCode).not.toBe(0);
  });

  it('rejects when the binary cannot be executed', async () => {
    const broken = fakeServer('broken-interpreter', '#!/nonexistent/interpreter\n');
    const error = await startError(new EmbeddedNatsServer(), { binary: broken, port: 0, httpPort: 0 }, NatsServerStartError);
    expect(error.message).toContain(`Could not run nats-server at ${broken}`);
  });

  it('rejects when spawn() itself throws', async () => {
    const error = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: 0, args: ['nul\u0000byte'] }, NatsServerStartError);
    expect(error.message).toContain('Could not spawn nats-server');
  });

  it('reports a process that dies by a signal before it is ready', async () => {
    const suicidal = fakeServer('killed-early', '#!/bin/sh\necho "[1] [FTL] about to die" >&2\nkill -KILL $$\n');
    const error = await startError(new EmbeddedNatsServer(), { binary: suicidal, port: 0, httpPort: 0 }, NatsServerStartError);
    expect(error.message).toContain('signal SIGKILL');
    expect(error.message).toContain('about to die');
  });

  it('kills the server and rejects when it is not ready within startTimeoutMs', async () => {
    // A stand-in that never writes a ports file: it stays "not ready" until killed.
    const silent = fakeServer('never-ready', '#!/bin/sh\necho "waiting forever"\nexec sleep 30\n');
    const server = new EmbeddedNatsServer();
    const error = await startError(server, { binary: silent, port: 0, httpPort: 0, startTimeoutMs: 200 }, NatsServerStartError);
    expect(error.message).toContain('did not become ready within 200 ms');
    expect(error.message).toContain('never reported its ports');
    expect(error.logs).toContain('waiting forever');
  });

  it('says which check failed when the ports are reported but nothing answers', async () => {
    // Reports a closed port in its ports file ($4 is the --ports_file_dir argument), then idles.
    const liar = fakeServer(
      'reports-closed-port',
      '#!/bin/sh\necho \'{"nats":["nats://127.0.0.1:1"],"monitoring":["http://127.0.0.1:1"]}\' > "$4/fake.ports"\nexec sleep 30\n',
    );
    const error = await startError(new EmbeddedNatsServer(), { binary: liar, port: 0, httpPort: 0, startTimeoutMs: 300 }, NatsServerStartError);
    expect(error.message).toContain('port 1 did not accept TCP or /healthz did not answer 200');
  });

  it('waits for the route port of a cluster node', async () => {
    const noRoutes = fakeServer(
      'no-route-port',
      '#!/bin/sh\necho \'{"nats":["nats://127.0.0.1:1"],"monitoring":["http://127.0.0.1:1"]}\' > "$4/fake.ports"\nexec sleep 30\n',
    );
    const error = await startError(
      new EmbeddedNatsServer(),
      { binary: noRoutes, port: 0, httpPort: 0, cluster: { name: 'c', port: 0 }, startTimeoutMs: 300 },
      NatsServerStartError,
    );
    expect(error.message).toContain('it never reported its ports');
  });

  it('the real server is not ready within 1 ms', async () => {
    const error = await startError(new EmbeddedNatsServer(), { port: 0, httpPort: 0, startTimeoutMs: 1 }, NatsServerStartError);
    expect(error.message).toContain('did not become ready within 1 ms');
  });
});

describe('EmbeddedNatsServer unexpected exit', () => {
  it('emits exit { code, signal, logs, expected: false } when the process is killed from outside', async () => {
    const { server, stop } = await startNatsServer();
    cleanups.push(stop);
    const pid = server.getPid()!;
    const exited = new Promise<EmbeddedServerExit>((resolve) => server.on('exit', resolve));
    process.kill(pid, 'SIGKILL');
    const info = await exited;
    expect(info).toMatchObject({ code: null, signal: 'SIGKILL', expected: false });
    expect(info.logs.some((l) => l.includes('Server is ready'))).toBe(true);
    expect(server.isRunning()).toBe(false);
    expect(server.getPid()).toBeUndefined();
    // It can be started again, and stop() after the crash is harmless.
    await server.stop();
    await server.start({ port: 0, httpPort: 0 });
    expect(server.isRunning()).toBe(true);
  });

  it('reports the exit code of a server that exits by itself', async () => {
    const { server, stop } = await startNatsServer();
    cleanups.push(stop);
    const exited = new Promise<EmbeddedServerExit>((resolve) => server.on('exit', resolve));
    // nats-server's own "stop" signal: a clean shutdown the embedding did not ask for.
    process.kill(server.getPid()!, 'SIGINT');
    const info = await exited;
    expect(info.expected).toBe(false);
    expect(info.signal ?? info.code).not.toBeNull();
    expect(info.logs.some((l) => l.includes('Server Exiting'))).toBe(true);
  });

  it('sends SIGKILL when the server ignores SIGTERM for stopGraceMs', async () => {
    const { server, stop } = await startNatsServer({ stopGraceMs: 100 });
    cleanups.push(stop);
    const pid = server.getPid()!;
    // A stopped process cannot act on SIGTERM; only SIGKILL ends it.
    process.kill(pid, 'SIGSTOP');
    const exited = new Promise<EmbeddedServerExit>((resolve) => server.on('exit', resolve));
    await server.stop();
    const info = await exited;
    expect(info).toMatchObject({ signal: 'SIGKILL', expected: true });
    expect(await waitForProcessGone(pid, 2000)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
  });
});

describe('find-binary integration', () => {
  it('EmbeddedNatsServer uses the explicit binary option', async () => {
    const { server, stop } = await startNatsServer({ binary: findNatsServer() });
    cleanups.push(stop);
    expect(server.isRunning()).toBe(true);
  });
});
