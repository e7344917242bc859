/**
 * EmbeddedNatsServer with nkey users: each admitted by its public key with its own permissions, written to the 0600
 * config file; an empty list refused (nats-server reads it as no authentication); the pid file; and `reload()`, which
 * adds and removes users on the running server. What nats-server 2.9 does to open connections on such a reload is
 * pinned here: a removed user's connection is closed at once, every other connection stays up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nkeyAuthenticator, nkeys, type NatsConnection, type Status } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigValidationError, DistributedError } from '../../src/base/errors.js';
import { buildServerConfig, resolveEmbeddedOptions } from '../../src/server/config.js';
import { EmbeddedNatsServer, findNatsServer, type EmbeddedNkeyUser } from '../../src/server/index.js';
import type { NatsUserPermissions } from '../../src/contract/permissions.js';
import { waitFor } from '../helpers/client.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'nkey-users-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

const everything: NatsUserPermissions = { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
const key = (): { pair: ReturnType<typeof nkeys.createUser>; user: EmbeddedNkeyUser } => {
  const pair = nkeys.createUser();
  return { pair, user: { nkey: pair.getPublicKey(), permissions: everything } };
};

async function startServer(users: readonly EmbeddedNkeyUser[], pidFile?: string): Promise<EmbeddedNatsServer> {
  const server = new EmbeddedNatsServer();
  cleanups.push(() => server.stop());
  await server.start({ port: 0, httpPort: 0, authorization: { users }, ...(pidFile === undefined ? {} : { pidFile }) });
  return server;
}

/** A raw nats.js connection as `pair`, with every status it reports. */
async function connectAs(server: EmbeddedNatsServer, pair: ReturnType<typeof nkeys.createUser>): Promise<{ nc: NatsConnection; statuses: Status[] }> {
  const nc = await connect({ servers: server.getUrl(), authenticator: nkeyAuthenticator(pair.getSeed()), reconnectTimeWait: 50, maxReconnectAttempts: 5 });
  cleanups.push(() => nc.close());
  const statuses: Status[] = [];
  void (async () => {
    for await (const status of nc.status()) statuses.push(status);
  })();
  return { nc, statuses };
}

async function refusal(server: EmbeddedNatsServer, pair?: ReturnType<typeof nkeys.createUser>): Promise<string> {
  try {
    const nc = await connect({
      servers: server.getUrl(),
      reconnect: false,
      timeout: 2000,
      ...(pair === undefined ? {} : { authenticator: nkeyAuthenticator(pair.getSeed()) }),
    });
    await nc.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('nkey users in the options', () => {
  it('are rendered with their permissions after the listen line, and a pid file is named', () => {
    const { user } = key();
    const text = buildServerConfig(resolveEmbeddedOptions({ port: 0, authorization: { users: [user] } }), '/d/js', '/d/nats-server.pid');
    expect(text).toContain('pid_file: "/d/nats-server.pid"');
    expect(text).toContain(
      `authorization {\n  users = [\n    { nkey: "${user.nkey}", permissions: { publish: { allow: [">"] }, subscribe: { allow: [">"] } } }\n  ]\n}`,
    );
  });

  it('refuses an empty list (nats-server would let everyone in), auth beside them, a key that is not a user key, a key twice', () => {
    const { user } = key();
    const problems = (options: Parameters<typeof resolveEmbeddedOptions>[0]): string => {
      try {
        resolveEmbeddedOptions(options);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigValidationError);
        return (error as Error).message;
      }
    };
    expect(problems({ authorization: { users: [] } })).toMatch(
      /authorization\.users: expected at least one nkey user \(an empty list would let every client in\)/,
    );
    expect(problems({ authorization: { users: [user] }, auth: { token: 'secret-token-x' } })).toMatch(/either auth or authorization/);
    expect(problems({ authorization: { users: [user] }, auth: { token: 'secret-token-x' } })).not.toContain('secret-token-x');
    expect(problems({ authorization: { users: [{ ...user, nkey: nkeys.createAccount().getPublicKey() }] } })).toMatch(
      /users\[0\]\.nkey: expected a user public key/,
    );
    expect(problems({ authorization: { users: [user, user] } })).toMatch(/users\[1\]\.nkey: expected a key listed once/);
    expect(problems({ authorization: { users: [{ nkey: user.nkey } as EmbeddedNkeyUser] } })).toMatch(/users\[0\]\.permissions/);
  });
});

describe('a server with nkey users', () => {
  it('admits its users only: no credentials and an unknown key are refused', async () => {
    const a = key();
    const server = await startServer([a.user]);
    expect(await refusal(server, a.pair)).toBe('connected');
    expect(await refusal(server)).toMatch(/authorization/i);
    expect(await refusal(server, nkeys.createUser())).toMatch(/authorization/i);
  });

  it('writes its pid file (in its private directory by default), which another process can use to make it reload', async () => {
    const server = await startServer([key().user]);
    const pidFile = server.getPidFile() as string;
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(server.getPid()));
    await run(findNatsServer(), ['--signal', `reload=${pidFile}`]);
    await waitFor(() => server.getLogs().some((line) => line.includes('Reloaded server configuration')), 'the reload in the server log');
    await server.stop();
    expect(server.getPidFile()).toBeUndefined();
    expect(existsSync(pidFile)).toBe(false);
  });

  it('a pid file elsewhere is removed when the server stops', async () => {
    const pidFile = join(scratch, 'embedded.pid');
    const server = await startServer([key().user], pidFile);
    expect(server.getPidFile()).toBe(pidFile);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(server.getPid()));
    await server.stop();
    expect(existsSync(pidFile)).toBe(false);
  });

  it('reload(): an added user connects, a removed user is cut off at once and refused after, the others stay connected', async () => {
    const [a, b, c] = [key(), key(), key()];
    const server = await startServer([a.user, b.user]);
    const stays = await connectAs(server, a.pair);
    const goes = await connectAs(server, b.pair);
    expect(await refusal(server, c.pair)).toMatch(/authorization/i);

    await server.reload({ authorization: { users: [a.user, c.user] } });
    expect(await refusal(server, c.pair)).toBe('connected');
    expect(await refusal(server, b.pair)).toMatch(/authorization/i);
    // nats-server 2.9 closes the removed user's connection on the reload; nats.js then gives up after two refusals.
    await waitFor(() => goes.nc.isClosed(), "the removed user's connection closed");
    expect(goes.statuses.map((s) => s.type)).toContain('disconnect');
    const closed = await goes.nc.closed();
    expect(String(closed)).toMatch(/authorization/i);
    // The user who stays was never disconnected, and still talks.
    expect(stays.statuses.filter((s) => s.type === 'disconnect' || s.type === 'reconnect')).toEqual([]);
    await stays.nc.flush();
    expect(server.getLogs().some((line) => line.includes('Reloaded server configuration'))).toBe(true);
  });

  it('reload() checks the update first and changes nothing when it is invalid; a stopped server cannot reload', async () => {
    const a = key();
    const server = await startServer([a.user]);
    await expect(server.reload({ authorization: { users: [] } })).rejects.toBeInstanceOf(ConfigValidationError);
    expect(await refusal(server, a.pair)).toBe('connected');
    await server.stop();
    await expect(server.reload({ authorization: { users: [a.user] } })).rejects.toMatchObject({ code: 'NATS_SERVER_NOT_STARTED' });
    await expect(new EmbeddedNatsServer().reload()).rejects.toBeInstanceOf(DistributedError);
  });
});
