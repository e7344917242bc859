/**
 * The generated permissions, enforced by a real nats-server, against what asyncapi.yaml says. One user per role
 * (the operations' tags), each with `natsPermissions` of its generated entry (a node with an id where a parameter
 * is its identity), and an observer with every right. Then, for every role, every channel with an address and both
 * directions: a publish reaches the observer exactly where an operation of that role sends on that channel, and a
 * subscription receives exactly where one receives; everywhere else the server refuses. A parameter bound to a role
 * is also tried with another node's id (refused), and each role's inbox prefix and each request/reply pair the
 * contract declares are tried too. The roles, channels and operations are read from asyncapi.yaml itself, so an
 * additive contract change is covered without a change here.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePermissions } from '../../generated/permissions.js';
import { inboxPrefixFor, natsAuthorizationConfig, natsPermissions, natsUserConfig, SELF_PLACEHOLDER } from '../../src/contract/index.js';
import { waitFor } from '../helpers/client.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';

// --- What the contract says ------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

const spec = parseYaml(readFileSync('asyncapi.yaml', 'utf8')) as JsonObject;

/** `node` with local `$ref`s followed. */
function deref(node: Json | undefined): JsonObject {
  let value: Json | undefined = node;
  while (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.$ref === 'string') {
    const ref: string = value.$ref;
    value = ref
      .slice(2)
      .split('/')
      .reduce<Json | undefined>((at, key) => (typeof at === 'object' && at !== null && !Array.isArray(at) ? at[key] : undefined), spec);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object in asyncapi.yaml');
  return value;
}

interface ContractChannel {
  id: string;
  address: string;
  /** Each parameter of the address, and the role it is the identity of (`x-identity-of`), if any. */
  identityOf: Map<string, string | undefined>;
}
interface ContractOperation {
  action: 'send' | 'receive';
  roles: string[];
  channel: string;
  reply: boolean;
}

const channels: ContractChannel[] = Object.entries(deref(spec.channels)).flatMap(([id, node]) => {
  const channel = deref(node);
  if (typeof channel.address !== 'string') return []; // reply-only: the requester's inbox
  const parameters = deref(channel.parameters ?? {});
  const identityOf = new Map(Object.entries(parameters).map(([name, p]) => [name, deref(p)['x-identity-of'] as string | undefined]));
  return [{ id, address: channel.address, identityOf }];
});
const operations: ContractOperation[] = Object.values(deref(spec.operations)).map((node) => {
  const op = deref(node);
  const tags = Array.isArray(op.tags) ? op.tags : [];
  return {
    action: op.action as 'send' | 'receive',
    roles: tags.map((tag) => deref(tag).name as string),
    channel: ((op.channel as JsonObject).$ref as string).replace(/^#\/channels\//, ''),
    reply: op.reply !== undefined,
  };
});
const roles = [...new Set(operations.flatMap((o) => o.roles))];

/** An operation of `role` with `action` on `channel`. */
const declares = (role: string, channel: string, action: 'send' | 'receive'): boolean =>
  operations.some((o) => o.roles.includes(role) && o.channel === channel && o.action === action);
const hasIdentity = (role: string): boolean => channels.some((c) => [...c.identityOf.values()].includes(role));

/** The node of each role whose id the test binds (a fixed UUID), and another node of the same role. */
const SELF_ID = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const OTHER_ID = '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f';
const selfIdOf = (role: string): string | undefined => (hasIdentity(role) ? SELF_ID : undefined);

/**
 * A concrete subject of `channel` as a node of `role` would use it: its own id (or, for `other`, another node's) in
 * a parameter bound to the role, a fresh UUID in any other.
 */
function subjectOf(channel: ContractChannel, role: string, whose: 'own' | 'other'): string {
  return channel.address.replace(/\{([^{}]+)\}/g, (_, name: string) => (channel.identityOf.get(name) === role ? (whose === 'own' ? SELF_ID : OTHER_ID) : randomUUID()));
}

// --- The server, and a connection per role ------------------------------------------------------------------------

interface Node {
  nc: NatsConnection;
  violations: PermissionViolationError[];
}

let server: TestNatsServer;
let observer: NatsConnection;
const nodes = new Map<string, Node>();
const password = (role: string): string => `${role}-${randomUUID()}`;
const passwords = new Map(roles.map((role) => [role, password(role)]));

beforeAll(async () => {
  const users = roles.map((role) => {
    const selfId = selfIdOf(role);
    const permissions = natsPermissions(rolePermissions[role as keyof typeof rolePermissions], selfId, { inboxPrefix: inboxPrefixFor(role, selfId) });
    return natsUserConfig({ user: role, password: passwords.get(role) ?? '' }, permissions);
  });
  server = await startNatsServer({ config: natsAuthorizationConfig([...users, '{ user: "observer", password: "observer-pass" }']) });
  observer = await connect({ servers: server.url, user: 'observer', pass: 'observer-pass' });
  for (const role of roles) {
    const nc = await connect({ servers: server.url, user: role, pass: passwords.get(role), inboxPrefix: inboxPrefixFor(role, selfIdOf(role)) });
    const node: Node = { nc, violations: [] };
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'error' && status.error instanceof PermissionViolationError) node.violations.push(status.error);
    })();
    nodes.set(role, node);
  }
});

