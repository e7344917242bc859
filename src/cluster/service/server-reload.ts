/**
 * Whether the controller's embedded NATS server took a change of its users file. The server runs in another process
 * (the controller, which reloads it when the file changes), so the command asks the server itself: `/varz` on its
 * monitoring port reports `config_load_time`, which each reload moves on.
 */
import type { ClusterConfig } from '../../../generated/index.js';

/** How long a command waits for the running server to reload: the node polls the file every 500 ms. */
export const RELOAD_WAIT_MS = 10_000;

/** The monitoring URL of the embedded server `config` describes, as this machine reaches it. */
export function varzUrl(config: ClusterConfig): string {
  const { host, http_port: port } = config.cluster.nats.embedded;
  // A server on every interface answers on loopback.
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}/varz`;
}

/** When the server last loaded its configuration, or undefined when no server answers. */
export async function configLoadTime(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return undefined;
    const varz = (await response.json()) as { config_load_time?: unknown };
    return typeof varz.config_load_time === 'string' ? varz.config_load_time : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until the server at `url` has loaded its configuration again since `before`; false after `timeoutMs`. */
export async function reloadedSince(url: string, before: string, timeoutMs = RELOAD_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await configLoadTime(url);
    if (now !== undefined && now !== before) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
