/**
 * `mlx-node credentials` in-process: its command line, what init, add-worker, remove-worker and list write and print
 * (seed files of mode 0600, the users file, the worker's config lines), their exit codes, and that no seed is ever
 * printed. With a server that answers but never reloads, the command says so and exits 1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXIT, runMlxNode } from '../../../src/cluster/service/cli.js';
import { readUsersFile } from '../../../src/cluster/users-file.js';
import { freePort, startNatsServer } from '../../helpers/nats-server.js';
import { writeConfig } from '../../helpers/mlx-node.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlx-credentials-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMlxNode(['credentials', ...args], { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
  return { code, out, err };
}

const seedOf = (path: string): string => readFileSync(path, 'utf8').trim();

describe('mlx-node credentials: the command line', () => {
  it('--help prints the usage and exits 0; no command, an unknown one, or add-worker without a name exit 2 with the usage', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toContain('Usage: mlx-node credentials <command>');
    for (const args of [[], ['rotate'], ['add-worker'], ['list', 'extra'], ['--bogus']]) {
      const { code, err } = await run(args);
      expect(code, args.join(' ')).toBe(EXIT.usage);
      expect(err).toContain('Usage: mlx-node credentials');
    }
  });

  it('a config without a users file exits 3 and says which keys it needs; a missing config exits 3', async () => {
    const path = writeConfig(scratch, 'plain.yaml', { cluster: { mode: 'controller', nats: { mode: 'embedded' } } });
    const plain = await run(['init', '--config', path]);
    expect(plain.code).toBe(EXIT.invalidConfig);
    expect(plain.err).toMatch(/nats\.embedded\.users_file .* nats\.nkey_seed_file/);
    expect((await run(['list', '--config', join(scratch, 'nope.yaml')])).code).toBe(EXIT.invalidConfig);
  });
});

describe('mlx-node credentials: init, add-worker, list, remove-worker', () => {
  const dir = join(scratch, 'cluster');
  const usersFile = join(dir, 'users.json');
  const controllerSeed = join(dir, 'keys', 'controller.nk');
  let config = '';
  const printed: string[] = [];
  const seeds: string[] = [];

  it('init writes the controller seed (0600, its folder made 0700) and the users file listing it; a second init exits 1', async () => {
    config = writeConfig(scratch, 'controller.yaml', {
      cluster: {
        mode: 'controller',
        nats: { mode: 'embedded', nkey_seed_file: controllerSeed, embedded: { users_file: usersFile, http_port: await freePort() } },
      },
    });
    const first = await run(['init', '--config', config, '--name', 'studio']);
    printed.push(first.out, first.err);
    expect(first.code).toBe(EXIT.ok);
    expect(statSync(controllerSeed).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    seeds.push(seedOf(controllerSeed));
    const [controller] = await readUsersFile(usersFile);
    expect(controller).toMatchObject({ name: 'studio', role: 'controller' });
    expect(first.out).toContain(controller?.nkey);
    const again = await run(['init', '--config', config]);
    expect(again.code).toBe(EXIT.failed);
    expect(again.err).toContain('exists already');
  });

  it('add-worker mints an id and a key, writes <name>.nk (0600) next to the users file, and prints the worker config lines', async () => {
    const added = await run(['add-worker', 'mac-mini-1', '--config', config]);
    printed.push(added.out, added.err);
    expect(added.code).toBe(EXIT.ok);
    const seedFile = join(dir, 'mac-mini-1.nk');
    expect(statSync(seedFile).mode & 0o777).toBe(0o600);
    seeds.push(seedOf(seedFile));
    const worker = (await readUsersFile(usersFile)).find((u) => u.name === 'mac-mini-1');
    expect(worker).toMatchObject({ role: 'worker', id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    const yaml = added.out.slice(added.out.indexOf('cluster:'), added.out.indexOf('No NATS server answers'));
    expect(parse(yaml)).toEqual({ cluster: { nats: { nkey_seed_file: seedFile }, worker: { worker_id: worker?.id } } });
    expect(added.out).toContain('No NATS server answers at http://127.0.0.1:');
  });

  it('add-worker with --out writes the seed there; a name taken, a bad name or an existing seed file is refused', async () => {
    const out = join(scratch, 'elsewhere', 'm2.nk');
    const added = await run(['add-worker', 'mac-mini-2', '--out', out, '--config', config]);
    printed.push(added.out, added.err);
    expect(added.code).toBe(EXIT.ok);
    seeds.push(seedOf(out));
    expect((await run(['add-worker', 'mac-mini-2', '--config', config])).code).toBe(EXIT.failed);
    expect((await run(['add-worker', '../evil', '--config', config])).code).toBe(EXIT.usage);
    writeFileSync(join(dir, 'taken.nk'), 'x');
    const taken = await run(['add-worker', 'taken', '--config', config]);
    expect(taken.code).toBe(EXIT.failed);
    expect(taken.err).toContain('exists already');
  });

  it('list prints each node: name, role, id and public key', async () => {
    const { code, out } = await run(['list', '--config', config]);
    printed.push(out);
    expect(code).toBe(EXIT.ok);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME +ROLE +ID +PUBLIC KEY$/);
    expect(lines.slice(1).map((line) => line.split(/ +/).slice(0, 2).join(' '))).toEqual(['studio controller', 'mac-mini-1 worker', 'mac-mini-2 worker']);
  });

  it("remove-worker takes the worker out and deletes its seed file here; an unknown name or the controller's entry exits 1", async () => {
    const removed = await run(['remove-worker', 'mac-mini-1', '--config', config]);
    printed.push(removed.out, removed.err);
    expect(removed.code).toBe(EXIT.ok);
    expect(existsSync(join(dir, 'mac-mini-1.nk'))).toBe(false);
    expect((await readUsersFile(usersFile)).map((u) => u.name)).toEqual(['studio', 'mac-mini-2']);
    expect((await run(['remove-worker', 'mac-mini-1', '--config', config])).code).toBe(EXIT.failed);
    const own = await run(['remove-worker', 'studio', '--config', config]);
    expect(own.code).toBe(EXIT.failed);
    expect(own.err).toContain('not a worker');
  });

  it('no seed was ever printed', () => {
    expect(seeds).toHaveLength(3);
    for (const seed of seeds) for (const text of printed) expect(text).not.toContain(seed);
  });

  it('an invalid users file exits 3', async () => {
    writeFileSync(usersFile, '{"version": 1, "users": "all"}');
    const { code, err } = await run(['list', '--config', config]);
    expect(code).toBe(EXIT.invalidConfig);
    expect(err).toContain('is not valid');
  });
});

describe('mlx-node credentials with a server that does not follow the users file', () => {
  it('waits for the reload, then says the server did not reload and exits 1 (the users file is updated)', async () => {
    const httpPort = await freePort();
    const dir = join(scratch, 'stale');
    const config = writeConfig(scratch, 'stale.yaml', {
      cluster: {
        mode: 'controller',
        nats: { mode: 'embedded', nkey_seed_file: join(dir, 'c.nk'), embedded: { users_file: join(dir, 'users.json'), http_port: httpPort } },
      },
    });
    expect((await run(['init', '--config', config])).code).toBe(EXIT.ok);
    const server = await startNatsServer({ httpPort });
    try {
      const { code, err } = await run(['add-worker', 'w', '--config', config]);
      expect(code).toBe(EXIT.failed);
      expect(err).toMatch(/the users file is updated, but the NATS server at http:\/\/127\.0\.0\.1:\d+\/varz did not reload within 10 s/);
      expect((await readUsersFile(join(dir, 'users.json'))).map((u) => u.name)).toContain('w');
    } finally {
      await server.stop();
    }
  }, 30_000);
});