afterAll(async () => {
  for (const node of nodes.values()) await node.nc.close();
  await observer.close();
  await server.stop();
});

const nodeOf = (role: string): Node => {
  const node = nodes.get(role);
  if (node === undefined) throw new Error(`no connection for role ${role}`);
  return node;
};
const refused = (node: Node, operation: 'publish' | 'subscription', subject: string): boolean =>
  node.violations.some((v) => v.operation === operation && v.subject === subject);

/** Publishes on `subject` as `node`: `allowed` when the observer gets it, `refused` when the server says so. */
async function tryPublish(node: Node, subject: string): Promise<'allowed' | 'refused'> {
  node.violations = [];
  const got: string[] = [];
  const sub = observer.subscribe(subject, { callback: (_, msg) => { got.push(msg.string()); } });
  await observer.flush();
  const marker = randomUUID();
  node.nc.publish(subject, marker);
  await node.nc.flush();
  await waitFor(() => got.includes(marker) || refused(node, 'publish', subject), `a delivery on ${subject} or a refusal`);
  await observer.flush();
  await node.nc.flush();
  sub.unsubscribe();
  expect(got.includes(marker) && refused(node, 'publish', subject), 'delivered and refused at once').toBe(false);
  return got.includes(marker) ? 'allowed' : 'refused';
}

/** Subscribes to `pattern` as `node`: `allowed` when a message the observer sends on `subject` arrives, `refused` when the server says so. */
async function trySubscribe(node: Node, pattern: string, subject = pattern): Promise<'allowed' | 'refused'> {
  node.violations = [];
  const got: string[] = [];
  let error: Error | undefined;
  const sub = node.nc.subscribe(pattern, {
    callback: (e, msg) => {
      if (e !== null) error = e;
      else got.push(msg.string());
    },
  });
  await node.nc.flush();
  const marker = randomUUID();
  observer.publish(subject, marker);
  await observer.flush();
  await waitFor(() => got.includes(marker) || (error !== undefined && refused(node, 'subscription', pattern)), `a message on ${pattern} or a refusal`);
  if (error !== undefined) {
    // nats.js v3 reports the refusal on the subscription itself and closes it.
    expect(error).toBeInstanceOf(PermissionViolationError);
    expect(sub.isClosed()).toBe(true);
    return 'refused';
  }
  sub.unsubscribe();
  return 'allowed';
}

// --- The cases ----------------------------------------------------------------------------------------------------

interface Case {
  role: string;
  channel: ContractChannel;
  direction: 'publish' | 'subscribe';
  whose: 'own' | 'other';
  expected: 'allowed' | 'refused';
}

const cases: Case[] = roles.flatMap((role) =>
  channels.flatMap((channel) => {
    const bound = [...channel.identityOf.values()].includes(role);
    return (['publish', 'subscribe'] as const).flatMap((direction) => {
      const declared = declares(role, channel.id, direction === 'publish' ? 'send' : 'receive');
      const own: Case = { role, channel, direction, whose: 'own', expected: declared ? 'allowed' : 'refused' };
      // Another node's id in a parameter bound to this role: never this node's to use.
      return bound ? [own, { role, channel, direction, whose: 'other' as const, expected: 'refused' as const }] : [own];
    });
  }),
);

