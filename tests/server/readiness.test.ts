import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialHost, healthzOk, readPortsFile, tcpAccepts } from '../../src/server/readiness.js';

let scratch: string;
let counter = 0;
const servers: (Server | HttpServer)[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'readiness-'));
});
afterAll(() => {
  for (const server of servers) {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
  }
  rmSync(scratch, { recursive: true, force: true });
});

function portsDir(files: Record<string, string>): string {
  const dir = join(scratch, `d${counter++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('readPortsFile', () => {
  it('reads client, monitoring and route ports', async () => {
    const dir = portsDir({
      'other.txt': 'x',
      'nats-server_12.ports': JSON.stringify({ nats: ['nats://127.0.0.1:4001'], monitoring: ['http://127.0.0.1:8001'], cluster: ['nats://127.0.0.1:6001'] }),
    });
    expect(await readPortsFile(dir)).toEqual({ client: 4001, http: 8001, cluster: 6001 });
  });

  it('leaves out what the file does not name', async () => {
    const dir = portsDir({ 'a.ports': JSON.stringify({ nats: ['nats://127.0.0.1:4001'], monitoring: [], cluster: 'x' }) });
    expect(await readPortsFile(dir)).toEqual({ client: 4001, http: undefined, cluster: undefined });
  });

  it('is undefined until the file exists and is complete', async () => {
    expect(await readPortsFile(join(scratch, 'no-such-dir'))).toBeUndefined();
    expect(await readPortsFile(portsDir({}))).toBeUndefined();
    expect(await readPortsFile(portsDir({ 'a.ports': '{"nats":["nats://127.0' }))).toBeUndefined();
    expect(await readPortsFile(portsDir({ 'a.ports': '{"monitoring":["http://127.0.0.1:1"]}' }))).toBeUndefined();
    expect(await readPortsFile(portsDir({ 'a.ports': '{"nats":["not a url"]}' }))).toBeUndefined();
    expect(await readPortsFile(portsDir({ 'a.ports': '{"nats":["nats://127.0.0.1"]}' }))).toBeUndefined();
  });
});

describe('dialHost', () => {
  it('dials loopback for wildcard binds and strips IPv6 brackets', () => {
    expect(dialHost('0.0.0.0')).toBe('127.0.0.1');
    expect(dialHost('::')).toBe('::1');
    expect(dialHost('[::]')).toBe('::1');
    expect(dialHost('[::1]')).toBe('::1');
    expect(dialHost('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('tcpAccepts', () => {
  it('is true for a listening port and false for a closed one', async () => {
    expect(await tcpAccepts('127.0.0.1', await listen(createServer()), 1000)).toBe(true);
    expect(await tcpAccepts('127.0.0.1', await closedPort(), 1000)).toBe(false);
  });
});

describe('healthzOk', () => {
  it('is true only for a 200 answer on /healthz', async () => {
    const paths: string[] = [];
    const ok = await listen(
      createHttpServer((req, res) => {
        paths.push(req.url ?? '');
        res.end('{"status":"ok"}');
      }),
    );
    const unhealthy = await listen(
      createHttpServer((_req, res) => {
        res.statusCode = 503;
        res.end();
      }),
    );
    expect(await healthzOk('127.0.0.1', ok, 1000)).toBe(true);
    expect(paths).toEqual(['/healthz']);
    expect(await healthzOk('127.0.0.1', unhealthy, 1000)).toBe(false);
    expect(await healthzOk('127.0.0.1', await closedPort(), 1000)).toBe(false);
  });

  it('gives up after its timeout when the server never answers', async () => {
    const silent = await listen(
      createHttpServer(() => {
        // never responds
      }),
    );
    expect(await healthzOk('127.0.0.1', silent, 50)).toBe(false);
  });
});
