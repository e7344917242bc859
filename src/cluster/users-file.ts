/**
 * The users file: which nodes the controller's embedded NATS server admits, one entry per node (name, role, id,
 * public nkey), written by `mlx-node credentials` and read by the node that runs the server. It holds no secret (a
 * public key only proves something with its seed, which stays on its node), so it is the record to keep and share;
 * what each entry may do on NATS is not stored but derived from the contract each time, so it follows the contract.
 */
import { chown, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DistributedError } from '../base/errors.js';
import { inboxPrefixFor, natsPermissions, type RolePermissions } from '../contract/permissions.js';
import { NODE_SERVICE_NAME } from './node-service.js';
import type { EmbeddedAuthorization } from '../server/index.js';
import { rolePermissions } from '../../generated/permissions.js';

/** A node's role on NATS: `cluster.mode` of its config. A dual node may do what a controller and a worker may. */
export type NodeRole = 'controller' | 'worker' | 'dual';

/** One node the embedded server admits. */
export interface NodeUser {
  /** What the operator calls it (`mac-studio-2`); unique, also the name of its seed file. */
  name: string;
  role: NodeRole;
  /** Its id (a UUID): a worker's `worker_id`; what its subjects and inbox are bound to. */
  id: string;
  /** Its public nkey (`U...`). */
  nkey: string;
}

/** Error code of a users file that cannot be read or is not valid. */
export const USERS_FILE_ERROR = 'CONFIG_USERS_FILE';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const FileSchema = z.strictObject({
  version: z.literal(1),
  users: z.array(
    z.strictObject({
      name: z.string().regex(NAME, 'a name of letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)'),
      role: z.enum(['controller', 'worker', 'dual']),
      id: z.string().regex(UUID, 'a UUID'),
      nkey: z.string().regex(/^U[A-Z2-7]{55}$/, 'a user public key: "U" and 55 base32 characters'),
    }),
  ),
});

/** Whether `name` may name a node (and its seed file). */
export function isNodeName(name: string): boolean {
  return NAME.test(name);
}

/** The users in `path`, checked: the shape, and no name, id or key twice. */
export async function readUsersFile(path: string): Promise<NodeUser[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'does not exist: mlx-node credentials init writes it' : `cannot be read (${typeof code === 'string' ? code : 'error'})`;
    throw new DistributedError(USERS_FILE_ERROR, `The users file ${path} ${why}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(path, 'it is not JSON');
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(path, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; '));
  }
  const users = parsed.data.users;
  for (const field of ['name', 'id', 'nkey'] as const) {
    const seen = new Set<string>();
    for (const user of users) {
      if (seen.has(user[field])) throw invalid(path, `the ${field} ${user[field]} is listed twice`);
      seen.add(user[field]);
    }
  }
  return users;
}

/**
 * Writes `users` to `path` whole or not at all (a rename, so a node reading it never sees half a file). A new file is
 * 0600; one that exists keeps its mode, and its owner when root writes it, so the service that reads it still can.
 */
export async function writeUsersFile(path: string, users: readonly NodeUser[]): Promise<void> {
  const before = await stat(path).catch(() => undefined);
  const next = `${path}.${process.pid}.next`;
  await writeFile(next, `${JSON.stringify({ version: 1, users }, null, 2)}\n`, { mode: before === undefined ? 0o600 : before.mode & 0o777, flag: 'wx' });
  try {
    if (before !== undefined && process.getuid?.() === 0) await chown(next, before.uid, before.gid);
    await rename(next, path);
  } catch (error) {
    await rm(next, { force: true });
    throw error;
  }
}

/** What a node of `role` may do: a dual node, both roles' rights. */
export function permissionsOfRole(role: NodeRole): RolePermissions {
  if (role !== 'dual') return rolePermissions[role];
  const both: readonly RolePermissions[] = [rolePermissions.controller, rolePermissions.worker];
  return {
    publish: [...new Set(both.flatMap((r) => r.publish))],
    subscribe: [...new Set(both.flatMap((r) => r.subscribe))],
    requests: both.some((r) => r.requests),
    replies: both.some((r) => r.replies),
  };
}

/** The inbox prefix of a node: its own, so that only it may read the replies to its requests. */
export function inboxPrefixOf(user: Pick<NodeUser, 'role' | 'id'>): string {
  return inboxPrefixFor(user.role, user.id);
}

/** The embedded server's users: each node with its role's permissions, bound to its id and its inbox prefix. */
export function usersAuthorization(users: readonly NodeUser[]): EmbeddedAuthorization {
  return {
    // Every node registers as the cluster's NATS service, so each may answer the services protocol's discovery subjects.
    users: users.map((user) => ({
      nkey: user.nkey,
      permissions: natsPermissions(permissionsOfRole(user.role), user.id, { inboxPrefix: inboxPrefixOf(user), services: NODE_SERVICE_NAME }),
    })),
  };
}

function invalid(path: string, why: string): DistributedError {
  return new DistributedError(USERS_FILE_ERROR, `The users file ${path} is not valid: ${why}. mlx-node credentials writes it; fix or restore it.`);
}
