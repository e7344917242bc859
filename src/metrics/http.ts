/**
 * A tiny HTTP endpoint for Prometheus scrapes: GET /metrics answers with the text exposition format. It binds to
 * 127.0.0.1 unless told otherwise, so metrics are never exposed beyond the machine by accident.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DistributedError, describe } from '../base/errors.js';

/** Anything that renders metrics: `ClientMetrics`, or a prom-client `Registry`. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Options of {@link serveMetrics}. */
export interface MetricsServerOptions {
  /** Port; `0` picks a free one. */
  port: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Path that serves the metrics. Default `/metrics`. */
  path?: string;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** Full URL of the metrics path, e.g. `http://127.0.0.1:40123/metrics`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves `source` over HTTP. GET on `path` gives 200 with the metrics; another path 404; another method 405; a
 * failing source 500 with a short message. Rejects with a `DistributedError` (`METRICS_LISTEN`) when it cannot bind.
 */
export async function serveMetrics(source: MetricsSource, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/metrics';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metrics.invalid');
    if (url.pathname !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found: metrics are served at ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }).end('Method not allowed: use GET\n');
      return;
    }
    source.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': source.contentType }).end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`Collecting metrics failed: ${describe(error)}\n`);
      },
    );
  });
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}${path}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new DistributedError('METRICS_LISTEN', `The metrics endpoint could not listen on ${host}:${port}: ${error.message}. Choose another port or host.`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
