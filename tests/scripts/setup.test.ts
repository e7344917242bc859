/**
 * scripts/setup.sh, run for real. The install paths run against stand-in apt-get / brew / id commands on a private
 * PATH (and NATS_SETUP_SEARCH_DIRS empty), so nothing is installed on the machine running the tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/setup.sh', import.meta.url));
let scratch: string;
let counter = 0;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'setup-script-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function executable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

const FAKE_SERVER = 'echo "nats-server: v9.9.9"';

/** A private bin directory with `head`, an `id` that reports `uid`, and the given stand-in commands. */
function sandbox(uid: number, commands: Record<string, string> = {}): { bin: string; log: string } {
  const bin = join(scratch, `bin-${counter++}`);
  mkdirSync(bin);
  const log = join(bin, 'calls.log');
  symlinkSync(spawnSync('/bin/sh', ['-c', 'command -v head'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'head'));
  executable(join(bin, 'id'), `echo ${uid}`);
  for (const [name, body] of Object.entries(commands)) {
    executable(join(bin, name), `echo "${name} $*" >> ${JSON.stringify(log)}\n${body}`);
  }
  return { bin, log };
}

function run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/bash', [script], { env: { NATS_SETUP_SEARCH_DIRS: '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function calls(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

describe('scripts/setup.sh', () => {
  it('on this machine: finds nats-server, prints one line with its version, exits 0', () => {
    const result = spawnSync('/bin/bash', [script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^nats-server: \/\S+nats-server \(nats-server: v\d+\.\d+\.\d+\)$/);
  });

  it('prefers NATS_SERVER_BIN and reports that binary', () => {
    const { bin } = sandbox(1000);
    const custom = join(bin, 'custom-nats');
    executable(custom, FAKE_SERVER);
    const result = run({ PATH: bin, NATS_SERVER_BIN: custom });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`nats-server: ${custom} (nats-server: v9.9.9)\n`);
  });

  it('stops on a NATS_SERVER_BIN that is not executable, without installing anything', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    const result = run({ PATH: bin, NATS_SERVER_BIN: join(bin, 'missing') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`NATS_SERVER_BIN=${join(bin, 'missing')} is not an executable file`);
    expect(calls(log)).toEqual([]);
  });

  it('finds it on PATH', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    executable(join(bin, 'nats-server'), FAKE_SERVER);
    const result = run({ PATH: bin });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(join(bin, 'nats-server'));
    expect(calls(log)).toEqual([]);
  });

  it('finds it in the usual places after PATH', () => {
    const { bin } = sandbox(1000);
    const usual = join(scratch, `usual-${counter++}`);
    mkdirSync(usual);
    executable(join(usual, 'nats-server'), FAKE_SERVER);
    const result = run({ PATH: bin, NATS_SETUP_SEARCH_DIRS: `/nonexistent ${usual}` });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(join(usual, 'nats-server'));
  });

  it('as root with apt-get: runs apt-get update, then install -y nats-server, then reports it', () => {
    const { bin, log } = sandbox(0, {});
    executable(
      join(bin, 'apt-get'),
      `echo "apt-get $*" >> ${JSON.stringify(log)}\nPATH=/usr/bin:/bin\ncase "$*" in *install*) printf '#!/bin/sh\\n${FAKE_SERVER}\\n' > ${JSON.stringify(join(bin, 'nats-server'))}; chmod 755 ${JSON.stringify(join(bin, 'nats-server'))};; esac`,
    );
    const result = run({ PATH: bin });
    expect(result.status).toBe(0);
    expect(calls(log)).toEqual(['apt-get update -qq', 'apt-get install -y -qq nats-server']);
    expect(result.stdout).toContain('installing the Debian package');
    expect(result.stdout).toContain(`nats-server: ${join(bin, 'nats-server')} (nats-server: v9.9.9)`);
  });

  it('without root but with brew: brew install nats-server', () => {
    const { bin, log } = sandbox(1000, {
      'apt-get': '',
      brew: `PATH=/usr/bin:/bin; printf '#!/bin/sh\\n${FAKE_SERVER}\\n' > ${JSON.stringify(join(scratch, 'brewed'))}; chmod 755 ${JSON.stringify(join(scratch, 'brewed'))}`,
    });
    const result = run({ PATH: bin, NATS_SETUP_SEARCH_DIRS: '' });
    // The stand-in brew installs outside every searched place: the script must say it still cannot find it.
    expect(calls(log)).toEqual(['brew install nats-server']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('still not found');
  });

  it('without root and without brew: exits 1 with the exact commands to run', () => {
    const { bin, log } = sandbox(1000, { 'apt-get': '' });
    const result = run({ PATH: bin });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("sudo sh -c 'apt-get update && apt-get install -y nats-server'");
    expect(result.stderr).toContain('brew install nats-server');
    expect(result.stderr).toContain('NATS_SERVER_BIN');
    expect(calls(log)).toEqual([]);
  });

  it('without apt-get, root or brew: still says how to install', () => {
    const { bin } = sandbox(0);
    const result = run({ PATH: bin });
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain('apt-get');
    expect(result.stderr).toContain('brew install nats-server');
  });
});
