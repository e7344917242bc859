/**
 * services.ts: a contract's NATS service name and the subjects the services protocol needs. Elsewhere: those subjects
 * in a node's permissions on a real server, tests/contract/service-permissions.test.ts; the client running the
 * service, tests/client/services.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SERVICE_API_PREFIX, SERVICE_NAME, SERVICE_VERBS, serviceNameOf, serviceSubjects } from '../../src/contract/services.js';

const NAME = 'jobs-service';

describe('serviceNameOf and serviceSubjects', () => {
  it('names a contract by its id without the urn scheme, else its title, in the characters the protocol allows', () => {
    expect(serviceNameOf({ id: 'urn:mlx-serving:distributed:cluster', title: 'x' })).toBe('mlx-serving-distributed-cluster');
    expect(serviceNameOf({ title: 'My Jobs: API v2!' })).toBe('My-Jobs-API-v2');
    expect(serviceNameOf({ title: '???' })).toBe('service');
    for (const title of ['a b', 'ü', '$SRV.x', 'tab\there']) expect(serviceNameOf({ title })).toMatch(SERVICE_NAME);
  });

  it('lists the discovery subjects of every verb, for all services, this name, and any instance of it', () => {
    expect(serviceSubjects(NAME)).toEqual(['$SRV.PING', '$SRV.INFO', '$SRV.STATS', `$SRV.*.${NAME}`, `$SRV.*.${NAME}.*`]);
    expect([SERVICE_API_PREFIX, ...SERVICE_VERBS]).toEqual(['$SRV', 'PING', 'INFO', 'STATS']);
  });
});
