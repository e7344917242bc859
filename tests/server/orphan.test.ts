/**
 * No orphan nats-server: a Node process starts an embedded server and then dies without calling stop(), in every
 * way a process dies. The server (and its private directory with the credentials file) must be gone soon after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive, waitForProcessGone } from '../helpers/processes.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverModule = join(projectRoot, 'src/server/embedded-server.ts');

let scratch: string;
let script: string;
const parents: ChildProcess[] = [];
const serverPids: number[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'embedded-orphan-'));
  script = join(scratch, 'parent.mts');
  // The parent: start a server, report its pid, then end the way argv[2] says (or wait to be killed).
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { EmbeddedNatsServer } from ${JSON.stringify(serverModule)};
const server = new EmbeddedNatsServer();
await server.start({ port: 0, httpPort: 0, auth: { token: 'orphan-test-token' } });
// Report the config path too: in the exit modes the server may be gone before the test could read its argv.
const argv = readFileSync('/proc/' + server.getPid() + '/cmdline', 'utf8').split('\\0');
process.stdout.write(JSON.stringify({ pid: server.getPid(), conf: argv[argv.indexOf('-c') + 1] }) + '\\n');
const mode = process.argv[2];
if (mode === 'exit') process.exit(0);
if (mode === 'throw') setTimeout(() => { throw new Error('uncaught in parent'); }, 10);
setInterval(() => {}, 1000);
`,
  );
});

afterAll(() => {
  for (const parent of parents) parent.kill('SIGKILL');
  for (const pid of serverPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts the parent script; resolves with it and the pid of the nats-server it started. */
async function startParent(mode: string): Promise<{ parent: ChildProcess; serverPid: number; confDir: string }> {
  const parent = spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  parents.push(parent);
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const reported = await new Promise<{ pid: number; conf: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`parent did not report a server within 15 s; stderr: ${stderr}`));
    }, 15_000);
    parent.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { pid: number; conf: string });
      }
    });
    parent.once('exit', (code, signal) => {
      if (stdout.includes('\n')) return;
      clearTimeout(timer);
      reject(new Error(`parent exited (${code ?? signal ?? '?'}) before reporting; stderr: ${stderr}`));
    });
  });
  serverPids.push(reported.pid);
  return { parent, serverPid: reported.pid, confDir: dirname(reported.conf) };
}

function exited(parent: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (parent.exitCode !== null || parent.signalCode !== null) resolve();
    else
      parent.once('exit', () => {
        resolve();
      });
  });
}

describe('no orphan nats-server', () => {
  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)('when the parent is killed with %s', async (signal) => {
    const { parent, serverPid, confDir } = await startParent('wait');
    expect(isProcessAlive(serverPid)).toBe(true);
    expect(existsSync(confDir)).toBe(true);
    parent.kill(signal);
    await exited(parent);
    expect(await waitForProcessGone(serverPid, 5000)).toBe(true);
    // The watchdog also removes the private directory, and with it the credentials file.
    const deadline = Date.now() + 5000;
    while (existsSync(confDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(confDir)).toBe(false);
  });

  it.each(['exit', 'throw'])('when the parent ends by %s without stop()', async (mode) => {
    const { parent, serverPid, confDir } = await startParent(mode);
    await exited(parent);
    expect(await waitForProcessGone(serverPid, 5000)).toBe(true);
    // The exit hook deletes the credentials file synchronously, before the process is gone.
    expect(existsSync(join(confDir, 'nats.conf'))).toBe(false);
  });
});
