/**
 * Per-node NATS identities with real processes: a controller with embedded NATS and a users file, set up with
 * `mlx-node credentials init`; a worker added with `credentials add-worker` while the controller runs joins and
 * serves requests without any restart; its key cannot read another worker's prompts, the controller's replies or act
 * for another node; `remove-worker` cuts it off (nats-server 2.9 closes its connection on the reload, its reconnects
 * are refused, and mlx-node exits 1); a connection without credentials is refused; no seed appears in any output.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeyAuthenticator, PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readUsersFile } from '../../../src/cluster/users-file.js';
import { waitFor } from '../../helpers/client.js';
import { freePort } from '../../helpers/nats-server.js';
import { kill, runMlxNodeToEnd, startMlxNode, waitForHttp, writeConfig, type MlxNodeProcess } from '../../helpers/mlx-node.js';

const MODEL = 'identity-model';
const OTHER_WORKER = '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f';
const scratch = mkdtempSync(join(tmpdir(), 'mlx-identities-'));
const usersFile = join(scratch, 'nats-users.json');
const discovery = { heartbeat_interval_ms: 300, offline_timeout_ms: 1200 };

let natsUrl: string;
let api: string;
let controllerConfig: string;
let controller: MlxNodeProcess;
let worker: MlxNodeProcess | undefined;
/** Everything the commands and processes printed, searched for seeds at the end. */
const printed: string[] = [];
/** Every seed of the session, kept before remove-worker deletes a seed file. */
const seeds: string[] = [];
const connections: NatsConnection[] = [];

beforeAll(async () => {
  const natsPort = await freePort();
  natsUrl = `nats://127.0.0.1:${natsPort}`;
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  controllerConfig = writeConfig(scratch, 'controller.yaml', {
    cluster: {
      mode: 'controller',
      nats: {
        mode: 'embedded',
        nkey_seed_file: join(scratch, 'controller.nk'),
        embedded: { port: natsPort, http_port: await freePort(), users_file: usersFile },
      },
      controller: { port: apiPort, dashboard_port: await freePort() },
      discovery,
      logging: { level: 'debug' },
    },
  });
  const init = await runMlxNodeToEnd(['credentials', 'init', '--config', controllerConfig]);
  printed.push(init.stdout, init.stderr);
  expect(init.code).toBe(0);
  controller = await startMlxNode(['--config', controllerConfig]);
  expect(controller.stderr).toMatch(/^mlx-node controller \| NATS embedded at /m);
}, 60_000);

