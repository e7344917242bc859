/**
 * The sides' connections and how each raw side carries JSON. Both raw sides connect with `noAsyncTraces` (the
 * faster raw setting, and the one this package's client uses), so the baseline is never weakened.
 *
 * - raw v2: nats.js 2 (`nats`, a dev dependency kept for one release) with its JSONCodec.
 * - raw v3: nats.js 3 (`@nats-io/transport-node`), which has no codecs. A careful user publishes
 *   `JSON.stringify(value)`: v3's `publish` encodes a string with its shared TextEncoder, which is exactly what
 *   encoding it first would cost, so the string is the simpler of two equal choices. Received data is read with
 *   `msg.json()`, which is `JSON.parse(msg.string())` in nats-core 3.4 (one TextDecoder pass, one parse): the same
 *   work, and the call a v3 user reaches for.
 * - typed: this package's NatsClient in external mode (itself on nats.js v3).
 */
import { connect as connectV3, type Msg as MsgV3, type NatsConnection as NatsConnectionV3 } from '@nats-io/transport-node';
import { JSONCodec, connect as connectV2, type NatsConnection as NatsConnectionV2 } from 'nats';
import { NatsClient } from '../../src/client/client.js';
import type { NatsClientOptions } from '../../src/client/types.js';

export type { NatsConnectionV2, NatsConnectionV3 };

/** A raw nats.js v2 connection to `url`. */
export function rawV2Connection(url: string): Promise<NatsConnectionV2> {
  return connectV2({ servers: url, noAsyncTraces: true, name: 'bench-raw-v2' });
}

/** A raw nats.js v3 connection to `url`. */
export function rawV3Connection(url: string): Promise<NatsConnectionV3> {
  return connectV3({ servers: url, noAsyncTraces: true, name: 'bench-raw-v3' });
}

const jc = JSONCodec();

/** JSON as raw v2 sends it. */
export function encodeV2(value: unknown): Uint8Array {
  return jc.encode(value);
}

/** JSON as raw v2 reads it. */
export function decodeV2(data: Uint8Array): unknown {
  return jc.decode(data);
}

/** JSON as raw v3 sends it: the string itself (see the header). */
export function encodeV3(value: unknown): string {
  return JSON.stringify(value);
}

/** JSON as raw v3 reads it. */
export function decodeV3(msg: MsgV3): unknown {
  return msg.json();
}

/** A connected NatsClient for `url`. */
export async function typedClient(url: string, options: Partial<NatsClientOptions> = {}): Promise<NatsClient> {
  const client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: url, name: 'bench-typed', ...options });
  return client;
}

/** Anything with a close, raw v2 or v3. */
interface Closable {
  close(): Promise<void>;
}

/** Closes whatever was opened, ignoring failures (the benchmark reports them elsewhere). */
export async function closeAll(raws: readonly (Closable | undefined)[], typed: readonly (NatsClient | undefined)[]): Promise<void> {
  await Promise.all([
    ...raws.map((nc) => (nc === undefined ? undefined : nc.close().catch(() => undefined))),
    ...typed.map((client) => client?.disconnect().catch(() => undefined)),
  ]);
}
