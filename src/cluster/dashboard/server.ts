/**
 * startDashboard: the controller's dashboard on its own port (`controller.dashboard_port`). A page (`/`) with its
 * assets, the same data as JSON (`/api/cluster`) for scripts, and the page's live feed (`/api/events`, Server-Sent
 * Events). It observes the controller and the registry it is given until `close()`. Read-only: it shows no prompt,
 * no generated text and no credential, and answers nothing but GET and HEAD.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DistributedError, describe } from '../../base/errors.js';
import type { InferenceObserver } from '../inference-observer.js';
import { loadAssets, type Asset } from './assets.js';
import { ClusterView } from './cluster-view.js';
import { LiveFeed } from './live-feed.js';
import type { WorkerSource } from './worker-board.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The controller to watch: whatever its `observe` reports shows on the page. */
  controller: { observe(observer: InferenceObserver): () => void };
  /** Its registry (`controller.registry`). */
  registry: WorkerSource;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** `0` picks a free port. */
  port: number;
  /** `discovery.offline_timeout_ms`: the page says how long an offline worker was silent. */
  offlineTimeoutMs?: number;
  /** Least time between two updates of the page. Default 500 ms. */
  updateIntervalMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page, e.g. `http://127.0.0.1:8081/`. */
  readonly url: string;
  readonly port: number;
  /** What the page shows (for scripts in the same process: `view.snapshot()` is `/api/cluster`). */
  readonly view: ClusterView;
  /** Pages connected to the live feed now. */
  readonly pages: number;
  /** Stops observing, ends the live feeds and closes the port. Safe twice. */
  close(): Promise<void>;
}

/**
 * No script or style but the node's own, no request but to the node, no framing: the page cannot be made to load
 * anything from elsewhere.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer, head: boolean, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...extra });
  response.end(head ? undefined : body);
}

/** Starts the dashboard on `host:port`. Rejects (`DASHBOARD_LISTEN`) when the port cannot be bound. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const assets = await loadAssets();
  const view = new ClusterView({
    workers: options.registry,
    ...(options.offlineTimeoutMs === undefined ? {} : { offlineTimeoutMs: options.offlineTimeoutMs }),
  });
  const live = new LiveFeed(view, options.updateIntervalMs ?? 500);
  const stopObserving = options.controller.observe(view.observer);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      send(response, 405, 'text/plain; charset=utf-8', 'The dashboard is read-only: use GET.\n', false, { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/api/cluster') {
      send(response, 200, 'application/json; charset=utf-8', JSON.stringify(view.snapshot()), head, { 'cache-control': 'no-store' });
      return;
    }
    if (path === '/api/events' && !head) {
      response.setHeader('content-security-policy', SECURITY_HEADERS['content-security-policy']);
      live.open(request, response);
      return;
    }
    const asset: Asset | undefined = assets.get(path);
    if (asset === undefined) {
      send(response, 404, 'text/plain; charset=utf-8', `Not found: ${path}. The dashboard serves /, /api/cluster and /api/events.\n`, head);
      return;
    }
    send(response, 200, asset.contentType, asset.body, head, { 'cache-control': 'no-cache' });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopObserving();
    view.close();
    throw new DistributedError(
      'DASHBOARD_LISTEN',
      `The dashboard could not listen on ${host}:${options.port}: ${describe(error)}. Change controller.dashboard_port or controller.bind_address, or stop what holds the port.`,
      { cause: error },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    view,
    get pages() {
      return live.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        stopObserving();
        live.close();
        view.close();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
