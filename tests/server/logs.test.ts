import { describe, expect, it } from 'vitest';
import { createLineSplitter, LogRing, portInUseFrom, redactLogLine, serverLineLevel } from '../../src/server/logs.js';

describe('LogRing', () => {
  it('keeps the most recent lines, oldest first, never more than its capacity', () => {
    const ring = new LogRing(3);
    expect(ring.lines()).toEqual([]);
    ring.push('a');
    ring.push('b');
    expect(ring.lines()).toEqual(['a', 'b']);
    for (const line of ['c', 'd', 'e', 'f', 'g']) ring.push(line);
    expect(ring.lines()).toEqual(['e', 'f', 'g']);
  });

  it('returns a copy', () => {
    const ring = new LogRing(2);
    ring.push('a');
    ring.lines().push('x');
    expect(ring.lines()).toEqual(['a']);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new LogRing(0)).toThrow(RangeError);
    expect(() => new LogRing(1.5)).toThrow(/positive integer/);
  });
});

describe('createLineSplitter', () => {
  it('joins partial chunks into lines and drops CR', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((l) => lines.push(l));
    splitter.write('one\r\ntw');
    splitter.write(Buffer.from('o\nthree'));
    expect(lines).toEqual(['one', 'two']);
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('cuts a line that never ends so memory stays bounded', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((l) => lines.push(l), 4);
    splitter.write('abcdefgh');
    expect(lines).toEqual(['abcdefgh'.slice(0, 4)]);
  });
});

describe('redactLogLine', () => {
  it('never searches a line for a secret: only credential fields and URL userinfo are hidden', () => {
    // Were "nats" or "server" the password, this line must still read as nats-server wrote it.
    const line = '[1] 2026/11/26 23:40:05.389683 [INF] Starting nats-server';
    expect(redactLogLine(line)).toBe(line);
    expect(redactLogLine('bad password hunter2 from x')).toBe('bad password hunter2 from x');
  });

  it("elides the file's text quoted by a configuration error, which may be a password in a malformed file", () => {
    expect(redactLogLine("nats-server: integer '99999999999999999999' is out of the range")).toBe("nats-server: integer '…' is out of the range");
  });

  it('removes credential-shaped values it was not told about', () => {
    const trace = '[TRC] 127.0.0.1:5 - cid:4 - <<- [CONNECT {"user":"u","pass":"s\\"x","auth_token":"tok"}]';
    const out = redactLogLine(trace);
    expect(out).not.toContain('s\\"x');
    expect(out).not.toContain('tok"');
    expect(out).toContain('"pass":"[REDACTED]"');
    expect(redactLogLine('authorization { password: abc, token = "def" }')).toBe('authorization { password: [REDACTED] token = [REDACTED] }');
    expect(redactLogLine('route nats://ruser:rpass@127.0.0.1:6222 up')).toBe('route nats://[REDACTED]@127.0.0.1:6222 up');
    expect(redactLogLine('"pass":"[REDACTED]" password: "[REDACTED]"')).toBe('"pass":"[REDACTED]" password: "[REDACTED]"');
  });

  it('leaves ordinary lines alone', () => {
    const line = '[12] 2026/11/26 23:40:05.389683 [INF] Server is ready';
    expect(redactLogLine(line)).toBe(line);
  });
});

describe('serverLineLevel', () => {
  it('maps nats-server tags to levels; untagged output is an error', () => {
    expect(serverLineLevel('[1] x [TRC] a')).toBe('debug');
    expect(serverLineLevel('[1] x [DBG] a')).toBe('debug');
    expect(serverLineLevel('[1] x [INF] a')).toBe('info');
    expect(serverLineLevel('[1] x [WRN] a')).toBe('warn');
    expect(serverLineLevel('[1] x [ERR] a')).toBe('error');
    expect(serverLineLevel('[1] x [FTL] a')).toBe('error');
    expect(serverLineLevel('flag provided but not defined: -bogus')).toBe('error');
  });
});

describe('portInUseFrom', () => {
  it('reads the port of client, monitoring and route bind failures', () => {
    expect(portInUseFrom('[FTL] Error listening on port: 127.0.0.1:4222, "listen tcp 127.0.0.1:4222: bind: address already in use"')).toBe(4222);
    expect(portInUseFrom("[FTL] Can't start monitoring: can't listen to the monitor port: listen tcp 127.0.0.1:8222: bind: address already in use")).toBe(8222);
    expect(portInUseFrom('[FTL] Error listening on router port: 6222 - listen tcp [::1]:6222: bind: address already in use')).toBe(6222);
  });

  it('ignores other lines', () => {
    expect(portInUseFrom('[INF] Server is ready')).toBeUndefined();
    expect(portInUseFrom('address already in use, somewhere')).toBeUndefined();
  });
});
