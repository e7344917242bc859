/**
 * The server's version, read at start (embedded) and at connect (client), against what the installed binary says
 * of itself, and features asked of a server that lacks them.
 */
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { findNatsServer } from '../../src/server/find-binary.js';
import { NatsServerVersionError, SERVER_FEATURES, compareServerVersions, parseServerVersion, type ServerFeature } from '../../src/base/server-version.js';
import { useServerWithClients } from '../helpers/client.js';

/** What `nats-server --version` prints, e.g. `nats-server: v2.9.10`, as `2.9.10`. */
function installedVersion(): string {
  const out = execFileSync(findNatsServer(), ['--version'], { encoding: 'utf8' });
  const match = /v?(\d+\.\d+\.\d+\S*)/.exec(out);
  if (match === null) throw new Error(`nats-server --version printed no version: ${out}`);
  return match[1]!;
}

describe('the embedded server', () => {
  it('reads its version at start (the one the binary reports) and logs it', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const server = new EmbeddedNatsServer({ logger: pino({ level: 'info' }, sink) });
    expect(server.getVersion()).toBeUndefined();
    await server.start({ port: 0, httpPort: 0 });
    try {
      expect(server.getVersion()).toBe(installedVersion());
      const ready = lines.find((l) => l.msg === 'nats-server is ready');
      expect(ready?.version).toBe(installedVersion());
    } finally {
      await server.stop();
    }
  });
});

describe('the client', () => {
  const setup = useServerWithClients();

  it("reports the connected server's version in health() and serverVersion()", async () => {
    expect(setup.client.serverVersion()).toBe(installedVersion());
    expect((await setup.client.health()).serverVersion).toBe(installedVersion());
  });

  it('refuses a feature the server is too old for with NatsServerVersionError, and allows the others', () => {
    const version = parseServerVersion(installedVersion())!;
    for (const feature of Object.keys(SERVER_FEATURES) as ServerFeature[]) {
      const has = compareServerVersions(version, parseServerVersion(SERVER_FEATURES[feature].since)!) >= 0;
      expect(setup.client.supportsServerFeature(feature)).toBe(has);
      if (has) {
        expect(() => {
          setup.client.requireServerFeature(feature);
        }).not.toThrow();
      } else {
        expect(() => {
          setup.client.requireServerFeature(feature);
        }).toThrow(NatsServerVersionError);
        expect(() => {
          setup.client.requireServerFeature(feature);
        }).toThrow(`runs nats-server ${installedVersion()}`);
      }
    }
  });
});
