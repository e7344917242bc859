import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DEFAULT_NATS_SERVER_DIRS, findNatsServer, findNatsServerIn, isExecutableFile } from '../../src/server/find-binary.js';
import { NatsServerNotFoundError } from '../../src/base/errors.js';

let root: string;
/** Directories with (or without) a fake nats-server, made once for the file. */
let dirs: { a: string; b: string; empty: string; notExec: string; isDir: string; win: string };

function fakeBinary(dir: string, name = 'nats-server', mode = 0o755): string {
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\necho fake\n');
  chmodSync(file, mode);
  return file;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'find-binary-'));
  const make = (name: string): string => {
    const dir = join(root, name);
    mkdirSync(dir);
    return dir;
  };
  dirs = { a: make('a'), b: make('b'), empty: make('empty'), notExec: make('not-exec'), isDir: make('is-dir'), win: make('win') };
  fakeBinary(dirs.a);
  fakeBinary(dirs.b);
  fakeBinary(dirs.notExec, 'nats-server', 0o644);
  mkdirSync(join(dirs.isDir, 'nats-server'));
  fakeBinary(dirs.win, 'nats-server.exe');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function notFound(fn: () => unknown): NatsServerNotFoundError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NatsServerNotFoundError);
    return error as NatsServerNotFoundError;
  }
  throw new Error('expected NatsServerNotFoundError, nothing was thrown');
}

describe('isExecutableFile', () => {
  it('accepts an executable regular file and rejects the rest', () => {
    expect(isExecutableFile(join(dirs.a, 'nats-server'))).toBe(true);
    expect(isExecutableFile(join(dirs.notExec, 'nats-server'))).toBe(false);
    expect(isExecutableFile(join(dirs.isDir, 'nats-server'))).toBe(false);
    expect(isExecutableFile(join(dirs.empty, 'nats-server'))).toBe(false);
  });
});

describe('findNatsServerIn: search order', () => {
  const env = (): Record<string, string> => ({ NATS_SERVER_BIN: join(dirs.b, 'nats-server'), PATH: dirs.a });

  it('takes the explicit path first, over NATS_SERVER_BIN and PATH', () => {
    const explicit = join(dirs.win, 'nats-server.exe');
    expect(findNatsServerIn({ explicit, env: env(), fallbackDirs: [] })).toBe(explicit);
  });

  it('takes NATS_SERVER_BIN over PATH', () => {
    expect(findNatsServerIn({ env: env(), fallbackDirs: [] })).toBe(join(dirs.b, 'nats-server'));
  });

  it('treats empty explicit and empty NATS_SERVER_BIN as unset', () => {
    expect(findNatsServerIn({ explicit: '', env: { NATS_SERVER_BIN: '', PATH: dirs.a }, fallbackDirs: [] })).toBe(join(dirs.a, 'nats-server'));
  });

  it('walks PATH in order, skipping entries without a usable binary', () => {
    const PATH = [dirs.empty, dirs.notExec, dirs.isDir, dirs.b, dirs.a].join(delimiter);
    expect(findNatsServerIn({ env: { PATH }, fallbackDirs: [dirs.a] })).toBe(join(dirs.b, 'nats-server'));
  });

  it('falls back to the usual places after PATH', () => {
    expect(findNatsServerIn({ env: { PATH: dirs.empty }, fallbackDirs: [dirs.notExec, dirs.a, dirs.b] })).toBe(join(dirs.a, 'nats-server'));
  });

  it('looks for nats-server.exe on Windows', () => {
    expect(findNatsServerIn({ env: { PATH: [dirs.a, dirs.win].join(delimiter) }, fallbackDirs: [], platform: 'win32' })).toBe(
      join(dirs.win, 'nats-server.exe'),
    );
  });

  it('searches /usr/sbin, /usr/local/bin and /opt/homebrew/bin by default', () => {
    expect(DEFAULT_NATS_SERVER_DIRS).toEqual(['/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin']);
  });
});

describe('findNatsServerIn: not found', () => {
  it('lists PATH and every fallback it tried, and says how to install', () => {
    const error = notFound(() => findNatsServerIn({ env: { PATH: [dirs.empty, dirs.notExec].join(delimiter) }, fallbackDirs: [dirs.isDir, dirs.empty] }));
    expect(error.code).toBe('NATS_SERVER_NOT_FOUND');
    expect(error.searched).toEqual([`PATH (${[dirs.empty, dirs.notExec].join(delimiter)})`, join(dirs.isDir, 'nats-server'), join(dirs.empty, 'nats-server')]);
    expect(error.message).toContain(join(dirs.isDir, 'nats-server'));
    expect(error.message).not.toContain('npm run');
    expect(error.message).toContain('apt-get install -y nats-server');
    expect(error.message).toContain('brew install nats-server');
    expect(error.message).toContain('NATS_SERVER_BIN');
  });

  it('says PATH was empty when it was', () => {
    expect(notFound(() => findNatsServerIn({ env: {}, fallbackDirs: [] })).searched).toEqual(['PATH (empty)']);
  });

  it('does not fall back when the explicit path is wrong', () => {
    const bad = join(dirs.notExec, 'nats-server');
    const error = notFound(() => findNatsServerIn({ explicit: bad, env: { PATH: dirs.a }, fallbackDirs: [dirs.a] }));
    expect(error.searched).toEqual([`binary option (${bad}): not an executable file`]);
  });

  it('does not fall back when NATS_SERVER_BIN is wrong', () => {
    const bad = join(dirs.empty, 'nats-server');
    const error = notFound(() => findNatsServerIn({ env: { NATS_SERVER_BIN: bad, PATH: dirs.a }, fallbackDirs: [dirs.a] }));
    expect(error.searched).toEqual([`NATS_SERVER_BIN (${bad}): not an executable file`]);
    expect(error.message).toContain(bad);
  });
});

describe('findNatsServer (real environment)', () => {
  it('reads NATS_SERVER_BIN from process.env', () => {
    vi.stubEnv('NATS_SERVER_BIN', join(dirs.b, 'nats-server'));
    try {
      expect(findNatsServer()).toBe(join(dirs.b, 'nats-server'));
      expect(findNatsServer(join(dirs.a, 'nats-server'))).toBe(join(dirs.a, 'nats-server'));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reports a missing explicit binary', () => {
    expect(() => findNatsServer(join(dirs.empty, 'nats-server'))).toThrow(NatsServerNotFoundError);
  });

  it('finds the nats-server installed on this machine', () => {
    expect(isExecutableFile(findNatsServer())).toBe(true);
  });
});
