/**
 * Who this node is on NATS, when it has a key of its own (`nats.nkey_seed_file`): its role, its id and the inbox
 * prefix the server lets it read. A worker knows its id from its config (`worker.worker_id`, printed by
 * `credentials add-worker`); the node that runs the embedded server finds its entry in the users file by the public
 * key of its seed, and also brings the users for the server.
 */
import { DistributedError } from '../base/errors.js';
import { seedFilePublicKey } from '../client/index.js';
import type { ClusterConfig } from '../../generated/index.js';
import { inboxPrefixOf, readUsersFile, USERS_FILE_ERROR, type NodeRole, type NodeUser } from './users-file.js';

/** This node's identity on NATS. */
export interface NodeIdentity {
  role: NodeRole;
  /** Its id: the worker id of a worker or dual node. */
  id: string;
  /** Prefix of its reply inboxes, the only one its permissions let it read. */
  inboxPrefix: string;
  /** With a users file: every node the embedded server admits, this one included. */
  users?: readonly NodeUser[];
  /** With a users file: this node's own entry. */
  self?: NodeUser;
}

/**
 * The identity `config` gives this node, or undefined when it has no key of its own. Reads the users file and the
 * public key of the seed file when the config names a users file.
 * @throws {DistributedError} the seed file or the users file cannot be read, or this node is not in the users file
 * under its mode.
 */
export async function loadNodeIdentity(config: ClusterConfig): Promise<NodeIdentity | undefined> {
  const { nats, mode, worker } = config.cluster;
  if (typeof nats.nkey_seed_file !== 'string') return undefined;
  const usersFile = nats.mode === 'embedded' ? nats.embedded.users_file : undefined;
  if (typeof usersFile !== 'string') {
    // The config rules leave only a worker with its worker_id here.
    const id = typeof worker.worker_id === 'string' ? worker.worker_id : '';
    return { role: mode, id, inboxPrefix: inboxPrefixOf({ role: mode, id }) };
  }
  const users = await readUsersFile(usersFile);
  const publicKey = await seedFilePublicKey(nats.nkey_seed_file);
  const self = users.find((user) => user.nkey === publicKey);
  if (self === undefined) {
    throw new DistributedError(
      USERS_FILE_ERROR,
      `The key in ${nats.nkey_seed_file} (public key ${publicKey}) is not in the users file ${usersFile}, so the embedded server would refuse this node itself. Point nats.nkey_seed_file at the seed mlx-node credentials init wrote, or run init for a new cluster.`,
    );
  }
  if (self.role !== mode) {
    throw new DistributedError(
      USERS_FILE_ERROR,
      `This node is "${self.name}" in ${usersFile}, a ${self.role}, but cluster.mode is ${mode}: the server would grant it a ${self.role}'s rights only. Make them agree.`,
    );
  }
  if (mode !== 'controller' && typeof worker.worker_id === 'string' && worker.worker_id !== self.id) {
    throw new DistributedError(
      USERS_FILE_ERROR,
      `worker.worker_id is ${worker.worker_id}, but this node's entry "${self.name}" in ${usersFile} has the id ${self.id}, to which its rights are bound. Use that id, or remove worker.worker_id.`,
    );
  }
  return { role: self.role, id: self.id, inboxPrefix: inboxPrefixOf(self), users, self };
}
