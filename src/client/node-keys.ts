/**
 * A node's own NATS identity: a user nkey (ed25519; public key `U...`, seed `SU...`). The server knows the public key
 * and sends a nonce at every connection; the nkey seed signs it and never travels. So the nkey seed is the credential, and
 * nothing here puts its text in an error, a log field or a return value, except `createNodeKey`, whose job is to
 * mint one for a file.
 */
import { open } from 'node:fs/promises';
import { createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { DistributedError } from '../base/errors.js';

/** A freshly minted user nkey: the public key the server lists, and the nkey seed the node signs with (keep it secret). */
export interface NodeKey {
  publicKey: string;
  seed: string;
}

/** Error code of every problem with a seed or its file. */
export const NKEY_SEED_ERROR = 'NATS_NKEY_SEED';

/** Mints a user nkey. */
export function createNodeKey(): NodeKey {
  const pair = createUser();
  const key = { publicKey: pair.getPublicKey(), seed: new TextDecoder().decode(pair.getSeed()) };
  pair.clear();
  return key;
}

/** The public key of a user seed. `source` names where the seed came from, for the error (never the seed). */
export function nkeyPublicKey(seed: string | Uint8Array, source = 'the nkey seed'): string {
  const pair = userPair(typeof seed === 'string' ? new TextEncoder().encode(seed.trim()) : seed, source);
  const publicKey = pair.getPublicKey();
  pair.clear();
  return publicKey;
}

/**
 * The seed in `path`, checked: the file must exist, be open to its owner only (a seed is this node's identity, so a
 * file another account can read is refused, as ssh refuses such a private key) and hold one user seed.
 */
export async function readSeedFile(path: string): Promise<Uint8Array> {
  const source = `the nkey seed file ${path}`;
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const { mode } = await file.stat();
      if ((mode & 0o077) !== 0) {
        throw seedError(
          `${source} is open to its group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): it is this node's identity. Run chmod 600 ${path}.`,
        );
      }
      text = await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof DistributedError) throw error;
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read by this user'
          : `cannot be read (${typeof code === 'string' ? code : 'error'})`;
    throw seedError(`${source} ${why}. On the controller, mlx-node credentials init (its own key) and add-worker (a worker's) write seed files.`);
  }
  const seed = new TextEncoder().encode(text.trim());
  userPair(seed, source).clear();
  return seed;
}

/** The public key of the seed in `path`, read and checked as {@link readSeedFile} does; the seed stays here. */
export async function seedFilePublicKey(path: string): Promise<string> {
  const seed = await readSeedFile(path);
  try {
    return nkeyPublicKey(seed, `the nkey seed file ${path}`);
  } finally {
    seed.fill(0);
  }
}

/**
 * Throws unless `seed` is a user seed. (The authenticator built from it lives in connection.ts, so that no declaration
 * of this public module names a nats.js type.)
 */
export function checkUserSeed(seed: Uint8Array, source = 'the nkey seed'): void {
  userPair(seed, source).clear();
}

/** The key pair of a user seed (on a copy: clearing a pair zeroes the array it was made from); the error says what is wrong without quoting it. */
function userPair(seed: Uint8Array, source: string): KeyPair {
  let pair: KeyPair;
  try {
    pair = fromSeed(seed.slice());
  } catch {
    throw seedError(`${source} is not an nkey seed: expected one line of "SU" and 56 more base32 characters, as mlx-node credentials writes.`);
  }
  if (!pair.getPublicKey().startsWith('U')) {
    pair.clear();
    throw seedError(`${source} is an nkey seed, but not of a user (its public key does not start with "U"): a node connects with a user seed ("SU...").`);
  }
  return pair;
}

function seedError(message: string): DistributedError {
  return new DistributedError(NKEY_SEED_ERROR, message);
}