afterAll(async () => {
  kill(controller);
  kill(worker);
  for (const nc of connections) await nc.close().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

/** A raw nats.js connection with a seed, and the permission violations the server reports to it. */
async function connectWithSeed(seed: string): Promise<{ nc: NatsConnection; violations: string[] }> {
  const nc = await connect({ servers: natsUrl, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), reconnect: false });
  connections.push(nc);
  const violations: string[] = [];
  void (async () => {
    for await (const status of nc.status())
      if (status.type === 'error' && status.error instanceof PermissionViolationError) violations.push(`${status.error.operation} ${status.error.subject}`);
  })();
  return { nc, violations };
}

describe('a controller with per-node keys', () => {
  it('refuses a connection without credentials, and --check shows the key file but not the seed', async () => {
    await expect(connect({ servers: natsUrl, reconnect: false, timeout: 2000 })).rejects.toThrow(/authorization/i);
    const check = await runMlxNodeToEnd(['--check', '--config', controllerConfig]);
    printed.push(check.stdout, check.stderr);
    expect(check.code).toBe(0);
    const effective = parse(check.stdout.slice(check.stdout.indexOf('\n') + 1)) as {
      cluster: { nats: { nkey_seed_file: string; embedded: { users_file: string } } };
    };
    expect(effective.cluster.nats.nkey_seed_file).toBe(join(scratch, 'controller.nk'));
    expect(effective.cluster.nats.embedded.users_file).toBe(usersFile);
  });

  it('a worker added while it runs joins and serves requests, with no restart', async () => {
    const added = await runMlxNodeToEnd(['credentials', 'add-worker', 'mini-1', '--config', controllerConfig]);
    printed.push(added.stdout, added.stderr);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('The running NATS server reloaded its users: "mini-1" can connect now.');
    const lines = parse(added.stdout.slice(added.stdout.indexOf('cluster:'), added.stdout.indexOf('The running NATS server'))) as {
      cluster: { nats: { nkey_seed_file: string }; worker: { worker_id: string } };
    };
    const workerConfig = writeConfig(scratch, 'worker.yaml', {
      cluster: {
        mode: 'worker',
        nats: { mode: 'external', server_url: natsUrl, nkey_seed_file: lines.cluster.nats.nkey_seed_file, reconnect_time_wait: 50 },
        worker: { worker_id: lines.cluster.worker.worker_id, port: await freePort(), models: [MODEL], engine: { type: 'simulated', token_delay_ms: 5 } },
        discovery,
        logging: { level: 'debug' },
      },
    });
    worker = await startMlxNode(['--config', workerConfig]);
    expect(worker.stderr).toMatch(new RegExp(`^mlx-node worker \\| .* worker ${lines.cluster.worker.worker_id}:`, 'm'));
    await waitForHttp(`${api}/health`, (status, body) => status === 200 && (JSON.parse(body) as { workers_online: number }).workers_online === 1);
    const res = await fetch(`${api}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mlx-worker')).toBe(lines.cluster.worker.worker_id);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(controller.child.exitCode).toBeNull();
    expect(controller.stdout).toContain('NATS users reloaded from the users file');
  }, 60_000);

  it("a stolen worker key cannot read another worker's prompts or the controller's replies, nor act for another node", async () => {
    const users = await readUsersFile(usersFile);
    const self = users.find((u) => u.name === 'mini-1');
    const owner = users.find((u) => u.role === 'controller');
    const { nc, violations } = await connectWithSeed(readFileSync(join(scratch, 'mini-1.nk'), 'utf8').trim());
    const refused = [
      `subscription worker.${OTHER_WORKER}.inference`,
      'subscription worker.*.inference',
      `subscription _INBOX_controller_${owner?.id ?? ''}.>`,
      'subscription >',
      `publish worker.${OTHER_WORKER}.inference`,
      `publish worker.${OTHER_WORKER}.cancel`,
      'publish cluster.announce',
      // Contract 1.0.0 names the sending worker in the subject: another worker's are refused.
      `publish worker.${OTHER_WORKER}.heartbeat`,
      `publish response.${OTHER_WORKER}.${OTHER_WORKER}`,
    ];
    for (const attempt of refused) {
      const [operation, subject] = attempt.split(' ') as [string, string];
      if (operation === 'publish') nc.publish(subject);
      else nc.subscribe(subject);
    }
    // Its own inference subject it may read: no violation for it.
    nc.subscribe(`worker.${self?.id ?? ''}.inference`, { max: 1 });
    await nc.flush();
    await waitFor(() => violations.length >= refused.length, 'every refusal', 5000);
    expect([...violations].sort()).toEqual([...refused].sort());
  });

  it('a removed worker is disconnected at once and refused at its next connection; mlx-node exits 1 for its supervisor', async () => {
    const seed = readFileSync(join(scratch, 'mini-1.nk'), 'utf8').trim();
    const removed = await runMlxNodeToEnd(['credentials', 'remove-worker', 'mini-1', '--config', controllerConfig]);
    printed.push(removed.stdout, removed.stderr);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`The running NATS server reloaded its users: it closed "mini-1"'s connection and refuses its key from now on.`);
    expect(await worker?.exited).toBe(1);
    expect(worker?.stdout).toContain('closed for good');
    expect(worker?.stdout).toMatch(/AUTHORIZATION_VIOLATION|Authorization Violation/);
    await expect(
      connect({ servers: natsUrl, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), reconnect: false, timeout: 2000 }),
    ).rejects.toThrow(/authorization/i);
    await waitForHttp(`${api}/health`, (_, body) => (JSON.parse(body) as { workers_online: number }).workers_online === 0);
    expect(controller.child.exitCode).toBeNull();
    printed.push(worker?.stdout ?? '', worker?.stderr ?? '');
    // Read before the end: remove-worker deleted the seed file, so keep the seed for the search below.
    seeds.push(seed);
  }, 30_000);

  it('no seed appears in any log line or output of the commands, the controller and the worker', () => {
    seeds.push(readFileSync(join(scratch, 'controller.nk'), 'utf8').trim());
    printed.push(controller.stdout, controller.stderr);
    expect(printed.join('\n')).toContain('NATS users reloaded');
    for (const seed of seeds) for (const text of printed) expect(text).not.toContain(seed);
  });
});
