/**
 * A contract's NATS service identity (ADR-32): the name every node of it registers under, and the subjects that
 * protocol needs in a node's NATS permissions. The endpoints themselves come from the channels: every typed reply
 * subscription is an endpoint of its client's service (`defineChannel`).
 */
import { SERVICE_NAME } from '../base/subjects.js';

/** What a service name may hold (the protocol's rule; its one statement is in src/base/subjects.ts). */
export { SERVICE_NAME };

/** The control subjects' prefix of the NATS services protocol. */
export const SERVICE_API_PREFIX = '$SRV';

/** The verbs a service answers: `$SRV.<verb>`, `$SRV.<verb>.<name>`, `$SRV.<verb>.<name>.<id>`. */
export const SERVICE_VERBS = ['PING', 'INFO', 'STATS'] as const;

/**
 * The service name of a contract: its `id` without a `urn:` scheme (else its title), every run of characters the
 * protocol refuses turned into one `-`. `urn:mlx-serving:distributed:cluster` gives `mlx-serving-distributed-cluster`.
 */
export function serviceNameOf(contract: { readonly id?: string; readonly title: string }): string {
  const source = contract.id?.replace(/^urn:/i, '') ?? contract.title;
  const name = source.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return name === '' ? 'service' : name;
}

/**
 * The subjects a node must be allowed to subscribe to for its service `name` to answer discovery: every verb, for
 * all services, for this name, and for this name and any instance id (the library picks the id at start).
 */
export function serviceSubjects(name: string): string[] {
  return [...SERVICE_VERBS.map((verb) => `${SERVICE_API_PREFIX}.${verb}`), `${SERVICE_API_PREFIX}.*.${name}`, `${SERVICE_API_PREFIX}.*.${name}.*`];
}
