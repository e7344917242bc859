/**
 * `mlx-node credentials`: a NATS key of its own for every node of a cluster whose controller runs the embedded
 * server. `init` mints the controller's key and starts the users file; `add-worker` mints a worker's id and key,
 * writes its seed file and lists it; `remove-worker` takes one out; `list` shows who is admitted. The running
 * controller follows the users file (users-reload.ts); the command waits until its server has reloaded, so that
 * "removed" means refused. A seed is written to its file and never printed.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigValidationError, DistributedError, describe } from '../../base/errors.js';
import { createNodeKey, NKEY_SEED_ERROR } from '../../client/index.js';
import type { ClusterConfig } from '../../../generated/index.js';
import { DEFAULT_CLUSTER_CONFIG_PATH, loadClusterConfig } from '../config.js';
import { isNodeName, readUsersFile, USERS_FILE_ERROR, writeUsersFile, type NodeUser } from '../users-file.js';
import { EXIT, type CliIo } from './cli-io.js';
import { configLoadTime, RELOAD_WAIT_MS, reloadedSince, varzUrl } from './server-reload.js';

const USAGE = `Usage: mlx-node credentials <command> [--config <file>]

Gives every node of the cluster its own NATS key, so that a stolen worker key cannot read other workers' prompts
or act for another node. Run it on the controller, as the user that runs mlx-node, with the controller's config:
it needs cluster.nats.embedded.users_file and cluster.nats.nkey_seed_file. A running controller applies each
change to its embedded NATS server without a restart. Seeds go to files (mode 0600), never to the screen.

  init [--name <name>]              the controller's key (written to nats.nkey_seed_file) and the users file,
                                    listing the controller (name: controller unless given)
  add-worker <name> [--out <file>]  a new worker: an id (UUID) and a key, its seed file (default <name>.nk next to
                                    the users file), its entry in the users file; prints the worker's config lines
                                    (worker_id, nkey_seed_file)
  remove-worker <name>              revokes a worker: its entry and its seed file here go; the server closes its
                                    connection and refuses its key from then on
  list                              the nodes in the users file: name, role, id, public key

  --config <file>  the controller's configuration (default ${DEFAULT_CLUSTER_CONFIG_PATH})

Exit codes: 0 done, 1 failed (a file exists already, no such worker, the running server did not reload),
2 wrong command line, 3 invalid configuration or users file.`;

/** A command's failure, with its exit code. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Where the controller's config says the users file and its own seed file are (absolute). */
interface Files {
  usersFile: string;
  seedFile: string;
}

