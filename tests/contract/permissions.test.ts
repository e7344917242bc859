/**
 * permissions.ts: the subjects a role's node may use, bound to its id, in nats-server's configuration syntax.
 * Elsewhere: natsPermissions, inboxPrefixFor and natsUserConfig over the generated roles and on a real server,
 * tests/generated/nats-permissions.test.ts; every role × channel × direction enforced, tests/generated/permissions.test.ts;
 * the services option, tests/contract/service-permissions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RUNTIME_DEFAULTS } from '../../src/base/defaults.js';
import { DistributedError, SubjectError } from '../../src/base/errors.js';
import { SELF_PLACEHOLDER, natsAuthorizationConfig, natsPermissions, natsUserConfig, type RolePermissions } from '../../src/contract/permissions.js';

const worker: RolePermissions = { publish: ['worker.{self}.heartbeat', 'response.>'], subscribe: ['worker.{self}.inference'], requests: false, replies: true };

describe('natsPermissions', () => {
  it('binds {self}, keeps wildcards, and refuses a placeholder nobody filled in or a wildcard that is not a whole token', () => {
    expect(SELF_PLACEHOLDER).toBe('{self}');
    expect(natsPermissions(worker, 'w1', { inboxPrefix: '_INBOX_worker_w1' }).publish.allow).toEqual(['worker.w1.heartbeat', 'response.>']);
    for (const template of ['worker.{workerId}.x', 'a.>.b', 'a.b*']) {
      expect(() => natsPermissions({ ...worker, publish: [template] }, 'w1', { inboxPrefix: 'p' }), template).toThrow(SubjectError);
    }
  });

  it("defaults allow_responses to RUNTIME_DEFAULTS.permissions (nats-server's own values)", () => {
    expect(natsPermissions(worker, 'w1', { inboxPrefix: 'p' }).allow_responses).toEqual({
      max: RUNTIME_DEFAULTS.permissions.maxResponses,
      expires: RUNTIME_DEFAULTS.permissions.responseTtl,
    });
    expect(RUNTIME_DEFAULTS.permissions).toEqual({ maxResponses: 1, responseTtl: '2m' });
  });

  it('checks maxResponses and responseTtl', () => {
    expect(natsPermissions(worker, 'w1', { inboxPrefix: 'p', maxResponses: 3, responseTtl: '1m30s' }).allow_responses).toEqual({ max: 3, expires: '1m30s' });
    for (const options of [{ maxResponses: 0 }, { maxResponses: 1.5 }, { responseTtl: '0s' }, { responseTtl: '5 s' }, { responseTtl: 'soon' }]) {
      expect(() => natsPermissions(worker, 'w1', { inboxPrefix: 'p', ...options }), JSON.stringify(options)).toThrow(DistributedError);
    }
  });
});

describe('the configuration syntax', () => {
  it('quotes and escapes every string, and joins users into one authorization block', () => {
    const user = natsUserConfig({ user: 'a"b', password: 'c\\d' }, { publish: { allow: ['x'] }, subscribe: { allow: [], deny: ['>'] } });
    expect(user).toBe('{ user: "a\\"b", password: "c\\\\d", permissions: { publish: { allow: ["x"] }, subscribe: { allow: [], deny: [">"] } } }');
    expect(natsAuthorizationConfig([user, user])).toBe(`authorization {\n  users = [\n    ${user},\n    ${user}\n  ]\n}\n`);
  });
});