describe('the generated permissions are what asyncapi.yaml says', () => {
  it('one entry per role (operation tag), with the subjects of its operations, {self} where a parameter is its identity', () => {
    expect(Object.keys(rolePermissions).sort()).toEqual([...roles].sort());
    for (const role of roles) {
      const templates = (action: 'send' | 'receive'): string[] =>
        channels
          .filter((c) => declares(role, c.id, action))
          .map((c) => c.address.replace(/\{([^{}]+)\}/g, (_, name: string) => (c.identityOf.get(name) === role ? SELF_PLACEHOLDER : '*')))
          .sort();
      const generated = rolePermissions[role as keyof typeof rolePermissions];
      expect([...generated.publish].sort(), `${role} publish`).toEqual(templates('send'));
      expect([...generated.subscribe].sort(), `${role} subscribe`).toEqual(templates('receive'));
      expect(generated.requests, `${role} requests`).toBe(operations.some((o) => o.roles.includes(role) && o.action === 'send' && o.reply));
      expect(generated.replies, `${role} replies`).toBe(operations.some((o) => o.roles.includes(role) && o.action === 'receive' && o.reply));
    }
  });

  it('covers every role, channel and direction', () => {
    expect(cases.length).toBeGreaterThanOrEqual(roles.length * channels.length * 2);
  });
});

describe('nats-server enforces them: every role × channel × direction', () => {
  it.each(cases.map((c) => [`${c.role} ${c.direction} ${c.channel.id}${c.whose === 'other' ? ' (another node\'s id)' : ''}: ${c.expected}`, c] as const))('%s', async (_, c) => {
    const node = nodeOf(c.role);
    const subject = subjectOf(c.channel, c.role, c.whose);
    const outcome = c.direction === 'publish' ? await tryPublish(node, subject) : await trySubscribe(node, subject);
    expect(outcome, subject).toBe(c.expected);
  });
});

describe('inboxes', () => {
  const requesters = roles.filter((role) => rolePermissions[role as keyof typeof rolePermissions].requests);

  it('the contract has a requesting role', () => {
    expect(requesters.length).toBeGreaterThan(0);
  });

  it.each(requesters)('only %s may read its inbox prefix; no role may read _INBOX.> or publish into another role\'s inbox', async (requester) => {
    const prefix = inboxPrefixFor(requester, selfIdOf(requester));
    expect(await trySubscribe(nodeOf(requester), `${prefix}.>`, `${prefix}.probe`)).toBe('allowed');
    for (const role of roles) {
      expect(await trySubscribe(nodeOf(role), '_INBOX.>', '_INBOX.probe'), `${role} on _INBOX.>`).toBe('refused');
      if (role === requester) continue;
      expect(await trySubscribe(nodeOf(role), `${prefix}.>`, `${prefix}.probe`), `${role} on ${prefix}.>`).toBe('refused');
      // allow_responses opens the reply subject of a request the node received, and nothing else.
      expect(await tryPublish(nodeOf(role), `${prefix}.forged`), `${role} publishing into ${prefix}`).toBe('refused');
    }
  });
});

describe('request/reply through allow_responses', () => {
  const pairs = channels.flatMap((channel) =>
    operations
      .filter((o) => o.channel === channel.id && o.action === 'send' && o.reply)
      .flatMap((request) =>
        operations
          .filter((o) => o.channel === channel.id && o.action === 'receive' && o.reply)
          .flatMap((answer) => request.roles.flatMap((requester) => answer.roles.map((replier) => ({ channel, requester, replier })))),
      ),
  );

  it('the contract declares a request/reply pair', () => {
    expect(pairs.length).toBeGreaterThan(0);
  });

  it.each(pairs.map((p) => [`${p.requester} asks ${p.replier} on ${p.channel.id}`, p] as const))('%s: one answer gets through, a second is refused', async (_, { channel, requester, replier }) => {
    const answerer = nodeOf(replier);
    answerer.violations = [];
    const subject = subjectOf(channel, replier, 'own');
    let replyTo = '';
    const sub = answerer.nc.subscribe(subject, {
      callback: (_e, msg) => {
        replyTo = msg.reply ?? '';
        msg.respond('accepted');
        msg.respond('accepted again'); // over `max`: refused
      },
    });
    await answerer.nc.flush();
    const reply = await nodeOf(requester).nc.request(subject, 'job', { timeout: 3000 });
    expect(reply.string()).toBe('accepted');
    expect(replyTo.startsWith(`${inboxPrefixFor(requester, selfIdOf(requester))}.`)).toBe(true);
    await waitFor(() => refused(answerer, 'publish', replyTo), 'the refusal of the second answer');
    sub.unsubscribe();
  });
});