/** Runs `mlx-node credentials argv` (argv without `credentials`); resolves with the exit code. */
export async function runCredentials(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { config?: string; name?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.err(`mlx-node credentials: ${describe(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, name, ...extra] = positionals;
  const needsName = command === 'add-worker' || command === 'remove-worker';
  const known = command === 'init' || command === 'list' || needsName;
  const problem = !known
    ? command === undefined
      ? 'a command is missing'
      : `unknown command "${command}"`
    : needsName && name === undefined
      ? `${command} needs the worker's name`
      : extra.length > 0 || (!needsName && name !== undefined)
        ? `unexpected argument "${(needsName ? extra[0] : name) ?? ''}"`
        : undefined;
  if (problem !== undefined) {
    io.err(`mlx-node credentials: ${problem}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const config = await loadClusterConfig(values.config ?? DEFAULT_CLUSTER_CONFIG_PATH);
    const files = filesOf(config, values.config ?? DEFAULT_CLUSTER_CONFIG_PATH);
    if (command === 'init') return await init(config, files, values.name ?? 'controller', io);
    if (command === 'add-worker') return await addWorker(config, files, name ?? '', values.out, io);
    if (command === 'remove-worker') return await removeWorker(config, files, name ?? '', io);
    return await list(files, io);
  } catch (error) {
    io.err(`mlx-node credentials: ${error instanceof Error ? error.message : describe(error)}`);
    if (error instanceof CommandError) return error.exitCode;
    const invalid =
      error instanceof ConfigValidationError || (error instanceof DistributedError && (error.code.startsWith('CONFIG') || error.code === USERS_FILE_ERROR));
    return invalid ? EXIT.invalidConfig : EXIT.failed;
  }
}

function filesOf(config: ClusterConfig, path: string): Files {
  const { nats } = config.cluster;
  if (nats.mode !== 'embedded' || typeof nats.embedded.users_file !== 'string' || typeof nats.nkey_seed_file !== 'string') {
    throw new CommandError(
      `${path} does not give the embedded NATS server a users file. Per-node keys need nats.mode: embedded, nats.embedded.users_file (where the users go, e.g. /var/lib/mlx-serving/nats-users.json) and nats.nkey_seed_file (where the controller's own seed goes, e.g. /var/lib/mlx-serving/controller.nk).`,
      EXIT.invalidConfig,
    );
  }
  return { usersFile: resolve(nats.embedded.users_file), seedFile: resolve(nats.nkey_seed_file) };
}

async function init(config: ClusterConfig, files: Files, name: string, io: CliIo): Promise<number> {
  checkName(name);
  for (const [what, path] of [
    ['users file', files.usersFile],
    ['seed file', files.seedFile],
  ] as const) {
    if (await exists(path)) {
      throw new CommandError(
        `The ${what} ${path} exists already: this cluster is set up (mlx-node credentials list). To start over, remove the users file and the seed files; every worker then needs a new key.`,
      );
    }
  }
  const { mode, worker } = config.cluster;
  // A dual node's worker keeps the id its config gives it.
  const id = mode !== 'controller' && typeof worker.worker_id === 'string' ? worker.worker_id : randomUUID();
  const key = createNodeKey();
  await writeSeedFile(files.seedFile, key.seed);
  await writeUsersFile(files.usersFile, [{ name, role: mode, id, nkey: key.publicKey }]);
  io.out(
    `Wrote this ${mode}'s key to ${files.seedFile} (mode 0600) and the users file ${files.usersFile}, listing "${name}" (id ${id}, public key ${key.publicKey}).`,
  );
  io.out(
    'Start (or restart) this node: its embedded NATS server now admits only the nodes in the users file. Add each worker with: mlx-node credentials add-worker <name>',
  );
  return EXIT.ok;
}

async function addWorker(config: ClusterConfig, files: Files, name: string, out: string | undefined, io: CliIo): Promise<number> {
  checkName(name);
  const users = await readUsersFile(files.usersFile);
  if (users.some((user) => user.name === name))
    throw new CommandError(`The users file ${files.usersFile} already lists "${name}": pick another name, or remove-worker it first.`);
  const seedFile = resolve(out ?? join(dirname(files.usersFile), `${name}.nk`));
  if (await exists(seedFile)) throw new CommandError(`${seedFile} exists already: remove it, or write the seed elsewhere with --out <file>.`);
  const url = varzUrl(config);
  const before = await configLoadTime(url);
  const key = createNodeKey();
  const user: NodeUser = { name, role: 'worker', id: randomUUID(), nkey: key.publicKey };
  await writeSeedFile(seedFile, key.seed);
  await writeUsersFile(files.usersFile, [...users, user]);
  io.out(`Added worker "${name}" (id ${user.id}, public key ${user.nkey}) to ${files.usersFile}.`);
  io.out(`Its seed is in ${seedFile} (mode 0600). Copy it to the worker's Mac, keep it at mode 0600 there, and delete this copy.`);
  io.out("The worker's config, with the path of the seed file on that Mac:\n");
  io.out(`cluster:\n  nats:\n    nkey_seed_file: ${seedFile}\n  worker:\n    worker_id: ${user.id}\n`);
  return (await confirmReload(url, before, io, `"${name}" can connect now`)) ? EXIT.ok : EXIT.failed;
}

async function removeWorker(config: ClusterConfig, files: Files, name: string, io: CliIo): Promise<number> {
  const users = await readUsersFile(files.usersFile);
  const user = users.find((u) => u.name === name);
  if (user === undefined) throw new CommandError(`The users file ${files.usersFile} lists no "${name}" (mlx-node credentials list shows who it lists).`);
  if (user.role !== 'worker')
    throw new CommandError(`"${name}" is this cluster's ${user.role}, not a worker: without it the server would refuse the controller itself.`);
  const url = varzUrl(config);
  const before = await configLoadTime(url);
  await writeUsersFile(
    files.usersFile,
    users.filter((u) => u !== user),
  );
  io.out(`Removed worker "${name}" (id ${user.id}, public key ${user.nkey}) from ${files.usersFile}.`);
  const seedFile = join(dirname(files.usersFile), `${name}.nk`);
  if (await exists(seedFile)) {
    await rm(seedFile);
    io.out(`Deleted its seed file ${seedFile}.`);
  }
  return (await confirmReload(url, before, io, `it closed "${name}"'s connection and refuses its key from now on`)) ? EXIT.ok : EXIT.failed;
}

async function list(files: Files, io: CliIo): Promise<number> {
  const users = await readUsersFile(files.usersFile);
  const rows = [['NAME', 'ROLE', 'ID', 'PUBLIC KEY'], ...users.map((user) => [user.name, user.role, user.id, user.nkey])];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows)
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  return EXIT.ok;
}

/** Waits for the running server (if any) to take the new users file; false when one runs and does not. */
async function confirmReload(url: string, before: string | undefined, io: CliIo, effect: string): Promise<boolean> {
  if (before === undefined) {
    io.out(`No NATS server answers at ${url}: the change applies when the controller starts.`);
    return true;
  }
  if (await reloadedSince(url, before)) {
    io.out(`The running NATS server reloaded its users: ${effect}.`);
    return true;
  }
  io.err(
    `mlx-node credentials: the users file is updated, but the NATS server at ${url} did not reload within ${RELOAD_WAIT_MS / 1000} s. Is the controller running with this users file (cluster.nats.embedded.users_file)? Its log says why; restarting it applies the change.`,
  );
  return false;
}

function checkName(name: string): void {
  if (!isNodeName(name))
    throw new CommandError(`"${name}" cannot name a node: use letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit).`, EXIT.usage);
}

/** Writes a seed to a new file of mode 0600 (its folder made 0700 if missing); never over an existing file. */
async function writeSeedFile(path: string, seed: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${seed}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new DistributedError(NKEY_SEED_ERROR, `Could not write the seed file ${path} (${typeof code === 'string' ? code : 'error'}).`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
