/**
 * scripts/setup.sh and scripts/setup-browser.sh, run for real. The install paths run against stand-in apt-get / brew /
 * id commands on a private PATH (and NATS_SETUP_SEARCH_DIRS / BROWSER_SETUP_SEARCH_PATHS empty), so nothing is
 * installed or removed on the machine running the tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, SETUP_BROWSER_SCRIPT } from '../helpers/browser.js';

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
const FAKE_BROWSER = 'echo "Chromium 999.0.0.0"';
const APT_CHROMIUM = "sudo sh -c 'apt-get update && apt-get install -y chromium'";

/** A private bin directory with `head`, `dirname`, an `id` that reports `uid`, and the given stand-in commands. */
function sandbox(uid: number, commands: Record<string, string> = {}): { bin: string; log: string } {
  const bin = join(scratch, `bin-${counter++}`);
  mkdirSync(bin);
  const log = join(bin, 'calls.log');
  for (const tool of ['head', 'dirname']) {
    symlinkSync(spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  }
  executable(join(bin, 'id'), `echo ${uid}`);
  for (const [name, body] of Object.entries(commands)) {
    executable(join(bin, name), `echo "${name} $*" >> ${JSON.stringify(log)}\n${body}`);
  }
  return { bin, log };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(env: Record<string, string>, args: string[] = []): Run {
  const result = spawnSync('/bin/bash', [script, ...args], {
    env: { NATS_SETUP_SEARCH_DIRS: '', BROWSER_SETUP_SEARCH_PATHS: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runBrowser(env: Record<string, string>, args: string[] = []): Run {
  const result = spawnSync('/bin/bash', [SETUP_BROWSER_SCRIPT, ...args], {
    env: { BROWSER_SETUP_SEARCH_PATHS: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
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

  it('--with-browser: sets up nats-server, then the browser, one line each', () => {
    const { bin } = sandbox(1000);
    executable(join(bin, 'nats-server'), FAKE_SERVER);
    executable(join(bin, 'chromium'), FAKE_BROWSER);
    const result = run({ PATH: bin }, ['--with-browser']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`nats-server: ${join(bin, 'nats-server')} (nats-server: v9.9.9)\nchromium: ${join(bin, 'chromium')} (Chromium 999.0.0.0)\n`);
  });

  it('--with-browser: stops at a missing nats-server before looking for the browser', () => {
    const { bin } = sandbox(1000);
    executable(join(bin, 'chromium'), FAKE_BROWSER);
    const result = run({ PATH: bin }, ['--with-browser']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nats-server is not installed');
    expect(result.stdout).not.toContain('chromium');
  });

  it('refuses an unknown argument with its usage', () => {
    const result = run({ PATH: sandbox(1000).bin }, ['--with-browsers']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: bash scripts/setup.sh [--with-browser]');
  });
});

describe('scripts/setup-browser.sh', () => {
  it('on this machine: finds a browser, prints one line with its version, exits 0; --find and the test helper agree', () => {
    const result = spawnSync('/bin/bash', [SETUP_BROWSER_SCRIPT], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const match = /^chromium: (\/.+?) \((.+)\)$/.exec(lines[0]!);
    expect(match?.[2]).toMatch(/(Chromium|Chrome) \d+\./);
    const found = spawnSync('/bin/bash', [SETUP_BROWSER_SCRIPT, '--find'], { encoding: 'utf8', timeout: 30_000 });
    expect(found.status).toBe(0);
    expect(found.stdout).toBe(`${match?.[1] ?? ''}\n`);
    expect(findChromium()).toBe(match?.[1]);
  });

  it('honours CHROMIUM_BIN over a chromium on PATH, and the test helper returns it', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    executable(join(bin, 'chromium'), FAKE_BROWSER);
    const custom = join(bin, 'my chrome');
    executable(custom, 'echo "Google Chrome 123.0.0.0"');
    const result = runBrowser({ PATH: bin, CHROMIUM_BIN: custom });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`chromium: ${custom} (Google Chrome 123.0.0.0)\n`);
    expect(findChromium({ PATH: bin, BROWSER_SETUP_SEARCH_PATHS: '', CHROMIUM_BIN: custom })).toBe(custom);
    expect(calls(log)).toEqual([]);
  });

  it('stops on a CHROMIUM_BIN that is not an executable file, as root too, without installing anything', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    const plain = join(bin, 'not-executable');
    writeFileSync(plain, 'not a browser\n');
    for (const target of [plain, join(bin, 'missing'), bin]) {
      const result = runBrowser({ PATH: bin, CHROMIUM_BIN: target });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`CHROMIUM_BIN=${target} is not an executable file. Fix or unset it, then run this again.\n`);
    }
    expect(() => findChromium({ PATH: bin, BROWSER_SETUP_SEARCH_PATHS: '', CHROMIUM_BIN: plain })).toThrow(`CHROMIUM_BIN=${plain} is not an executable file`);
    expect(calls(log)).toEqual([]);
  });

  it('finds each browser name on PATH', () => {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      const { bin, log } = sandbox(0, { 'apt-get': '' });
      executable(join(bin, name), FAKE_BROWSER);
      const result = runBrowser({ PATH: bin });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`chromium: ${join(bin, name)} (Chromium 999.0.0.0)\n`);
      expect(calls(log)).toEqual([]);
    }
  });

  it('finds it in the usual install places after PATH, spaces in the path included (the macOS apps)', () => {
    const { bin } = sandbox(1000);
    const macos = join(scratch, `usual-${counter++}`, 'Google Chrome.app', 'Contents', 'MacOS');
    mkdirSync(macos, { recursive: true });
    const chrome = join(macos, 'Google Chrome');
    executable(chrome, 'echo "Google Chrome 124.0.0.0"');
    const result = runBrowser({ PATH: bin, BROWSER_SETUP_SEARCH_PATHS: `/nonexistent/chromium:${chrome}` });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`chromium: ${chrome} (Google Chrome 124.0.0.0)\n`);
    expect(runBrowser({ PATH: bin, BROWSER_SETUP_SEARCH_PATHS: chrome }, ['--find']).stdout).toBe(`${chrome}\n`);
  });

  it('searches the macOS apps and Homebrew by default', () => {
    const source = readFileSync(SETUP_BROWSER_SCRIPT, 'utf8');
    for (const place of [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/opt/homebrew/bin/chromium',
      '/usr/local/bin/chromium',
      '/usr/bin/chromium',
    ]) {
      expect(source).toContain(place);
    }
  });

  it('as root with apt-get: runs apt-get update, then install -y chromium, then reports it', () => {
    const { bin, log } = sandbox(0, {});
    const target = JSON.stringify(join(bin, 'chromium'));
    executable(
      join(bin, 'apt-get'),
      `echo "apt-get $*" >> ${JSON.stringify(log)}\nPATH=/usr/bin:/bin\ncase "$*" in *install*) printf '#!/bin/sh\\n${FAKE_BROWSER}\\n' > ${target}; chmod 755 ${target};; esac`,
    );
    const result = runBrowser({ PATH: bin });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(calls(log)).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);
    expect(result.stdout).toBe(
      `chromium not found; installing the Debian package (apt-get install -y chromium)...\nchromium: ${join(bin, 'chromium')} (Chromium 999.0.0.0)\n`,
    );
  });

  it('as root, when the install leaves no browser it can find: says so and exits 1', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    const result = runBrowser({ PATH: bin });
    expect(calls(log)).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('still not found');
  });

  it('not root, with apt-get: installs nothing, exits 1 with the command to run and CHROMIUM_BIN', () => {
    const { bin, log } = sandbox(1000, { 'apt-get': '' });
    const result = runBrowser({ PATH: bin });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`\n  ${APT_CHROMIUM}\n`);
    expect(result.stderr).toContain('CHROMIUM_BIN');
    expect(result.stderr).not.toContain('playwright');
    expect(calls(log)).toEqual([]);
  });

  it('--find never installs, even as root: the test helper throws with the command and CHROMIUM_BIN', () => {
    const { bin, log } = sandbox(0, { 'apt-get': '' });
    const result = runBrowser({ PATH: bin }, ['--find']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(APT_CHROMIUM);
    let message = '';
    try {
      findChromium({ PATH: bin, BROWSER_SETUP_SEARCH_PATHS: '' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('The browser tests need a Chromium or Chrome');
    expect(message).toContain(APT_CHROMIUM);
    expect(message).toContain('CHROMIUM_BIN');
    expect(calls(log)).toEqual([]);
  });

  it('on macOS without a browser: prints the Homebrew command and CHROMIUM_BIN, installs nothing', () => {
    const { bin, log } = sandbox(0, { brew: '' });
    const result = runBrowser({ PATH: bin, OSTYPE: 'darwin23' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('\n  brew install --cask google-chrome\n');
    expect(result.stderr).toContain('CHROMIUM_BIN');
    expect(calls(log)).toEqual([]);
  });

  it('elsewhere without apt-get: still names CHROMIUM_BIN', () => {
    const { bin } = sandbox(0);
    const result = runBrowser({ PATH: bin, OSTYPE: 'linux-gnu' });
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain('apt-get');
    expect(result.stderr).toContain('CHROMIUM_BIN');
  });

  it('refuses an unknown argument with its usage', () => {
    const result = runBrowser({ PATH: sandbox(1000).bin }, ['--install']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: bash scripts/setup-browser.sh [--find]');
  });
});
