import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from '@nats-io/transport-node';
import { type ConnectionOptions } from '@nats-io/nats-core';
import { pino } from 'pino';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import type { Logger } from '../../src/base/logger.js';
import { NatsPortInUseError } from '../../src/base/errors.js';
import { processArgv } from '../helpers/processes.js';

// Characters that would break naive quoting or trigger variable expansion in the nats-server config syntax.
const PASSWORD = 'pa$$ "w\\rd" #{not-a-comment} $HOME';
const TOKEN = 's3cr3t-t0ken-$USER';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

/** A logger whose every line is kept, to search it for secrets. */
function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), text: () => lines.join('') };
}

async function canConnect(options: ConnectionOptions): Promise<true | string> {
  try {
    const nc = await connect({ reconnect: false, timeout: 2000, ...options });
    await nc.flush();
    await nc.close();
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}

async function startWithAuth(auth: { user: string; password: string } | { token: string }): Promise<{ server: EmbeddedNatsServer; logText: () => string }> {
  const { logger, text } = capturingLogger();
  const server = new EmbeddedNatsServer({ logger });
  cleanups.push(() => server.stop());
  // Debug output and protocol tracing (-V) make nats-server echo CONNECT lines: the worst case for leaks.
  await server.start({ port: 0, httpPort: 0, auth, logLevel: 'debug', args: ['-V'] });
  return { server, logText: text };
}

function configFileOf(pid: number): string {
  const argv = processArgv(pid);
  return argv[argv.indexOf('-c') + 1]!;
}

describe('EmbeddedNatsServer authentication', () => {
  it('user/password: enforced, kept in a 0600 file in a 0700 directory, never on argv, removed on stop', async () => {
    const { server, logText } = await startWithAuth({ user: 'alice', password: PASSWORD });
    const url = server.getUrl();
    expect(url).not.toContain('alice');

    expect(await canConnect({ servers: url, user: 'alice', pass: PASSWORD })).toBe(true);
    expect(await canConnect({ servers: url, user: 'alice', pass: 'wrong' })).toMatch(/authorization/i);
    expect(await canConnect({ servers: url })).toMatch(/authorization/i);

    const pid = server.getPid()!;
    const argv = processArgv(pid).join(' ');
    expect(argv).not.toContain(PASSWORD);
    expect(argv).not.toContain('pa$$');
    expect(argv).not.toContain('alice');

    const conf = configFileOf(pid);
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(conf)).mode & 0o777).toBe(0o700);
    expect(readFileSync(conf, 'utf8')).toContain('authorization');

    // The connects above were traced by the server; none of it may carry the password.
    expect(server.getLogs().some((l) => l.includes('CONNECT'))).toBe(true);
    expect(server.getLogs().join('\n')).not.toContain(PASSWORD);
    await server.stop();
    expect(existsSync(conf)).toBe(false);
    expect(existsSync(dirname(conf))).toBe(false);
    expect(logText()).not.toContain(PASSWORD);
    expect(logText()).toContain('nats-server is ready');
  });

  it('token: enforced, never on argv, never in logs', async () => {
    const { server, logText } = await startWithAuth({ token: TOKEN });
    const url = server.getUrl();
    expect(await canConnect({ servers: url, token: TOKEN })).toBe(true);
    expect(await canConnect({ servers: url, token: 'nope' })).toMatch(/authorization/i);
    const pid = server.getPid()!;
    expect(processArgv(pid).join(' ')).not.toContain(TOKEN);
    expect(statSync(configFileOf(pid)).mode & 0o777).toBe(0o600);
    await server.stop();
    expect(server.getLogs().join('\n')).not.toContain(TOKEN);
    expect(logText()).not.toContain(TOKEN);
  });

  it('a failed start with credentials does not leak them in the error', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) =>
          holder.close(() => {
            resolve();
          }),
        ),
    );
    const port = (holder.address() as { port: number }).port;
    const server = new EmbeddedNatsServer();
    cleanups.push(() => server.stop());
    const error = await server.start({ port, httpPort: 0, auth: { token: TOKEN } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NatsPortInUseError);
    expect(JSON.stringify({ message: (error as Error).message, logs: (error as NatsPortInUseError).logs })).not.toContain(TOKEN);
  });
});
