/**
 * Least-privilege nats-server permissions for one node, from the per-role data codegen derives from the contract
 * (generated/permissions.ts). Generic: it knows subjects, inboxes and nats-server's configuration syntax (2.9 and
 * newer), not what the roles do.
 */
import { DistributedError, SubjectError } from '../base/errors.js';
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { isSafeToken } from '../base/subjects.js';
import { SERVICE_NAME, serviceSubjects } from './services.js';

/** Stands for the node's own id in a subject template (`worker.{self}.inference`). */
export const SELF_PLACEHOLDER = '{self}';

/** What a role may do, as generated/permissions.ts states it for each role. */
export interface RolePermissions {
  /** Subject templates it publishes to. */
  readonly publish: readonly string[];
  /** Subject templates it subscribes to. */
  readonly subscribe: readonly string[];
  /** It sends requests, so it needs a reply inbox. */
  readonly requests: boolean;
  /** It answers requests on the requester's inbox. */
  readonly replies: boolean;
}

/** Options of {@link natsPermissions}. */
export interface NatsPermissionOptions {
  /** The node's inbox prefix (nats.js `inboxPrefix`), e.g. from {@link inboxPrefixFor}; a requesting role subscribes to `<prefix>.>`. */
  inboxPrefix: string;
  /** Replies a replying role may send per request it receives. Default 1, nats-server's. */
  maxResponses?: number;
  /** How long after a request its replies may be sent, as a nats-server duration (`500ms`, `5s`, `2m`). Default `2m`, nats-server's. */
  responseTtl?: string;
  /**
   * The node runs as the NATS service of this name (`serviceNameOf(contract)`): it may subscribe to the services
   * protocol's discovery subjects (`$SRV.PING|INFO|STATS`, and those of this name) and answer each once
   * (`allow_responses`, whatever its role). Without it, `nats micro` cannot see the node.
   */
  services?: string;
}

/**
 * Subjects a user may use. `deny: ['>']` stands in for an empty `allow`: nats-server 2.9 reads `allow: []` as no
 * restriction at all.
 */
export interface NatsSubjectPermission {
  allow: string[];
  deny?: string[];
}

/** The `permissions` of a user in nats-server's `authorization.users`. */
export interface NatsUserPermissions {
  publish: NatsSubjectPermission;
  subscribe: NatsSubjectPermission;
  /** May publish to the reply subject of each message it receives, `max` times within `expires`. */
  allow_responses?: { max: number; expires: string };
}

/** How a user of the server proves who it is: an nkey (public key, `U...`) or a user name and password. */
export type NatsUserIdentity = { nkey: string } | { user: string; password: string };

