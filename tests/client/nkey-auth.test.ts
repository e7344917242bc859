/**
 * NatsClient with a node's own nkey: the seed as text or in a file (checked: owner-only mode, a user seed), an inbox
 * prefix of its own so a server can let it read its own replies only, and the seed nowhere in what the client lets
 * out: log lines at trace, thrown errors with their causes, events, health() and the metrics text.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { nkeys } from '@nats-io/nats-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ClientMetrics, NatsClient, createLogger, type Logger } from '../../src/index.js';
import { createNodeKey, nkeyPublicKey, seedFilePublicKey, type NodeKey } from '../../src/client/index.js';
import { inboxPrefixFor, natsPermissions, type NatsUserPermissions } from '../../src/contract/permissions.js';
import { Cleanup, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const scratch = mkdtempSync(join(tmpdir(), 'nkey-auth-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes `text` to a file of mode `mode` and returns its path. */
function seedFile(name: string, text: string, mode = 0o600): string {
  const path = join(scratch, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

/** Every form of a seed that must never come out. */
const forms = (seed: string): string[] => [seed, seed.slice(2, 30), Buffer.from(seed).toString('base64'), Buffer.from(seed).toString('hex')];

/** What a call threw, as its message. */
async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const requester = { publish: ['svc.echo'], subscribe: [], requests: true, replies: false };
const responder = { publish: [], subscribe: ['svc.echo'], requests: false, replies: true };

describe('node keys', () => {
  it('createNodeKey mints a user key; its public key is found again from the seed, as text or in a file', async () => {
    const key = createNodeKey();
    expect(key.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(key.seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(nkeyPublicKey(key.seed)).toBe(key.publicKey);
    expect(await seedFilePublicKey(seedFile('ok.nk', `${key.seed}\n`))).toBe(key.publicKey);
    expect(createNodeKey().publicKey).not.toBe(key.publicKey);
  });

  it('refuses a seed file open to group or others, a missing one, one without a seed, and an account seed, quoting none of them', async () => {
    const key = createNodeKey();
    const open = seedFile('open.nk', key.seed, 0o640);
    const errors = [
      await failure(() => seedFilePublicKey(open)),
      await failure(() => seedFilePublicKey(join(scratch, 'missing.nk'))),
      await failure(() => seedFilePublicKey(seedFile('garbage.nk', `${key.seed.slice(0, 20)}xyz`))),
      await failure(() => seedFilePublicKey(seedFile('account.nk', new TextDecoder().decode(nkeys.createAccount().getSeed())))),
    ];
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['NATS_NKEY_SEED', 'NATS_NKEY_SEED', 'NATS_NKEY_SEED', 'NATS_NKEY_SEED']);
    expect(errors[0]?.message).toBe(
      `the nkey seed file ${open} is open to its group or others (mode 0640): it is this node's identity. Run chmod 600 ${open}.`,
    );
    expect(errors[1]?.message).toMatch(/missing\.nk does not exist\. On the controller, mlx-node credentials init/);
    expect(errors[2]?.message).toMatch(/is not an nkey seed/);
    expect(errors[3]?.message).toMatch(/not of a user/);
    for (const error of errors) for (const form of forms(key.seed)) expect(inspect(error)).not.toContain(form);
  });

  it('connect() refuses an nkey with another credential, both seed options, and an inbox prefix with wildcards, without quoting the seed', async () => {
    const { seed } = createNodeKey();
    const base = { mode: 'external', serverUrl: 'nats://127.0.0.1:1' } as const;
    for (const options of [
      { ...base, nkeySeed: seed, user: 'u', password: 'p' },
      { ...base, nkeySeed: seed, nkeySeedFile: '/x' },
      { ...base, nkeySeed: seed, inboxPrefix: '_INBOX.>' },
    ]) {
      const error = await failure(() => new NatsClient().connect(options));
      expect(error).toMatchObject({ code: 'CONFIG_VALIDATION' });
      for (const form of forms(seed)) expect(inspect(error)).not.toContain(form);
    }
  });
});

describe('on a server that admits nodes by nkey', () => {
  /** A server whose users are these keys with these permissions. */
  async function serverFor(users: { key: NodeKey; permissions: NatsUserPermissions }[]): Promise<string> {
    const server = await cleanup.server({ authorization: { users: users.map(({ key, permissions }) => ({ nkey: key.publicKey, permissions })) } });
    return server.url;
  }

  it('a requester with its own inbox prefix gets replies; without it, its reply subscription is refused and requests fail', async () => {
    const [asker, answerer] = [createNodeKey(), createNodeKey()];
    const prefix = inboxPrefixFor('asker', 'a1');
    const url = await serverFor([
      { key: asker, permissions: natsPermissions(requester, undefined, { inboxPrefix: prefix }) },
      { key: answerer, permissions: natsPermissions(responder, undefined, { inboxPrefix: 'unused' }) },
    ]);
    const service = await cleanup.client(url, { nkeySeedFile: seedFile('answerer.nk', answerer.seed) });
    await service.reply('svc.echo', (text: string) => `echo ${text}`);
    const client = await cleanup.client(url, { nkeySeed: asker.seed, inboxPrefix: prefix });
    expect(await client.request('svc.echo', 'hi')).toBe('echo hi');

    const plain = await cleanup.client(url, { nkeySeed: asker.seed, requestTimeout: 1000 });
    const errors: string[] = [];
    plain.on('error', (error) => errors.push(error.code));
    await expect(plain.request('svc.echo', 'hi')).rejects.toBeInstanceOf(Error);
    await waitFor(() => errors.includes('NATS_REQUEST_INBOX'), 'the refused reply subscription');
  });

  it('no credentials, an unknown key and a seed file open to others are refused', async () => {
    const member = createNodeKey();
    const url = await serverFor([{ key: member, permissions: natsPermissions(requester, undefined, { inboxPrefix: 'p' }) }]);
    await expect(cleanup.client(url)).rejects.toMatchObject({ code: 'NATS_CONNECTION', message: expect.stringMatching(/AUTHORIZATION_VIOLATION/) as unknown });
    await expect(cleanup.client(url, { nkeySeed: createNodeKey().seed })).rejects.toMatchObject({ code: 'NATS_CONNECTION' });
    await expect(cleanup.client(url, { nkeySeedFile: seedFile('world.nk', member.seed, 0o644) })).rejects.toMatchObject({ code: 'NATS_NKEY_SEED' });
  });

  it('the seed appears in no log line, error, event, health() or metrics text of a session with refusals and violations', async () => {
    const member = createNodeKey();
    const outsider = createNodeKey();
    const lines: string[] = [];
    const logger: Logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    const items: unknown[] = [];
    const keep = async (run: () => Promise<unknown>): Promise<void> => {
      items.push(await run().catch((error: unknown) => error));
    };
    const url = await serverFor([{ key: member, permissions: natsPermissions(requester, undefined, { inboxPrefix: 'own' }) }]);

    for (const options of [
      { nkeySeed: outsider.seed },
      { nkeySeedFile: seedFile('outsider.nk', outsider.seed, 0o666) },
      { nkeySeedFile: seedFile('outsider-ok.nk', outsider.seed) },
    ]) {
      const refused = new NatsClient({ logger });
      await keep(() => refused.connect({ mode: 'external', serverUrl: url, connectTimeout: 2000, ...options }));
      items.push(await refused.health());
    }
    const client = new NatsClient({ logger });
    cleanup.add(() => client.disconnect());
    const metrics = new ClientMetrics();
    metrics.attach(client);
    for (const event of ['connected', 'error', 'closed'] as const) client.on(event, (...args: unknown[]) => items.push(event, ...args));
    await client.connect({ mode: 'external', serverUrl: url, nkeySeedFile: seedFile('member.nk', member.seed), inboxPrefix: 'own', requestTimeout: 300 });
    await keep(() => client.request('svc.echo', 'nobody answers'));
    await keep(() => client.publish('not.allowed', 1));
    await keep(() => client.subscribe('not.allowed', () => undefined));
    await waitFor(() => items.some((item) => item instanceof Error && item.message.includes('PERMISSIONS_VIOLATION')), 'a permission violation');
    items.push(await client.health(), await metrics.metrics());
    await client.disconnect();

    const everything = [
      ...lines,
      ...items.map((item) => `${inspect(item, { depth: 8, showHidden: true })}\n${item instanceof Error ? String(item.stack) : ''}`),
    ].join('\n');
    expect(everything).toContain('AUTHORIZATION_VIOLATION');
    expect(everything).toContain('mode 0666');
    expect(lines.length).toBeGreaterThan(5);
    for (const seed of [member.seed, outsider.seed]) for (const form of forms(seed)) expect(everything).not.toContain(form);
  });
});
