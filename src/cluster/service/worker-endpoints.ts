/**
 * A worker's own HTTP endpoints on `worker.bind_address:worker.port`: `/health` (200 while it serves and reaches
 * NATS, 503 otherwise, with its figures) and `/metrics` (Prometheus). Plain node:http: two GET routes need no more.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DistributedError, describe } from '../../base/errors.js';
import type { MetricsSource } from '../../metrics/http.js';

/** What `/health` reports. */
export interface WorkerHealth {
  ready: boolean;
  [figure: string]: unknown;
}

/** A running endpoint. */
export interface WorkerEndpoints {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `/health` from `health()` and `/metrics` from `metrics`. Rejects with `WORKER_LISTEN` when it cannot bind. */
export async function serveWorkerEndpoints(options: {
  host: string;
  port: number;
  health: () => WorkerHealth;
  metrics: MetricsSource;
}): Promise<WorkerEndpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET' }).end(JSON.stringify({ error: 'Use GET.' }));
      return;
    }
    if (path === '/health') {
      const { ready, ...figures } = options.health();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ok' : 'unavailable', ...figures }));
      return;
    }
    if (path === '/metrics') {
      options.metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.metrics.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`Collecting metrics failed: ${describe(error)}\n`),
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: `No route ${path ?? ''}: a worker serves GET /health and GET /metrics.` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      reject(
        new DistributedError(
          'WORKER_LISTEN',
          `The worker's endpoints could not listen on ${options.host}:${options.port}: ${error.message}. Change worker.port or worker.bind_address.`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
