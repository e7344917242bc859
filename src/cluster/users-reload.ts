/**
 * Keeps the embedded server's users equal to the users file while the node runs: `mlx-node credentials` rewrites the
 * file from another process, this node sees the change and reloads its server (no restart; nats-server closes the
 * connections of the nodes no longer listed). The file's stat is polled rather than watched with fs.watch: polling
 * sees a file replaced by a rename, works alike on macOS and Linux, and needs nothing from a sandboxed service but
 * read access to the file.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { describe } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { NatsClient } from '../client/index.js';
import { readUsersFile, usersAuthorization, type NodeUser } from './users-file.js';

/** How often the file's stat is read, in ms. */
export const USERS_FILE_POLL_MS = 500;

/** Stops following. */
export interface UsersFileFollower {
  stop(): void;
}

/**
 * Reloads `client`'s embedded server whenever the users file at `path` changes, starting from `current`. A file that
 * is gone, not valid, or no longer lists `self` (the server would refuse this node itself) is logged and skipped:
 * the server keeps the users it has.
 */
export function followUsersFile(
  path: string,
  options: { client: NatsClient; self: NodeUser; current: readonly NodeUser[]; logger: Logger; pollMs?: number },
): UsersFileFollower {
  const { client, self, logger } = options;
  let current = options.current;
  let running: Promise<void> | undefined;
  let again = false;

  const apply = async (): Promise<void> => {
    const users = await readUsersFile(path);
    if (!users.some((user) => user.nkey === self.nkey)) {
      logger.error(
        { usersFile: path },
        `The users file no longer lists this node ("${self.name}"); the server keeps its users, or it would refuse this node itself. Restore the entry.`,
      );
      return;
    }
    await client.reloadEmbeddedServer({ authorization: usersAuthorization(users) });
    const names = (list: readonly NodeUser[]): Set<string> => new Set(list.map((user) => `${user.name} (${user.nkey})`));
    const before = names(current);
    const after = names(users);
    logger.info(
      { usersFile: path, users: users.length, added: [...after].filter((n) => !before.has(n)), removed: [...before].filter((n) => !after.has(n)) },
      'NATS users reloaded from the users file',
    );
    current = users;
  };

  // One reload at a time; changes during one are taken by one more.
  const onChange = (now: Stats): void => {
    if (now.mtimeMs === 0) {
      logger.error({ usersFile: path }, 'The users file is gone; the server keeps the users it has');
      return;
    }
    if (running !== undefined) {
      again = true;
      return;
    }
    running = apply()
      .catch((error: unknown) => {
        logger.error({ usersFile: path, error: describe(error) }, 'The users file changed but could not be applied; the server keeps the users it has');
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          onChange(now);
        }
      });
  };
  watchFile(path, { interval: options.pollMs ?? USERS_FILE_POLL_MS, persistent: false }, onChange);
  return {
    stop() {
      unwatchFile(path, onChange);
    },
  };
}
