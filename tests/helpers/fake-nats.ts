/**
 * Stand-ins for the client's unit tests that need no server: a nats.js connection that records what is published
 * and has the internals nats-internals.ts reads (its outbound buffer, its flushPending, the socket flag), a received
 * message that answers on it, and the connection access Outbound is given.
 */
import type { Msg, MsgHdrs, NatsConnection, PublishOptions } from '@nats-io/nats-core';
import type { ConnectionAccess, Operation } from '../../src/client/connection.js';
import { NatsNotConnectedError } from '../../src/base/errors.js';

/** One publish as nats.js received it. */
export interface Published {
  subject: string;
  payload: Uint8Array;
  reply: string | undefined;
  headers: MsgHdrs | undefined;
}

/** A fake nats.js connection: see the module comment. */
export interface FakeNats {
  readonly nc: NatsConnection;
  /** Everything published, in order. */
  readonly published: Published[];
  /** Publishes handed to the socket (written by flushPending), in order. */
  readonly written: Published[];
  /** Bytes queued in the fake outbound buffer. */
  queued(): number;
  /** Calls to nats.js's own flushPending (each one a write to the socket). */
  writes(): number;
  /** The socket flag nats-internals.ts reads. */
  connected: boolean;
  /** Resolves `flush()` calls waiting for their PONG. */
  pong(): void;
}

/**
 * A fake connection that behaves like nats.js 3.4's `sendCommand` (fill, then flushPending in a microtask after a
 * command into an empty buffer, inline past `pendingLimit` queued) and `flush()` (PING, then flushPending inline).
 */
export function fakeNats(options: { pendingLimit?: number } = {}): FakeNats {
  const pendingLimit = options.pendingLimit ?? 32 * 1024;
  const published: Published[] = [];
  const written: Published[] = [];
  let buffer: Published[] = [];
  let bufferBytes = 0;
  let writes = 0;
  let pongs: (() => void)[] = [];
  const fake = {
    published,
    written,
    connected: true,
    queued: () => bufferBytes,
    writes: () => writes,
    pong: () => {
      const waiting = pongs;
      pongs = [];
      for (const resolve of waiting) resolve();
    },
  } as FakeNats & { nc: NatsConnection };
  const protocol = {
    get connected() {
      return fake.connected;
    },
    outbound: { size: () => bufferBytes },
    transport: { socket: { writableLength: 0 } },
    flushPending(): void {
      if (!fake.connected || bufferBytes === 0) return;
      writes += 1;
      written.push(...buffer);
      buffer = [];
      bufferBytes = 0;
    },
  };
  const fill = (entry: Published | undefined, bytes: number): void => {
    const wasEmpty = bufferBytes === 0;
    if (entry !== undefined) buffer.push(entry);
    bufferBytes += bytes;
    if (wasEmpty) {
      queueMicrotask(() => {
        protocol.flushPending();
      });
    } else if (bufferBytes >= pendingLimit) {
      protocol.flushPending();
    }
  };
  const nc = {
    protocol,
    isClosed: () => false,
    publish(subject: string, payload: Uint8Array, opts?: PublishOptions): void {
      const entry = { subject, payload, reply: opts?.reply, headers: opts?.headers };
      published.push(entry);
      fill(entry, payload.byteLength + subject.length + 16);
    },
    flush(): Promise<void> {
      const done = new Promise<void>((resolve) => pongs.push(resolve));
      bufferBytes += 6; // PING
      protocol.flushPending();
      return done;
    },
  };
  fake.nc = nc as unknown as NatsConnection;
  return fake;
}

/**
 * A received message whose answers go to `fake` as nats.js sends them: a publish to its reply subject; `null`: a
 * message without one, which answers nothing.
 */
export function fakeRequest(fake: FakeNats, subject: string, replyTo: string | null = '_INBOX.x.1'): Msg {
  const reply = replyTo ?? undefined;
  return {
    subject,
    reply,
    data: new Uint8Array(0),
    respond(payload?: Uint8Array, opts?: PublishOptions): boolean {
      if (reply === undefined) return false;
      fake.nc.publish(reply, payload ?? new Uint8Array(0), opts);
      return true;
    },
  } as unknown as Msg;
}

/** The connection access of a client connected through `nc`: the guard lets everything through. */
export function connectedTo(nc: NatsConnection): ConnectionAccess {
  return { guard: () => nc, current: () => nc };
}

/** The connection access of a client that is not connected: the guard refuses every operation, naming it. */
export function notConnected(): ConnectionAccess {
  return {
    guard: (operation: Operation) => {
      throw new NatsNotConnectedError(`Cannot ${operation}: the client is disconnected.`);
    },
    current: () => undefined,
  };
}
