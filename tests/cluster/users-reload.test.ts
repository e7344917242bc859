/**
 * followUsersFile in-process: a node's embedded server takes each change of the users file without a restart; a file
 * that no longer lists the node itself, is not valid, or is gone is logged and leaves the server's users as they are.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { nkeyAuthenticator } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/base/logger.js';
import { NatsClient, createNodeKey, type NodeKey } from '../../src/client/index.js';
import { inboxPrefixOf, usersAuthorization, writeUsersFile, type NodeUser } from '../../src/cluster/users-file.js';
import { followUsersFile } from '../../src/cluster/users-reload.js';
import { waitFor } from '../helpers/client.js';

const scratch = mkdtempSync(join(tmpdir(), 'users-reload-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const node = (name: string, role: NodeUser['role']): { key: NodeKey; user: NodeUser } => {
  const key = createNodeKey();
  return { key, user: { name, role, id: randomUUID(), nkey: key.publicKey } };
};

async function admitted(url: string, key: NodeKey): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(key.seed)), reconnect: false, timeout: 2000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

describe('followUsersFile', () => {
  it('reloads the server on each change, and keeps its users when the file is wrong or gone', async () => {
    const self = node('studio', 'controller');
    const [first, second] = [node('mini-1', 'worker'), node('mini-2', 'worker')];
    const path = join(scratch, 'users.json');
    await writeUsersFile(path, [self.user, first.user]);
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
    const client = new NatsClient({ logger });
    await client.connect({
      mode: 'embedded',
      embedded: { port: 0, httpPort: 0, authorization: usersAuthorization([self.user, first.user]) },
      nkeySeed: self.key.seed,
      inboxPrefix: inboxPrefixOf(self.user),
    });
    const follower = followUsersFile(path, { client, self: self.user, current: [self.user, first.user], logger, pollMs: 20 });
    const url = `nats://${(await client.health()).server ?? ''}`;
    const logged = (text: string): boolean => lines.some((line) => line.includes(text));
    try {
      expect(await admitted(url, first.key)).toBe(true);
      expect(await admitted(url, second.key)).toBe(false);

      await writeUsersFile(path, [self.user, second.user]);
      await waitFor(() => logged('NATS users reloaded from the users file'), 'the reload');
      const reloaded = JSON.parse(lines.find((line) => line.includes('NATS users reloaded')) ?? '{}') as { added: string[]; removed: string[] };
      expect(reloaded.added).toEqual([`mini-2 (${second.key.publicKey})`]);
      expect(reloaded.removed).toEqual([`mini-1 (${first.key.publicKey})`]);
      expect(await admitted(url, second.key)).toBe(true);
      expect(await admitted(url, first.key)).toBe(false);

      await writeUsersFile(path, [second.user]);
      await waitFor(() => logged('no longer lists this node'), 'the refusal of a file without this node');
      expect(client.isConnected()).toBe(true);
      expect(await admitted(url, second.key)).toBe(true);

      writeFileSync(path, '{ not json');
      await waitFor(() => logged('could not be applied'), 'the invalid file');
      rmSync(path);
      await waitFor(() => logged('The users file is gone'), 'the missing file');
      expect(await admitted(url, second.key)).toBe(true);

      follower.stop();
      await writeUsersFile(path, [self.user]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await admitted(url, second.key)).toBe(true);
      expect(lines.filter((line) => line.includes('NATS users reloaded'))).toHaveLength(1);
    } finally {
      follower.stop();
      await client.disconnect();
    }
  });
});
