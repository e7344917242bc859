/**
 * The mlx-node command in-process: its flags, `--check` (the effective configuration with every secret hidden),
 * the exit code and message of a file that is missing or invalid, and of a node that cannot start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXIT, runMlxNode } from '../../../src/cluster/service/cli.js';
import { freePort } from '../../helpers/nats-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlx-node-cli-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the command and keeps what it wrote. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMlxNode(args, { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const SECRETS = { password: 'hunter2-nats', apiKey: 'sk-controller-key', upstreamKey: 'sk-upstream-key' };

describe('mlx-node', () => {
  it('--help prints the usage with the exit codes, and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('Usage: mlx-node');
    for (const exit of Object.values(EXIT)) expect(out).toContain(`${exit} `);
  });

  it('an unknown flag exits 2 with the usage', async () => {
    const { code, err } = await run(['--conifg', 'x.yaml']);
    expect(code).toBe(EXIT.usage);
    expect(err).toContain("Unknown option '--conifg'");
    expect(err).toContain('Usage: mlx-node');
  });

  it('--check prints the effective configuration, defaults filled in and secrets hidden, and exits 0', async () => {
    const path = file(
      'secrets.yaml',
      [
        'cluster:',
        '  mode: dual',
        '  nats: { mode: external, server_url: "nats://127.0.0.1:4222", user: app, password: "' + SECRETS.password + '" }',
        '  controller: { api_key: "' + SECRETS.apiKey + '" }',
        '  worker: { engine: { type: openai, url: "http://127.0.0.1:8090/v1", api_key: "' + SECRETS.upstreamKey + '" } }',
      ].join('\n'),
    );
    const { code, out } = await run(['--config', path, '--check']);
    expect(code).toBe(EXIT.ok);
    for (const secret of Object.values(SECRETS)) expect(out).not.toContain(secret);
    const printed = parse(out) as {
      cluster: {
        nats: { password: string; user: string };
        controller: { api_key: string; port: number };
        worker: { engine: { api_key: string; timeout_ms: number } };
      };
    };
    expect(printed.cluster.nats.password).toBe('[REDACTED]');
    expect(printed.cluster.nats.user).toBe('app');
    expect(printed.cluster.controller.api_key).toBe('[REDACTED]');
    expect(printed.cluster.worker.engine.api_key).toBe('[REDACTED]');
    expect(printed.cluster.controller.port).toBe(8080);
    expect(printed.cluster.worker.engine.timeout_ms).toBe(60000);
  });

  it('a key with a wrong type exits 3 with file:line:col, the key and what was expected', async () => {
    const path = file('wrong.yaml', 'cluster:\n  mode: worker\n  nats: { mode: embedded }\n  worker:\n    max_concurrent: "four"\n');
    const { code, err } = await run(['--config', path, '--check']);
    expect(code).toBe(EXIT.invalidConfig);
    expect(err).toContain(`${path}:5:21: cluster.worker.max_concurrent: expected`);
    expect(err).toContain('found "four"');
  });

  it('an upstream engine without its url exits 3 naming the key', async () => {
    const path = file('no-url.yaml', 'cluster:\n  mode: worker\n  nats: { mode: embedded }\n  worker:\n    engine: { type: openai }\n');
    const { code, err } = await run(['--config', path]);
    expect(code).toBe(EXIT.invalidConfig);
    expect(err).toContain('cluster.worker.engine.url');
  });

  it('a missing file exits 3 and names it', async () => {
    const { code, err } = await run(['--config', join(scratch, 'nope.yaml')]);
    expect(code).toBe(EXIT.invalidConfig);
    expect(err).toContain('nope.yaml');
  });

  it('a node that cannot start (its HTTP port is taken) exits 1 and says why, after stopping what it started', async () => {
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const [natsPort, httpPort] = [await freePort(), await freePort()];
      const path = file(
        'taken.yaml',
        `cluster:\n  mode: controller\n  nats: { mode: embedded, embedded: { port: ${natsPort}, http_port: ${httpPort} } }\n  controller: { port: ${port}, dashboard_port: ${await freePort()} }\n  logging: { level: error, file: ${join(scratch, 'taken.log')} }\n`,
      );
      const { code, err } = await run(['--config', path]);
      expect(code).toBe(EXIT.failed);
      expect(err).toMatch(new RegExp(`could not start: The HTTP API could not listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Change controller\\.port`));
      // The embedded server it started is gone again: its port can be bound.
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(natsPort, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => probe.close(resolve));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
