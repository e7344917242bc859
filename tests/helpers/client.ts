/**
 * Helpers shared by the NatsClient integration tests: real nats-server processes on ephemeral ports, clients that
 * are always cleaned up, and bounded waits.
 */
import { afterAll, beforeAll } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { type NatsConnection } from '@nats-io/nats-core';
import type { DistributedError } from '../../src/base/errors.js';
import { NatsClient } from '../../src/client/client.js';
import type { ClientEventName, ClientEvents, NatsClientOptions } from '../../src/client/types.js';
import type { EmbeddedServerOptions } from '../../src/server/index.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';

/** Polls `predicate` every 10 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the arguments of the next `event` of `client`; rejects after `timeoutMs`. */
export function nextEvent<E extends ClientEventName>(client: NatsClient, event: E, timeoutMs = 5000): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for the '${event}' event`));
    }, timeoutMs);
    const listener = (...args: ClientEvents[E]): void => {
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}

/** Tracks clients and servers of a test file and closes them all. */
export class Cleanup {
  private readonly tasks: (() => Promise<void>)[] = [];

  /** A client connected to `url` (external mode), with fast reconnects for tests. */
  async client(url: string, options: Partial<NatsClientOptions> = {}): Promise<NatsClient> {
    const client = new NatsClient();
    this.tasks.push(() => client.disconnect());
    await client.connect({ mode: 'external', serverUrl: url, reconnectTimeWait: 20, reconnectMaxWait: 100, connectTimeout: 2000, ...options });
    return client;
  }

  /** A server stopped at cleanup. */
  async server(options: EmbeddedServerOptions = {}): Promise<TestNatsServer> {
    const server = await startNatsServer(options);
    this.tasks.push(() => server.stop());
    return server;
  }

  /** Registers any other cleanup step. */
  add(task: () => Promise<void>): void {
    this.tasks.push(task);
  }

  /** Runs every step, newest first; failures do not stop the others. */
  async run(): Promise<void> {
    const tasks = this.tasks.splice(0).reverse();
    for (const task of tasks) await task().catch(() => undefined);
  }
}

/** A test file's shared set-up: one nats-server, one package client (errors collected), one plain nats.js connection. */
export interface ServerWithClients {
  server: TestNatsServer;
  client: NatsClient;
  /** A plain nats.js connection: a foreign publisher that runs no package code. */
  raw: NatsConnection;
  /** Every `error` event of `client`, in order. */
  errors: DistributedError[];
}

/** Starts a {@link ServerWithClients} before the file's tests and stops it after them; read its fields inside tests. */
export function useServerWithClients(): ServerWithClients {
  const shared = { errors: [] as DistributedError[] } as ServerWithClients;
  beforeAll(async () => {
    shared.server = await startNatsServer();
    shared.client = new NatsClient();
    shared.client.on('error', (error) => shared.errors.push(error));
    await shared.client.connect({ mode: 'external', serverUrl: shared.server.url });
    shared.raw = await connect({ servers: shared.server.url });
  });
  afterAll(async () => {
    await shared.raw.close();
    await shared.client.disconnect();
    await shared.server.stop();
  });
  return shared;
}
