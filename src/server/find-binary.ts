/**
 * Locates the nats-server binary. The search order is fixed and documented so that "which nats-server did it run?"
 * always has one answer: the explicit option, `NATS_SERVER_BIN`, `PATH`, then the usual install places.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NatsServerNotFoundError } from '../base/errors.js';

/** Where package managers put nats-server when it is not on PATH (Debian's package, manual installs, Homebrew on Apple silicon). */
export const DEFAULT_NATS_SERVER_DIRS: readonly string[] = ['/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin'];

/** What {@link findNatsServerIn} searches; every field defaults to the real environment. */
export interface NatsServerSearch {
  /** An explicit path (the `binary` option). If given, it must work: there is no fallback to other places. */
  explicit?: string | undefined;
  /** Environment to read `NATS_SERVER_BIN` and `PATH` from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directories tried after PATH. Default {@link DEFAULT_NATS_SERVER_DIRS}. */
  fallbackDirs?: readonly string[];
  /** Platform, for the executable's name (`nats-server.exe` on Windows). Default `process.platform`. */
  platform?: NodeJS.Platform;
}

/** True when `file` exists, is a regular file (symlinks followed) and may be executed by this process. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds nats-server with an explicit search description (testable without touching the real environment).
 * @throws {NatsServerNotFoundError} listing every place it looked, with install instructions.
 */
export function findNatsServerIn(search: NatsServerSearch = {}): string {
  const env = search.env ?? process.env;
  const exe = (search.platform ?? process.platform) === 'win32' ? 'nats-server.exe' : 'nats-server';

  // An explicit choice that does not work is a mistake to report, not a hint to silently run some other binary.
  if (search.explicit !== undefined && search.explicit !== '') {
    if (isExecutableFile(search.explicit)) return search.explicit;
    throw new NatsServerNotFoundError([`binary option (${search.explicit}): not an executable file`]);
  }
  const fromEnv = env.NATS_SERVER_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new NatsServerNotFoundError([`NATS_SERVER_BIN (${fromEnv}): not an executable file`]);
  }

  const pathDirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const searched: string[] = [];
  for (const dir of pathDirs) {
    const candidate = join(dir, exe);
    if (isExecutableFile(candidate)) return candidate;
  }
  searched.push(pathDirs.length === 0 ? 'PATH (empty)' : `PATH (${pathDirs.join(delimiter)})`);
  for (const dir of search.fallbackDirs ?? DEFAULT_NATS_SERVER_DIRS) {
    const candidate = join(dir, exe);
    if (isExecutableFile(candidate)) return candidate;
    searched.push(candidate);
  }
  throw new NatsServerNotFoundError(searched);
}

/**
 * Finds the nats-server binary: `explicit` (the `binary` option), then `NATS_SERVER_BIN`, then `PATH`, then
 * /usr/sbin, /usr/local/bin and /opt/homebrew/bin. Returns its path.
 * @throws {NatsServerNotFoundError} listing where it looked and how to install it.
 */
export function findNatsServer(explicit?: string): string {
  return findNatsServerIn({ explicit });
}
