/**
 * The client's current nats.js connection and whether it takes new work. The client owns it; publishing,
 * subscribing and requesting all ask it for the connection, and get `NatsNotConnectedError` when there is none.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { NatsNotConnectedError } from '../base/errors.js';

/** Holds the connection of one NatsClient. */
export class ConnectionSlot {
  private nc: NatsConnection | undefined;
  private open = false;

  constructor(private readonly describeState: () => string) {}

  /** Starts handing out `nc`. */
  attach(nc: NatsConnection): void {
    this.nc = nc;
    this.open = true;
  }

  /** Refuses new work from now on (draining or closed); the connection stays readable for pending counts. */
  close(): void {
    this.open = false;
  }

  /** The connection, open or not; undefined before the first connect. */
  current(): NatsConnection | undefined {
    return this.nc;
  }

  /** True while the connection takes new work. */
  isOpen(): boolean {
    return this.open && this.nc !== undefined && !this.nc.isClosed();
  }

  /** The connection, or `NatsNotConnectedError` naming `operation` when it takes no new work. */
  require(operation: string): NatsConnection {
    const nc = this.nc;
    if (nc === undefined || !this.open || nc.isClosed()) {
      throw new NatsNotConnectedError(`Cannot ${operation}: the client is ${this.describeState()}. Call connect() first (and not after disconnect()).`);
    }
    return nc;
  }
}
