/**
 * Where a server's version warnings are said, on real servers: an embedded server judges the security advisory by
 * the config it runs (so this package's own config raises none), clients joining a server this process started
 * say nothing more, and an external server gets the advisory once per process, as a hint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, NatsClient, type NatsClientOptions } from '../../src/index.js';
import { serverVersionWarnings } from '../../src/base/server-version.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';

const ADVISORY = 'no-auth-user-route-bypass';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps the message of each warning. */
function warnings(): { logger: ReturnType<typeof createLogger>; said: string[] } {
  const said: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => said.push((JSON.parse(line) as { msg: string }).msg) } });
  return { logger, said };
}

async function connected(options: NatsClientOptions): Promise<NatsClient> {
  const client = new NatsClient();
  await client.connect(options);
  cleanups.push(() => client.disconnect());
  return client;
}

async function server(options: Parameters<typeof startNatsServer>[0] = {}): Promise<TestNatsServer> {
  const started = await startNatsServer(options);
  cleanups.push(() => started.stop());
  return started;
}

/** True when the installed nats-server lacks the fix (else no test here can see the advisory said). */
function affected(version: string | undefined): boolean {
  return serverVersionWarnings(version).some((w) => w.includes(ADVISORY));
}

describe('the no_auth_user advisory', () => {
  it('is not said of an embedded server whose config lacks no_auth_user, nor by clients that join it', async () => {
    const { logger, said } = warnings();
    const embedded = await connected({ mode: 'embedded', embedded: { port: 0, httpPort: 0 }, logger });
    const url = `nats://${(await embedded.health()).server ?? ''}`;
    for (let i = 0; i < 2; i++) await connected({ mode: 'external', serverUrl: url, logger });
    expect(said.filter((w) => w.includes(ADVISORY))).toEqual([]);
  });

  it('is said of an embedded server whose own config sets no_auth_user', async (context) => {
    const { logger, said } = warnings();
    const config = 'accounts { A { users: [{ user: guest, password: guest-password }] } }\nno_auth_user: guest';
    const embedded = await connected({ mode: 'embedded', embedded: { port: 0, httpPort: 0, config }, logger });
    if (!affected(embedded.serverVersion())) context.skip();
    expect(said.filter((w) => w.includes(ADVISORY))).toEqual([expect.stringMatching(/its config sets no_auth_user/)]);
  });

  it('is said once per process as a hint for external servers, however many clients connect', async () => {
    const { logger, said } = warnings();
    const [first, second] = [await server(), await server()];
    const client = await connected({ mode: 'external', serverUrl: first.url, logger });
    for (const url of [first.url, second.url, second.url]) await connected({ mode: 'external', serverUrl: url, logger });
    const hints = said.filter((w) => w.includes(ADVISORY));
    expect(hints).toHaveLength(affected(client.serverVersion()) ? 1 : 0);
    for (const hint of hints) expect(hint).toMatch(/matters only if the server's config sets no_auth_user/);
  });
});
