/**
 * A NatsClient as a NATS micro service (ADR-32): `nats micro ls|info|stats` and every services client (nats.js's
 * `@nats-io/services`, nats.go's `micro`, ...) find it on `$SRV.PING|INFO|STATS[.<name>[.<id>]]`.
 *
 * One subscription per subject: the endpoints are the client's own reply subscriptions (those made with
 * `ReplyOptions.endpoint`, as typed channels do), which keep their validation, bounded handlers, drain and metrics.
 * `@nats-io/services` runs the service itself: its id, the nine control subscriptions, PING, and the INFO and STATS
 * documents, whose endpoint lists this module fills from those subscriptions, with the requests, errors and
 * processing time they counted (and `data` from the caller, e.g. the figures of a stream the protocol cannot see).
 *
 * Relied on in @nats-io/services 3.0.0-25 (lib/service.js, ServiceImpl): its INFO and STATS handlers answer with
 * `this.info()` and `await this.stats()`, the methods of the object `Svcm.add()` resolves to, so setting them on that
 * object changes the answers; with no endpoint added through it, it subscribes to nothing but its control subjects.
 * tests/tracing/services.test.ts asks a real services client, and fails first if an upgrade changes either. A
 * subscription the server refuses never reaches the library (nats.js matches the refusal to a subscription by its
 * queue, and the library's `""` is not the refusal's undefined), so this module stops the service itself when the
 * server refuses one of its `$SRV` subjects.
 * The library is loaded when the first service starts: clients that run none never load it.
 */
import { errors, type NatsConnection, type Status } from '@nats-io/nats-core';
import type { Service, ServiceInfo, ServiceStats } from '@nats-io/services';
import { DistributedError, describe } from '../base/errors.js';
import { SERVICE_NAME } from '../base/subjects.js';
import type { EndpointCounters } from './endpoint-stats.js';
import type { RunningService, ServiceEndpoint, ServiceInfoDocument, ServiceOptions, ServiceStatsDocument } from './types.js';

/** Throws a DistributedError naming what is wrong with an endpoint before anything subscribes. */
export function checkEndpoint(endpoint: ServiceEndpoint, subject: string): void {
  if (!SERVICE_NAME.test(endpoint.name)) {
    throw new DistributedError(
      'INVALID_ARGUMENT',
      `Service endpoint name ${JSON.stringify(endpoint.name)} for "${subject}" may hold only letters, digits, "-" and "_".`,
    );
  }
}

/**
 * Starts the service on `nc`; `endpoints()` lists the endpoint subscriptions alive at each INFO or STATS request.
 * @throws {DistributedError} `INVALID_ARGUMENT` for a name or version the protocol refuses.
 */
export async function startService(nc: NatsConnection, options: ServiceOptions, endpoints: () => Iterable<EndpointCounters>): Promise<RunningService> {
  if (!SERVICE_NAME.test(options.name))
    throw new DistributedError('INVALID_ARGUMENT', `Service name ${JSON.stringify(options.name)} may hold only letters, digits, "-" and "_".`);
  const { Svcm } = await import('@nats-io/services');
  let service: Service;
  try {
    // The library's own nats-core (3.0.0-50, a dependency it pins) types the connection; ours is 3.4.0. It calls
    // only what both share: subscribe with a callback and a queue, respond, drain, closed.
    service = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
      name: options.name,
      version: options.version,
      description: options.description ?? '',
      metadata: { ...options.metadata },
      // The endpoints are the client's own subscriptions, each served by one subscriber: no queue group.
      queue: '',
    });
  } catch (error) {
    throw new DistributedError('INVALID_ARGUMENT', `Could not start the NATS service "${options.name}" ${options.version}: ${describe(error)}.`);
  }
  const baseInfo = service.info.bind(service);
  const baseStats = service.stats.bind(service);
  const data = (name: string): unknown => {
    try {
      return options.statsData?.(name);
    } catch {
      return undefined;
    }
  };
  service.info = (): ServiceInfo => ({ ...baseInfo(), endpoints: [...endpoints()].map((e) => e.info()) });
  service.stats = async (): Promise<ServiceStats> => ({ ...(await baseStats()), endpoints: [...endpoints()].map((e) => e.stats(data(e.endpoint.name))) });
  let stopping: Promise<void> | undefined;
  const statuses = nc.status();
  void refusals(statuses, (refusal) => {
    void service.stop(new Error(`the NATS server refused ${refusal.subject}: ${refusal.message}`));
  });
  // nats.js's status iterators have stop(); without it the watcher ends with the connection.
  void service.stopped.then(() => (statuses as Partial<{ stop: () => void }>).stop?.());
  return {
    id: service.info().id,
    name: options.name,
    stopped: service.stopped,
    info: (): ServiceInfoDocument => service.info(),
    stats: async () => (await service.stats()) as ServiceStatsDocument,
    stop() {
      stopping ??= service.stop().then(() => undefined);
      return stopping;
    },
  };
}

/** Calls `refused` once, for the first `$SRV` subscription the server refuses; ends with `statuses`. */
async function refusals(statuses: AsyncIterable<Status>, refused: (error: InstanceType<typeof errors.PermissionViolationError>) => void): Promise<void> {
  for await (const status of statuses) {
    if (status.type === 'error' && status.error instanceof errors.PermissionViolationError && status.error.subject.startsWith('$SRV.')) {
      refused(status.error);
      return;
    }
  }
}
