import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EmbeddedNatsServer, type EmbeddedServerExit } from '../../src/server/embedded-server.js';
import { DistributedError, NatsServerStartError } from '../../src/base/errors.js';
import { monitor, startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { isProcessAlive, processArgv } from '../helpers/processes.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function started(options: Parameters<typeof startNatsServer>[0] = {}): Promise<TestNatsServer> {
  const s = await startNatsServer(options);
  cleanups.push(s.stop);
  return s;
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** The private directory of a running server, read from its argv (`-c <dir>/nats.conf`). */
function configFileOf(server: EmbeddedNatsServer): string {
  const argv = processArgv(server.getPid()!);
  return argv[argv.indexOf('-c') + 1]!;
}

describe('EmbeddedNatsServer lifecycle', () => {
  it('is ready when start() resolves: TCP accepts and /healthz answers 200', async () => {
    const { server, url, port } = await started();
    expect(server.isRunning()).toBe(true);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(4222);
    expect(url).toBe(`nats://127.0.0.1:${port}`);
    expect(await tcpAccepts(port)).toBe(true);
    const health = await fetch(`http://127.0.0.1:${server.getHttpPort()!}/healthz`);
    expect(health.status).toBe(200);
    expect(server.getPid()).toBeGreaterThan(0);
    expect(server.getClusterPort()).toBeUndefined();
    expect(server.getLogs().some((l) => l.includes('Server is ready'))).toBe(true);
  });

  it('stops: the process is gone, its directory removed, ports closed; stop() twice and concurrently is safe', async () => {
    const { server, port } = await started();
    const pid = server.getPid()!;
    const conf = configFileOf(server);
    expect(existsSync(conf)).toBe(true);
    const exits: EmbeddedServerExit[] = [];
    server.on('exit', (e) => exits.push(e));
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(server.isRunning()).toBe(false);
    expect(server.getPid()).toBeUndefined();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(conf)).toBe(false);
    expect(await tcpAccepts(port)).toBe(false);
    expect(exits).toHaveLength(1);
    expect(exits[0]!.expected).toBe(true);
    // The last values stay readable after stop (e.g. to restart on the same port).
    expect(server.getPort()).toBe(port);
  });

  it('stop() before start() resolves and does nothing; getters have empty values', async () => {
    const server = new EmbeddedNatsServer();
    await server.stop();
    expect(server.isRunning()).toBe(false);
    expect(server.getPort()).toBe(0);
    expect(server.getHttpPort()).toBeUndefined();
    expect(server.getPid()).toBeUndefined();
    expect(server.getLogs()).toEqual([]);
    expect(() => server.getUrl()).toThrow(DistributedError);
    expect(() => server.getUrl()).toThrow(/await start\(\) first/);
  });

  it('rejects start() while running or starting, and keeps the running server', async () => {
    const { server, url } = await started();
    await expect(server.start({ port: 0, httpPort: 0 })).rejects.toThrow(NatsServerStartError);
    await expect(server.start({ port: 0, httpPort: 0 })).rejects.toThrow(`running at ${url}`);
    expect(server.isRunning()).toBe(true);

    const other = new EmbeddedNatsServer();
    cleanups.push(() => other.stop());
    const first = other.start({ port: 0, httpPort: 0 });
    await expect(other.start({ port: 0, httpPort: 0 })).rejects.toThrow(/while its server is starting/);
    await first;
    expect(other.isRunning()).toBe(true);
  });

  it('rejects start() while stopping', async () => {
    const { server } = await started();
    const stopping = server.stop();
    await expect(server.start({ port: 0, httpPort: 0 })).rejects.toThrow(/stopping/);
    await stopping;
  });

  it('restarts on the same port after stop()', async () => {
    const { server, port } = await started();
    await server.stop();
    await server.start({ port, httpPort: 0 });
    expect(server.getPort()).toBe(port);
    expect(server.isRunning()).toBe(true);
    expect(await tcpAccepts(port)).toBe(true);
  });

  it('makes start() reject when stop() is called before the server is ready', async () => {
    const server = new EmbeddedNatsServer();
    const starting = server.start({ port: 0, httpPort: 0 });
    const stopping = server.stop();
    await expect(starting).rejects.toThrow(/stop\(\) was called before nats-server/);
    await stopping;
    expect(server.isRunning()).toBe(false);
    expect(server.getPid()).toBeUndefined();
  });

  it('stop() during the readiness wait kills the process and start() rejects', async () => {
    const server = new EmbeddedNatsServer();
    const starting = server.start({ port: 0, httpPort: 0 });
    // Wait for the process to exist, then stop while start() is still polling (or just finished).
    const deadline = Date.now() + 5000;
    while (server.getPid() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const pid = server.getPid()!;
    await server.stop();
    const outcome = await starting.then(
      () => 'ready',
      (error: unknown) => (error instanceof NatsServerStartError ? 'rejected' : 'other'),
    );
    expect(['ready', 'rejected']).toContain(outcome);
    expect(isProcessAlive(pid)).toBe(false);
    expect(server.isRunning()).toBe(false);
  });
});

/** /varz over the IPv6 loopback. */
async function monitor6(server: EmbeddedNatsServer): Promise<Record<string, unknown>> {
  const res = await fetch(`http://[::1]:${server.getHttpPort()!}/varz`);
  return (await res.json()) as Record<string, unknown>;
}

describe('EmbeddedNatsServer binding and options', () => {
  it('binds client and monitoring ports to 127.0.0.1 by default', async () => {
    const { server } = await started();
    const varz = await monitor(server, '/varz');
    expect(varz?.host).toBe('127.0.0.1');
    expect(varz?.http_host).toBe('127.0.0.1');
    expect(varz?.port).toBe(server.getPort());
  });

  it('binds to the IPv6 loopback when asked, and brackets it in the URL', async () => {
    const { server, url, port } = await started({ host: '::1' });
    expect(url).toBe(`nats://[::1]:${port}`);
    const varz = await monitor6(server);
    expect(varz.host).toBe('::1');
    expect(varz.http_host).toBe('::1');
  });

  it('passes serverName, maxPayload, JetStream (private store dir), extra config and args to nats-server', async () => {
    const { server } = await started({
      serverName: 'embedded-test-1',
      maxPayload: 4096,
      jetstream: true,
      config: 'max_connections: 77',
      args: ['--connect_retries', '3'],
    });
    const varz = await monitor(server, '/varz');
    expect(varz?.server_name).toBe('embedded-test-1');
    expect(varz?.max_payload).toBe(4096);
    expect(varz?.max_connections).toBe(77);
    const jsz = await monitor(server, '/jsz');
    const storeDir = (jsz?.config as { store_dir?: string } | undefined)?.store_dir ?? '';
    expect(storeDir).toContain('nats-embedded-');
    expect(processArgv(server.getPid()!)).toEqual(expect.arrayContaining(['--connect_retries', '3']));
  });

  it('turns on server debug output with logLevel debug', async () => {
    const { server } = await started({ logLevel: 'debug' });
    expect(server.getLogs().some((l) => l.includes('[DBG]'))).toBe(true);
  });

  it('keeps at most logLines lines', async () => {
    const { server } = await started({ logLines: 3, logLevel: 'debug' });
    expect(server.getLogs()).toHaveLength(3);
  });

  it('forwards server lines at or above logLevel to the logger, and reports readiness', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const server = new EmbeddedNatsServer({ logger: pino({ level: 'debug' }, sink) });
    cleanups.push(() => server.stop());
    await server.start({ port: 0, httpPort: 0, logLevel: 'warn' });
    await server.stop();
    const messages = lines.map((l) => String(l.msg));
    expect(messages).toContain('nats-server is ready');
    expect(messages).toContain('nats-server stopped');
    expect(lines.every((l) => l.component === 'embedded-nats-server')).toBe(true);
    // logLevel warn: the server's [INF] lines stay in getLogs() but are not forwarded.
    expect(messages.some((m) => m.includes('[INF]'))).toBe(false);
    expect(server.getLogs().some((l) => l.includes('[INF]'))).toBe(true);
  });

  it('a throwing exit listener is caught and logged; off() removes a listener', async () => {
    const errors: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        errors.push(chunk.toString());
        done();
      },
    });
    const server = new EmbeddedNatsServer({ logger: pino({ level: 'error' }, sink) });
    let removedCalls = 0;
    const removed = (): void => {
      removedCalls++;
    };
    server.on('exit', () => {
      throw new Error('listener boom');
    });
    server.on('exit', removed).off('exit', removed);
    await server.start({ port: 0, httpPort: 0 });
    await server.stop();
    expect(removedCalls).toBe(0);
    expect(errors.join('\n')).toContain('listener threw');
  });
});
