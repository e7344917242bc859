/**
 * The runtime half of the generated permissions (src/contract/permissions.ts), on roles of its own: `{self}` bound to
 * a checked id, a requester's own inbox prefix, `allow_responses` for a replier, empty lists that deny (nats-server
 * 2.9 reads `allow: []` as no restriction), and configuration text nats-server accepts, for an nkey user too.
 */
import { nkeyAuthenticator, nkeys, PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SELF_PLACEHOLDER as CODEGEN_SELF } from '../../codegen/model/permissions.js';
import { DistributedError, SubjectError } from '../../src/base/errors.js';
import {
  inboxPrefixFor,
  natsAuthorizationConfig,
  natsPermissions,
  natsUserConfig,
  SELF_PLACEHOLDER,
  type RolePermissions,
} from '../../src/contract/index.js';
import { waitFor } from '../helpers/client.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';

const ID = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const node: RolePermissions = { publish: ['result.*.{self}', 'hello'], subscribe: ['node.{self}.job', 'node.{self}.job'], requests: false, replies: true };
const boss: RolePermissions = { publish: ['node.*.job'], subscribe: ['result.>'], requests: true, replies: false };
const mute: RolePermissions = { publish: [], subscribe: [], requests: false, replies: false };

describe('natsPermissions', () => {
  it('binds {self} to the node id, once per subject, and lets a replier answer once within two minutes by default', () => {
    expect(natsPermissions(node, ID, { inboxPrefix: inboxPrefixFor('node', ID) })).toEqual({
      publish: { allow: [`result.*.${ID}`, 'hello'] },
      subscribe: { allow: [`node.${ID}.job`] },
      allow_responses: { max: 1, expires: '2m' },
    });
    expect(natsPermissions(node, ID, { inboxPrefix: 'x', maxResponses: 3, responseTtl: '1m30s' }).allow_responses).toEqual({ max: 3, expires: '1m30s' });
  });

  it('gives a requester its own inbox prefix, not _INBOX.>', () => {
    expect(natsPermissions(boss, undefined, { inboxPrefix: inboxPrefixFor('boss') })).toEqual({
      publish: { allow: ['node.*.job'] },
      subscribe: { allow: ['result.>', '_INBOX_boss.>'] },
    });
  });

  it('denies everything where a role has nothing: nats-server 2.9 reads allow: [] as no restriction', () => {
    expect(natsPermissions(mute, undefined, { inboxPrefix: 'x' })).toEqual({ publish: { allow: [], deny: ['>'] }, subscribe: { allow: [], deny: ['>'] } });
  });

  it('refuses a role that needs {self} without an id, an id that is not one token, and bad options', () => {
    const options = { inboxPrefix: 'p' };
    expect(() => natsPermissions(node, undefined, options)).toThrow(SubjectError);
    expect(() => natsPermissions(node, undefined, options)).toThrow(/\{self\}.*" is bound to the node's own id, but no id was given: pass the node's id/);
    for (const id of ['', 'a.b', '*', '>', 'a b', 'a\nb']) expect(() => natsPermissions(node, id, options), JSON.stringify(id)).toThrow(/must be one NATS token/);
    expect(() => natsPermissions(boss, undefined, { inboxPrefix: '_INBOX.>' })).toThrow(SubjectError);
    expect(() => natsPermissions({ ...mute, publish: ['a.{other}'] }, ID, options)).toThrow(/invalid token "\{other\}"/);
    for (const maxResponses of [0, 1.5, -1]) expect(() => natsPermissions(node, ID, { ...options, maxResponses })).toThrow(DistributedError);
    for (const responseTtl of ['', '0s', '5', 'soon', '5 s']) expect(() => natsPermissions(node, ID, { ...options, responseTtl }), responseTtl).toThrow(/responseTtl/);
  });

  it('uses the placeholder codegen writes', () => {
    expect(SELF_PLACEHOLDER).toBe(CODEGEN_SELF);
  });
});

describe('inboxPrefixFor', () => {
  it('is one NATS token per role, and per node with an id', () => {
    expect(inboxPrefixFor('controller')).toBe('_INBOX_controller');
    expect(inboxPrefixFor('worker', ID)).toBe(`_INBOX_worker_${ID}`);
    for (const [role, id] of [['a.b', undefined], ['worker', 'x>'], ['', undefined], ['w', 'a b']] as const) expect(() => inboxPrefixFor(role, id)).toThrow(SubjectError);
  });
});

describe('natsUserConfig', () => {
  it('writes one user in nats-server syntax, every string quoted', () => {
    const permissions = natsPermissions(node, ID, { inboxPrefix: 'p' });
    expect(natsUserConfig({ user: 'node-1', password: 'pa"ss\\word' }, permissions)).toBe(
      `{ user: "node-1", password: "pa\\"ss\\\\word", permissions: { publish: { allow: ["result.*.${ID}", "hello"] }, subscribe: { allow: ["node.${ID}.job"] }, allow_responses: { max: 1, expires: "2m" } } }`,
    );
    const nkey = nkeys.createUser().getPublicKey();
    expect(natsUserConfig({ nkey }, natsPermissions(mute, undefined, { inboxPrefix: 'p' }))).toBe(
      `{ nkey: "${nkey}", permissions: { publish: { allow: [], deny: [">"] }, subscribe: { allow: [], deny: [">"] } } }`,
    );
  });

  it('refuses what is not a user nkey, and control characters', () => {
    const permissions = natsPermissions(mute, undefined, { inboxPrefix: 'p' });
    expect(() => natsUserConfig({ nkey: nkeys.createAccount().getPublicKey() }, permissions)).toThrow(/public key/);
    expect(() => natsUserConfig({ user: 'a', password: 'b\nc' }, permissions)).toThrow(/control characters/);
  });
});

describe('on a real nats-server', () => {
  let server: TestNatsServer | undefined;
  const connections: NatsConnection[] = [];
  afterAll(async () => {
    for (const nc of connections) await nc.close();
    await server?.stop();
  });

  it('an nkey user with a role that has nothing can neither publish nor subscribe', async () => {
    const keys = nkeys.createUser();
    const user = natsUserConfig({ nkey: keys.getPublicKey() }, natsPermissions(mute, undefined, { inboxPrefix: 'p' }));
    server = await startNatsServer({ config: natsAuthorizationConfig([user, '{ user: "observer", password: "observer-pass" }']) });
    const observer = await connect({ servers: server.url, user: 'observer', pass: 'observer-pass' });
    const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(keys.getSeed()) });
    connections.push(observer, nc);
    const violations: PermissionViolationError[] = [];
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'error' && status.error instanceof PermissionViolationError) violations.push(status.error);
    })();
    const seen: string[] = [];
    observer.subscribe('anything', { callback: (_, msg) => { seen.push(msg.subject); } });
    await observer.flush();
    nc.subscribe('anything');
    nc.publish('anything');
    await nc.flush();
    await waitFor(() => violations.length === 2, 'a refused subscription and a refused publish');
    expect(violations.map((v) => `${v.operation} ${v.subject}`).sort()).toEqual(['publish anything', 'subscription anything']);
    await observer.flush();
    expect(seen).toEqual([]);
  });
});
