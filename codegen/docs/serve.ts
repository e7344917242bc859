/**
 * A small static file server for the built docs site, bound to 127.0.0.1 only. It serves files under one root
 * directory with their content types and refuses any path that would leave the root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Content types of the files a docs site contains; anything else is sent as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** Options for {@link serveDirectory}. */
export interface ServeOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** When `port` is taken, fall back to a free port instead of failing (the CLI's default port does this). */
  readonly fallbackToFreePort?: boolean;
}

/** A running docs server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, closes open ones and resolves when the server is down. */
  close(): Promise<void>;
}

/** The content type for a file name, by extension. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request URL path to a file under `root`, or `undefined` when it is malformed or would leave `root`
 * (`..` segments, encoded slashes, NUL bytes). A path ending in `/` means its index.html.
 */
export function resolveRequestPath(root: string, urlPath: string): string | undefined {
  const pathname = urlPath.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((segment) => segment === '..')) return undefined;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const resolved = path.resolve(root, `.${relative}`);
  const inside = path.relative(root, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return resolved;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendText(res, 405, 'Method not allowed\n');
    return;
  }
  const file = resolveRequestPath(root, req.url ?? '/');
  if (file === undefined) {
    sendText(res, 400, 'Bad request path\n');
    return;
  }
  let real: string;
  try {
    // Follow symlinks, then check again: a link inside the site must not expose files outside it.
    real = await realpath(file);
    const info = await stat(real);
    if (!info.isFile() || path.relative(root, real).startsWith('..')) throw new Error('not a file inside the site');
    res.writeHead(200, {
      'content-type': contentTypeFor(real),
      'content-length': info.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  } catch {
    sendText(res, 404, 'Not found\n');
    return;
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Serves the files under `root` on 127.0.0.1.
 * @throws when the port is taken (and `fallbackToFreePort` is off) or cannot be bound.
 */
export async function serveDirectory(root: string, options: ServeOptions): Promise<RunningServer> {
  const realRoot = await realpath(path.resolve(root));
  const server = createServer((req, res) => {
    handle(realRoot, req, res).catch(() => res.destroy());
  });
  try {
    await listen(server, options.port);
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    if (!inUse || options.fallbackToFreePort !== true) {
      throw new Error(
        inUse
          ? `Port ${options.port} on 127.0.0.1 is in use: pass another with --port N (0 picks a free one).`
          : `Cannot serve the docs on 127.0.0.1:${options.port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    await listen(server, 0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