const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const USER_NKEY = /^U[A-Z2-7]{55}$/;
// Control characters have no escape in nats-server's configuration syntax that both sides agree on.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The permissions of a node of `role` whose id is `selfId`: `{self}` becomes the id, a requesting role may subscribe
 * to its own inbox prefix only (so it cannot read another node's replies), a replying role gets `allow_responses`.
 * @throws {SubjectError} when the role needs `{self}` and `selfId` is missing or not one NATS token, or a subject
 * or the inbox prefix is not valid; a `DistributedError` (`INVALID_ARGUMENT`) for a bad `maxResponses` or `responseTtl`.
 */
export function natsPermissions(role: RolePermissions, selfId: string | undefined, options: NatsPermissionOptions): NatsUserPermissions {
  const subjects = (templates: readonly string[]): string[] => [...new Set(templates.map((t) => bindSelf(t, selfId)))];
  const subscribe = subjects(role.subscribe);
  if (role.requests) subscribe.push(`${checkedPrefix(options.inboxPrefix)}.>`);
  const service = options.services === undefined ? undefined : checkedServiceName(options.services);
  if (service !== undefined) subscribe.push(...serviceSubjects(service));
  const permissions: NatsUserPermissions = { publish: allowOnly(subjects(role.publish)), subscribe: allowOnly(subscribe) };
  if (role.replies || service !== undefined) {
    const defaults = RUNTIME_DEFAULTS.permissions;
    permissions.allow_responses = {
      max: checkedMax(options.maxResponses ?? defaults.maxResponses),
      expires: checkedTtl(options.responseTtl ?? defaults.responseTtl),
    };
  }
  return permissions;
}

/**
 * An inbox prefix of its own for each node: `_INBOX_<role>`, or `_INBOX_<role>_<selfId>` for a node with an id. One
 * NATS token, so `<prefix>.>` covers this node's inboxes and nobody else's (`_INBOX.>` would cover everyone's).
 */
export function inboxPrefixFor(role: string, selfId?: string): string {
  const prefix = selfId === undefined ? `_INBOX_${role}` : `_INBOX_${role}_${selfId}`;
  if (!isSafeToken(role) || (selfId !== undefined && !isSafeToken(selfId))) {
    throw new SubjectError(
      `Inbox prefix ${JSON.stringify(prefix)} is not one NATS token: the role and the id must not be empty or contain ".", "*", ">", white space or control characters.`,
      { subject: prefix },
    );
  }
  return prefix;
}

/**
 * One user of nats-server's `authorization { users = [ ... ] }` (2.9 syntax), every string quoted. Join several with
 * {@link natsAuthorizationConfig}.
 */
export function natsUserConfig(identity: NatsUserIdentity, permissions: NatsUserPermissions): string {
  const who = 'nkey' in identity ? `nkey: ${quoted(checkedNkey(identity.nkey))}` : `user: ${quoted(identity.user)}, password: ${quoted(identity.password)}`;
  const list = (subjects: readonly string[]): string => `[${subjects.map(quoted).join(', ')}]`;
  const side = (p: NatsSubjectPermission): string => `{ allow: ${list(p.allow)}${p.deny === undefined ? '' : `, deny: ${list(p.deny)}`} }`;
  const responses =
    permissions.allow_responses === undefined
      ? ''
      : `, allow_responses: { max: ${String(permissions.allow_responses.max)}, expires: ${quoted(permissions.allow_responses.expires)} }`;
  return `{ ${who}, permissions: { publish: ${side(permissions.publish)}, subscribe: ${side(permissions.subscribe)}${responses} } }`;
}

/** nats-server's `authorization` block holding `users` (each from {@link natsUserConfig}). */
export function natsAuthorizationConfig(users: readonly string[]): string {
  return `authorization {\n  users = [\n${users.map((u) => `    ${u}`).join(',\n')}\n  ]\n}\n`;
}

/** `template` with each `{self}` token replaced by `selfId`; every other token a literal or a wildcard. */
function bindSelf(template: string, selfId: string | undefined): string {
  const tokens = template.split('.');
  return tokens
    .map((token, index) => {
      if (token === SELF_PLACEHOLDER) return checkedSelf(template, selfId);
      // A placeholder other than {self} is a template nobody filled in: never a subject to grant.
      if (token === '*' || (token === '>' && index === tokens.length - 1) || (isSafeToken(token) && !/^\{.*\}$/.test(token))) return token;
      throw new SubjectError(`Subject template "${template}" has an invalid token "${token}".`, { subject: template });
    })
    .join('.');
}

function checkedSelf(template: string, selfId: string | undefined): string {
  if (selfId === undefined) {
    throw new SubjectError(
      `Subject "${template}" is bound to the node's own id, but no id was given: pass the node's id (e.g. its workerId) to natsPermissions.`,
      { subject: template },
    );
  }
  if (!isSafeToken(selfId)) {
    throw new SubjectError(
      `The node's id must be one NATS token (not empty; no ".", "*", ">", white space or control characters), got ${JSON.stringify(selfId)}.`,
      { subject: template },
    );
  }
  return selfId;
}

function checkedPrefix(prefix: string): string {
  if (!prefix.split('.').every(isSafeToken)) {
    throw new SubjectError(`Inbox prefix ${JSON.stringify(prefix)} must be literal NATS tokens (no wildcards, white space or empty tokens).`, {
      subject: prefix,
    });
  }
  return prefix;
}

function checkedServiceName(name: string): string {
  if (!SERVICE_NAME.test(name)) throw invalid(`A NATS service name holds only letters, digits, "-" and "_", got ${JSON.stringify(name)}.`);
  return name;
}

function checkedMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw invalid(`maxResponses must be a positive integer, got ${String(max)}.`);
  return max;
}

function checkedTtl(ttl: string): string {
  if (!DURATION.test(ttl) || /^(?:0+(?:\.0+)?[a-zµ]+)+$/.test(ttl))
    throw invalid(`responseTtl must be a positive nats-server duration such as "5s" or "2m", got ${JSON.stringify(ttl)}.`);
  return ttl;
}

function checkedNkey(nkey: string): string {
  if (!USER_NKEY.test(nkey)) throw invalid(`An nkey user is identified by its public key: "U" and 55 base32 characters, got ${JSON.stringify(nkey)}.`);
  return nkey;
}

/** Empty lists deny everything: nats-server 2.9 ignores `allow: []`. */
function allowOnly(allow: string[]): NatsSubjectPermission {
  return allow.length === 0 ? { allow, deny: ['>'] } : { allow };
}

function invalid(message: string): DistributedError {
  return new DistributedError('INVALID_ARGUMENT', message);
}

/** A double-quoted string of nats-server's configuration syntax. */
function quoted(value: string): string {
  if (CONTROL.test(value)) throw invalid('Values in the nats-server configuration must not contain control characters.');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
