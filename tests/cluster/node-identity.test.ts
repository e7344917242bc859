/**
 * Node identities from the configuration: the users file (its shape, what each role may do, written whole), the
 * cross-field rules of `nats.nkey_seed_file` and `nats.embedded.users_file`, who a node is (`loadNodeIdentity`), and
 * what `toRuntimeOptions` makes of it: the client's key and inbox prefix, the embedded server's users.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeKey } from '../../src/client/index.js';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { loadNodeIdentity } from '../../src/cluster/identity.js';
import { toRuntimeOptions } from '../../src/cluster/runtime-options.js';
import { NODE_SERVICE_NAME } from '../../src/cluster/node-service.js';
import { permissionsOfRole, readUsersFile, usersAuthorization, writeUsersFile, type NodeUser } from '../../src/cluster/users-file.js';
import { inboxPrefixFor, natsPermissions } from '../../src/contract/permissions.js';
import { rolePermissions } from '../../generated/permissions.js';
import { problemsOf } from '../helpers/config.js';

const scratch = mkdtempSync(join(tmpdir(), 'node-identity-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const CONTROLLER_ID = '1f0e2d3c-4b5a-4697-8877-665544332211';
const WORKER_ID = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const controllerKey = createNodeKey();
const workerKey = createNodeKey();
const users: NodeUser[] = [
  { name: 'studio', role: 'controller', id: CONTROLLER_ID, nkey: controllerKey.publicKey },
  { name: 'mini-1', role: 'worker', id: WORKER_ID, nkey: workerKey.publicKey },
];

function file(name: string, text: string, mode = 0o600): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

describe('the users file', () => {
  it('round-trips, written as a new 0600 file; a rewrite keeps the mode the file has', async () => {
    const path = join(scratch, 'users.json');
    await writeUsersFile(path, users);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readUsersFile(path)).toEqual(users);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, users });
    chmodSync(path, 0o640);
    await writeUsersFile(path, users.slice(0, 1));
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(await readUsersFile(path)).toEqual(users.slice(0, 1));
  });

  it('is refused when missing, not JSON, of the wrong shape, or listing a name, id or key twice', async () => {
    const reasons = async (path: string): Promise<string> =>
      readUsersFile(path).then(
        () => 'accepted',
        (error: unknown) => (error as Error).message,
      );
    expect(await reasons(join(scratch, 'none.json'))).toMatch(/does not exist: mlx-node credentials init writes it/);
    expect(await reasons(file('bad.json', '{'))).toMatch(/is not valid: it is not JSON/);
    const shaped = (list: unknown[]): string => JSON.stringify({ version: 1, users: list });
    expect(await reasons(file('shape.json', shaped([{ ...users[1], role: 'boss' }])))).toMatch(/users\.0\.role/);
    expect(await reasons(file('key.json', shaped([{ ...users[1], nkey: 'Uabc' }])))).toMatch(/users\.0\.nkey: a user public key/);
    expect(await reasons(file('twice.json', shaped([users[1], { ...users[1], id: CONTROLLER_ID, nkey: controllerKey.publicKey }])))).toMatch(
      /the name mini-1 is listed twice/,
    );
  });

  it('grants each node its role, bound to its id and its own inbox prefix; a dual node both roles', () => {
    const [controller, worker] = usersAuthorization(users).users;
    // Every node also answers the services protocol's discovery subjects, as the cluster's NATS service.
    const services = NODE_SERVICE_NAME;
    expect(controller).toEqual({
      nkey: controllerKey.publicKey,
      permissions: natsPermissions(rolePermissions.controller, CONTROLLER_ID, { inboxPrefix: inboxPrefixFor('controller', CONTROLLER_ID), services }),
    });
    expect(worker).toEqual({
      nkey: workerKey.publicKey,
      permissions: natsPermissions(rolePermissions.worker, WORKER_ID, { inboxPrefix: inboxPrefixFor('worker', WORKER_ID), services }),
    });
    expect(worker?.permissions.subscribe.allow).toContain(`$SRV.PING`);
    const dual = permissionsOfRole('dual');
    for (const subject of [...rolePermissions.controller.publish, ...rolePermissions.worker.publish]) expect(dual.publish).toContain(subject);
    for (const subject of [...rolePermissions.controller.subscribe, ...rolePermissions.worker.subscribe]) expect(dual.subscribe).toContain(subject);
    expect(dual.requests && dual.replies).toBe(true);
  });
});

describe('config rules', () => {
  const config = (cluster: Record<string, unknown>): unknown => ({
    cluster: { mode: 'worker', nats: { mode: 'external', server_url: 'nats://10.0.0.5:4222' }, ...cluster },
  });
  const paths = (cluster: Record<string, unknown>): string[] =>
    problemsOf(() => parseClusterConfig(config(cluster) as object)).map((p) => `${p.path}: ${p.expected}`);

  it('a key with a shared credential is refused', () => {
    expect(
      paths({ nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/k.nk', user: 'u', password: 'p' }, worker: { worker_id: WORKER_ID } }),
    ).toEqual(['cluster.nats.user: no shared credential (nats.nkey_seed_file is set: this node signs with its own key; remove nats.user and nats.password)']);
    expect(
      paths({ nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/k.nk', token: 't' }, worker: { worker_id: WORKER_ID } })[0],
    ).toMatch(/^cluster\.nats\.token: .*remove nats\.token/);
  });

  it('a worker key needs its worker_id; a controller key needs the users file of its embedded server; a users file needs its own key', () => {
    expect(paths({ nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/k.nk' } })).toEqual([
      'cluster.worker.worker_id: the worker id its key was issued for (nats.nkey_seed_file is set): the worker_id line mlx-node credentials add-worker printed',
    ]);
    expect(paths({ mode: 'controller', nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/k.nk' } })[0]).toMatch(
      /^cluster\.nats\.nkey_seed_file: a key for a worker only, or for a controller node whose embedded server has nats\.embedded\.users_file/,
    );
    expect(paths({ mode: 'dual', nats: { mode: 'embedded', nkey_seed_file: '/k.nk' } })[0]).toMatch(/^cluster\.nats\.nkey_seed_file: /);
    expect(paths({ mode: 'controller', nats: { mode: 'embedded', embedded: { users_file: '/u.json' } } })).toEqual([
      "cluster.nats.nkey_seed_file: this node's own seed file (nats.embedded.users_file is set: the embedded server admits only the nodes listed there, this one too)",
    ]);
  });

  it('accepts a worker with its key and id, and a controller with its key and users file', () => {
    expect(
      parseClusterConfig(
        config({ nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/k.nk' }, worker: { worker_id: WORKER_ID } }) as object,
      ).cluster.nats.nkey_seed_file,
    ).toBe('/k.nk');
    const controller = parseClusterConfig({
      cluster: { mode: 'controller', nats: { mode: 'embedded', nkey_seed_file: '/c.nk', embedded: { users_file: '/u.json' } } },
    });
    expect(controller.cluster.nats.embedded.users_file).toBe('/u.json');
  });
});

describe('loadNodeIdentity and toRuntimeOptions', () => {
  const usersFile = join(scratch, 'identity-users.json');
  const controllerSeed = file('controller.nk', `${controllerKey.seed}\n`);
  const controllerConfig = (extra: Record<string, unknown> = {}): ReturnType<typeof parseClusterConfig> =>
    parseClusterConfig({
      cluster: { mode: 'controller', nats: { mode: 'embedded', nkey_seed_file: controllerSeed, embedded: { users_file: usersFile } }, ...extra },
    });

  it('no key: no identity, and runtime options as before', async () => {
    const config = parseClusterConfig({ cluster: { mode: 'dual', nats: { mode: 'embedded' } } });
    expect(await loadNodeIdentity(config)).toBeUndefined();
    const { client, embedded } = toRuntimeOptions(config, undefined);
    expect(client.nkeySeedFile).toBeUndefined();
    expect(client.inboxPrefix).toBeUndefined();
    expect(embedded?.authorization).toBeUndefined();
  });

  it('a worker: its key file and the inbox prefix of its id', async () => {
    const config = parseClusterConfig({
      cluster: { mode: 'worker', nats: { mode: 'external', server_url: 'nats://h:4222', nkey_seed_file: '/w.nk' }, worker: { worker_id: WORKER_ID } },
    });
    const identity = await loadNodeIdentity(config);
    expect(identity).toEqual({ role: 'worker', id: WORKER_ID, inboxPrefix: inboxPrefixFor('worker', WORKER_ID) });
    expect(toRuntimeOptions(config, identity).client).toMatchObject({ nkeySeedFile: '/w.nk', inboxPrefix: `_INBOX_worker_${WORKER_ID}` });
  });

  it('the controller: its entry found by its key, and every user for its embedded server', async () => {
    await writeUsersFile(usersFile, users);
    const config = controllerConfig();
    const identity = await loadNodeIdentity(config);
    expect(identity).toMatchObject({ role: 'controller', id: CONTROLLER_ID, inboxPrefix: `_INBOX_controller_${CONTROLLER_ID}`, self: users[0] });
    const { client, embedded } = toRuntimeOptions(config, identity);
    expect(client).toMatchObject({ nkeySeedFile: controllerSeed, inboxPrefix: `_INBOX_controller_${CONTROLLER_ID}` });
    expect(embedded?.authorization).toEqual(usersAuthorization(users));
    expect(client.embedded?.authorization).toEqual(usersAuthorization(users));
  });

  it('refuses a controller whose key is not in the users file, or listed under another role, naming neither seed', async () => {
    await writeUsersFile(usersFile, users.slice(1));
    const missing = await loadNodeIdentity(controllerConfig()).catch((error: unknown) => error as Error);
    expect(missing).toMatchObject({
      code: 'CONFIG_USERS_FILE',
      message: expect.stringContaining(`(public key ${controllerKey.publicKey}) is not in the users file`) as unknown,
    });
    await writeUsersFile(usersFile, [{ ...users[0]!, role: 'dual' }, users[1]!]);
    const role = await loadNodeIdentity(controllerConfig()).catch((error: unknown) => error as Error);
    expect((role as Error).message).toMatch(/"studio" .* a dual, but cluster\.mode is controller/);
    for (const error of [missing, role]) expect((error as Error).message).not.toContain(controllerKey.seed);
  });
});
