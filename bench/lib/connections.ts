/**
 * The two sides' connections. Raw: nats.js `connect` with `noAsyncTraces` (the faster raw setting, so the
 * baseline is never weakened). Typed: this package's NatsClient in external mode.
 */
import { connect, type NatsConnection } from 'nats';
import { NatsClient } from '../../src/client/client.js';
import type { NatsClientOptions } from '../../src/client/types.js';

/** A raw nats.js connection to `url`. */
export function rawConnection(url: string): Promise<NatsConnection> {
  return connect({ servers: url, noAsyncTraces: true, name: 'bench-raw' });
}

/** A connected NatsClient for `url`. */
export async function typedClient(url: string, options: Partial<NatsClientOptions> = {}): Promise<NatsClient> {
  const client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: url, name: 'bench-typed', ...options });
  return client;
}

/** Closes whatever was opened, ignoring failures (the benchmark reports them elsewhere). */
export async function closeAll(raws: readonly (NatsConnection | undefined)[], typed: readonly (NatsClient | undefined)[]): Promise<void> {
  await Promise.all([
    ...raws.map((nc) => (nc === undefined ? undefined : nc.close().catch(() => undefined))),
    ...typed.map((client) => client?.disconnect().catch(() => undefined)),
  ]);
}
