/**
 * The three checks that say an embedded nats-server is ready: its ports file names the ports it bound (how port 0
 * works without a probe-then-bind race), its client port accepts TCP, and `/healthz` answers 200.
 */
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Ports a running nats-server reports in the file `--ports_file_dir` makes it write. */
export interface ServerPorts {
  client: number;
  http: number | undefined;
  cluster: number | undefined;
}

function firstPort(urls: unknown): number | undefined {
  if (!Array.isArray(urls) || typeof urls[0] !== 'string') return undefined;
  try {
    const port = Number(new URL(urls[0]).port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `<exe>_<pid>.ports` from the server's private directory. Undefined while the file does not exist yet or
 * is half written (nats-server does not write it atomically).
 */
export async function readPortsFile(dir: string): Promise<ServerPorts | undefined> {
  try {
    const name = (await readdir(dir)).find((file) => file.endsWith('.ports'));
    if (name === undefined) return undefined;
    const parsed = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
    const client = firstPort(parsed.nats);
    return client === undefined ? undefined : { client, http: firstPort(parsed.monitoring), cluster: firstPort(parsed.cluster) };
  } catch {
    return undefined;
  }
}

/** The address to dial for a server bound to `host`: a wildcard bind is reached through loopback. */
export function dialHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. Never rejects. */
export function tcpAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: dialHost(host), port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** True when `GET http://host:port/healthz` answers 200 within `timeoutMs`. Never rejects. */
export function healthzOk(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: dialHost(host), port, path: '/healthz', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => {
      resolve(false);
    });
    req.end();
  });
}

/**
 * The version the server reports at `GET http://host:port/varz` (its monitoring endpoint), e.g. `2.9.10`; undefined
 * when it does not answer in `timeoutMs` or answers something else. Never rejects.
 */
export function fetchServerVersion(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: dialHost(host), port, path: '/varz', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        try {
          const version = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { version?: unknown }).version;
          resolve(res.statusCode === 200 && typeof version === 'string' ? version : undefined);
        } catch {
          resolve(undefined);
        }
      });
      res.once('error', () => {
        resolve(undefined);
      });
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => {
      resolve(undefined);
    });
    req.end();
  });
}
