/**
 * embedded.ts: the client's one seam to the server: a running server's URL, reload and stop, and a crash reported
 * while a stop through the seam is not. Elsewhere: a crash as the client reports it, tests/client/reliability-embedded-crash.test.ts;
 * embedded mode through connect(), tests/client/client.test.ts; the server itself, tests/server/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NatsServerExitError, type DistributedError } from '../../src/base/errors.js';
import { silentLogger } from '../../src/base/logger.js';
import { startEmbeddedServer } from '../../src/client/embedded.js';
import { Cleanup, waitFor } from '../helpers/client.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('startEmbeddedServer', () => {
  it('gives the URL of a running server; a stop through the seam is no crash', async () => {
    const crashes: DistributedError[] = [];
    const handle = await startEmbeddedServer({ port: 0, httpPort: 0 }, silentLogger(), (error) => crashes.push(error));
    cleanup.add(() => handle.stop());
    expect(handle.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    const client = await cleanup.client(handle.url);
    expect(client.isConnected()).toBe(true);
    await client.disconnect();
    await handle.stop();
    expect(handle.server.isRunning()).toBe(false);
    expect(crashes).toEqual([]);
  });

  it('reports a server that exits without being asked as NatsServerExitError', async () => {
    const crashes: DistributedError[] = [];
    const handle = await startEmbeddedServer({ port: 0, httpPort: 0 }, silentLogger(), (error) => crashes.push(error));
    cleanup.add(() => handle.stop());
    process.kill(handle.server.getPid() as number, 'SIGKILL');
    await waitFor(() => crashes.length === 1, 'the crash report');
    expect(crashes[0]).toBeInstanceOf(NatsServerExitError);
  });
});
