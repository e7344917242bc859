/**
 * The redaction module on its own: the key list and its predicate, URL redaction, splitting URL credentials,
 * credential fields in text, nats-server log lines, and that no rule searches text for a secret's value; then that
 * the logger and the config loader hide what it says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/base/logger.js';
import {
  REDACTED,
  SECRET_KEYS,
  isSecretKey,
  redactLogLine,
  redactLoosely,
  redactServerUrl,
  redactText,
  redactUrl,
  showsCredentials,
  splitUrlCredentials,
  type UrlCredentials,
} from '../../src/base/redaction.js';
import { describeFound } from '../../src/config/describe.js';
import { DistributedError, describeForeign } from '../../src/base/errors.js';
import { parseConfig, type ConfigSpec } from '../../src/config/loader.js';
import { problemsOf } from '../helpers/config.js';

describe('secret key names', () => {
  it('is one lower-case list that covers every key a config, a log object or a server trace may hold a secret under', () => {
    expect(REDACTED).toBe('[REDACTED]');
    const required = [
      'password',
      'pass',
      'token',
      'auth_token',
      'api_key',
      'apikey',
      'authorization',
      'credentials',
      'creds',
      'nkey',
      'seed',
      'key',
      'sig',
      'jwt',
      'tls',
    ];
    expect([...SECRET_KEYS].sort()).toEqual([...required].sort());
    expect(Object.isFrozen(SECRET_KEYS)).toBe(true);
  });

  it.each<[string, boolean]>([
    ['password', true],
    ['Password', true],
    ['PASSWORD', true],
    ['auth_token', true],
    ['AUTH_TOKEN', true],
    ['Seed', true],
    ['nkey', true],
    ['Key', true],
    ['tls', true],
    ['Authorization', true],
    ['user', false],
    ['passwords', false],
    ['keys', false],
    ['token_file', false],
    ['authToken', false],
    ['', false],
  ])('isSecretKey(%j) is %s', (name, secret) => {
    expect(isSecretKey(name)).toBe(secret);
  });

  it('matches a spec’s own list instead of the shared one, ignoring case', () => {
    expect(isSecretKey('API_SECRET', ['api_secret'])).toBe(true);
    expect(isSecretKey('api_secret', ['API_SECRET'])).toBe(true);
    expect(isSecretKey('password', ['api_secret'])).toBe(false);
    expect(isSecretKey('password', [])).toBe(false);
  });
});

describe('redactUrl', () => {
  it.each<[string, string]>([
    ['nats://user:pass@host:4222', 'nats://[REDACTED]@host:4222'],
    ['nats://token@host:4222', 'nats://[REDACTED]@host:4222'],
    ['NATS://U:P@h', 'NATS://[REDACTED]@h'],
    ['nats://u:p@ss@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://u:my p@ss@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://al%40ice:p%3Ass@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://u:my pass@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://a:b@h1:1,nats://c:d@h2:2', 'nats://[REDACTED]@h1:1,nats://[REDACTED]@h2:2'],
    ['nats://h1:1,tls://tok@h2:2', 'nats://h1:1,tls://[REDACTED]@h2:2'],
    ['nats://[REDACTED]@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://h:4222', 'nats://h:4222'],
    ['http://h/path@x', 'http://h/path@x'],
    ['host:4222', 'host:4222'],
    ['user@example.com', 'user@example.com'],
    ['', ''],
  ])('%j → %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactLoosely', () => {
  it.each<[string, string]>([
    ['nats//admin:hunter2@10.0.0.5:4222', 'nats//[REDACTED]@10.0.0.5:4222'],
    ['http://admin:hunter2@10.0.0.5:4222', 'http://[REDACTED]@10.0.0.5:4222'],
    ['admin:hunter2@h', '[REDACTED]@h'],
    ['a b@c', 'a [REDACTED]@c'],
    ['[::1]:4222', '[::1]:4222'],
    ['plain value', 'plain value'],
  ])('%j → %j', (text, expected) => {
    expect(redactLoosely(text)).toBe(expected);
  });

  it('is what a configuration problem shows as "found"', () => {
    expect(describeFound('nats//admin:hunter2@10.0.0.5:4222')).toBe('"nats//[REDACTED]@10.0.0.5:4222"');
  });
});

describe('splitUrlCredentials', () => {
  it.each<[string, UrlCredentials]>([
    ['nats://h:1', { url: 'nats://h:1' }],
    ['h:1', { url: 'h:1' }],
    ['nats://al%40ice:p%3Ass@h:1', { url: 'nats://h:1', user: 'al@ice', password: 'p:ss' }],
    ['tls://tok@h:1', { url: 'tls://h:1', token: 'tok' }],
    ['NATS://tok%20en@h:1', { url: 'NATS://h:1', token: 'tok en' }],
    ['nats://@h:1', { url: 'nats://h:1' }],
    ['nats://u:@h:1', { url: 'nats://h:1', user: 'u', password: '' }],
    ['nats://:p@h:1', { url: 'nats://h:1', user: '', password: 'p' }],
    ['nats://u:p:q@h:1', { url: 'nats://h:1', user: 'u', password: 'p:q' }],
    // A server URL has no path: an @ or / left unencoded in a password belongs to the password.
    ['nats://u:p/w@d@h:1', { url: 'nats://h:1', user: 'u', password: 'p/w@d' }],
    ['u:p@h:1', { url: 'h:1', user: 'u', password: 'p' }],
    ['tok@127.0.0.1:1', { url: '127.0.0.1:1', token: 'tok' }],
    ['nats://u:%E0%A4%A@h:1', { url: 'nats://h:1', user: 'u', password: '%E0%A4%A' }],
  ])('%j', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });
});

describe('redactServerUrl', () => {
  it.each<[string, string]>([
    ['nats://u:p@h:1', 'nats://[REDACTED]@h:1'],
    ['u:p@h:1', '[REDACTED]@h:1'],
    ['nats://u:p/w@d@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://al%40ice:p%3Ass@h:1', 'nats://[REDACTED]@h:1'],
    ['tls://tok@h:1', 'tls://[REDACTED]@h:1'],
    ['nats://[REDACTED]@h:1', 'nats://[REDACTED]@h:1'],
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['127.0.0.1:4222', '127.0.0.1:4222'],
  ])('%j → %j', (url, expected) => {
    expect(redactServerUrl(url)).toBe(expected);
  });
});

describe('redactText', () => {
  it.each<[string, string, string]>([
    ['URL userinfo, a token-only URL', 'nats://u:p@h:1 and s3cret and tls://tok@h', 'nats://[REDACTED]@h:1 and s3cret and tls://[REDACTED]@h'],
    ['an @ left unencoded in URL userinfo', 'dial nats://u:p@ss@h:1 failed', 'dial nats://[REDACTED]@h:1 failed'],
    ['a scheme glued to a word', 'x_nats://u:p@h', 'x_nats://[REDACTED]@h'],
    ['an @ in a URL path', 'GET http://h/a@b', 'GET http://h/a@b'],
    ['JSON fields, quoted and bare', '{"pass":"p w","token":123,"user":"u"}', '{"pass":"[REDACTED]","token":"[REDACTED]","user":"u"}'],
    ['a JSON value cut off at the end', '[CONNECT {"user":"u","pass":"abc', '[CONNECT {"user":"u","pass":"[REDACTED]"'],
    ['a conf echo', 'password: abc, token = "d e" }', 'password: [REDACTED] token = [REDACTED] }'],
    ["Go's map printing", 'got map[password:b user:a]', 'got map[password:[REDACTED] user:a]'],
    ['an authorization header', 'Authorization: Bearer sk-abc next', 'Authorization: [REDACTED] next'],
    ['util.inspect output', "{ user: 'u', pass: 'x' }", "{ user: 'u', pass: [REDACTED] }"],
    ['a marker already there', 'password: [REDACTED] and nats://[REDACTED]@h', 'password: [REDACTED] and nats://[REDACTED]@h'],
    ['words that hold a key name', 'passwords: 3 keyboard: us monkey: yes signal: x', 'passwords: 3 keyboard: us monkey: yes signal: x'],
    ['a Go TLS error', 'remote error: tls: bad certificate', 'remote error: tls: bad certificate'],
  ])('%s', (_, text, expected) => {
    expect(redactText(text)).toBe(expected);
    expect(redactText(expected)).toBe(expected);
  });
});

describe('showsCredentials', () => {
  it.each<[string, boolean]>([
    ['connect ECONNREFUSED 127.0.0.1:1', false],
    ['nats://h:1', false],
    ['nats://u:p@h', true],
    ["{ pass: 'x' }", true],
    ['"auth_token":"x"', true],
    ['nats://[REDACTED]@h "pass":"[REDACTED]"', false],
    ['', false],
  ])('%j: %s', (text, shows) => {
    expect(showsCredentials(text)).toBe(shows);
    // A global pattern must not carry state from one call to the next.
    expect(showsCredentials(text)).toBe(shows);
  });
});

describe('redactLogLine', () => {
  it.each<[string, string, string]>([
    [
      'a CONNECT trace (JSON, escaped quote)',
      '[TRC] 127.0.0.1:5 - cid:4 - <<- [CONNECT {"user":"u","pass":"s\\"x","auth_token":"tok","jwt":"eyJ","sig":"abc","nkey":"UA"}]',
      '[TRC] 127.0.0.1:5 - cid:4 - <<- [CONNECT {"user":"u","pass":"[REDACTED]","auth_token":"[REDACTED]","jwt":"[REDACTED]","sig":"[REDACTED]","nkey":"[REDACTED]"}]',
    ],
    ['JSON with spaces and another case', '{"Password" : "x y", "name":"n"}', '{"Password" : "[REDACTED]", "name":"n"}'],
    ['conf with a colon', 'password: abc', 'password: [REDACTED]'],
    ['conf with an equals sign, upper case', 'TOKEN=abc next', 'TOKEN=[REDACTED] next'],
    ['conf with a quoted value', 'key: "a \\" b" end', 'key: [REDACTED] end'],
    ['conf seed and creds', 'seed: SUAB creds = /x/y.creds', 'seed: [REDACTED] creds = [REDACTED]'],
    ['a conf block', 'authorization { password: abc, token = "def" }', 'authorization { password: [REDACTED] token = [REDACTED] }'],
    ['already redacted', '"pass":"[REDACTED]" password: "[REDACTED]"', '"pass":"[REDACTED]" password: "[REDACTED]"'],
    ['a route URL', 'route nats://ruser:rpass@127.0.0.1:6222 up', 'route nats://[REDACTED]@127.0.0.1:6222 up'],
    ['words that only contain a key name', 'passwords: 3 keyboard: us monkey: yes', 'passwords: 3 keyboard: us monkey: yes'],
    [
      'a Go TLS error',
      '[ERR] 127.0.0.1:5 - cid:4 - TLS handshake error: remote error: tls: bad certificate',
      '[ERR] 127.0.0.1:5 - cid:4 - TLS handshake error: remote error: tls: bad certificate',
    ],
    ['an ordinary line', '[12] 2026/11/26 23:40:05.389683 [INF] Server is ready', '[12] 2026/11/26 23:40:05.389683 [INF] Server is ready'],
    // nats-server's configuration errors quote the file, whatever field the text stood in: the quotes are elided.
    ['a value out of range', "nats-server: integer '99999999999999999999' is out of the range", "nats-server: integer '…' is out of the range"],
    [
      'a parse error, which quotes the parser message that quotes the file',
      `nats-server: Parse error on line 1: 'Expected a map value terminator "," or a map terminator "}", but got 's' instead.'`,
      `nats-server: Parse error on line 1: 'Expected a map value terminator "," or a map terminator "}", but got '…' instead.'`,
    ],
    [
      'an escape error',
      `nats-server: Parse error on line 2: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t.'`,
      `nats-server: Parse error on line 2: 'Invalid escape character '…'. Only the following escape characters are allowed: \\xXX, \\t.'`,
    ],
    ['an unknown field', 'nats-server: /tmp/x/nats.conf:2:1: unknown field "bogus_key"', 'nats-server: /tmp/x/nats.conf:2:1: unknown field "bogus_key"'],
    ['a logged line keeps its quotes', "[INF] Trapped 'terminated' signal", "[INF] Trapped 'terminated' signal"],
  ])('%s', (_, line, expected) => {
    expect(redactLogLine(line)).toBe(expected);
  });

  it.each(SECRET_KEYS.filter((key) => key !== 'tls'))('hides a value under %s in JSON and conf form, in any case', (key) => {
    for (const line of [`{"${key}":"s3cret-v"}`, `${key}: s3cret-v`, `${key.toUpperCase()} = "s3cret-v"`]) {
      expect(redactLogLine(line)).not.toContain('s3cret-v');
    }
  });
});

describe('text is never searched for a secret', () => {
  // What reaches the rules: nats-server's lines and the words of nats.js and Node errors. They hold common words a
  // password or token might be ("nats", "server", "connect", "a", "127"); no rule knows a secret's value, so each
  // reads exactly as written.
  const texts = [
    '[2821] 2026/12/07 00:38:29.616917 [INF] Starting nats-server',
    '[2821] 2026/12/07 00:38:29.617034 [INF] Listening for client connections on 127.0.0.1:37513',
    '[2821] 2026/12/07 00:38:29.705758 [ERR] 127.0.0.1:46502 - cid:6 - "v3.4.0:nats.js" - authentication error',
    '[2821] 2026/12/07 00:38:29.705771 [TRC] 127.0.0.1:46502 - cid:6 - "v3.4.0:nats.js" - ->> [-ERR Authorization Violation]',
    'connect ECONNREFUSED 127.0.0.1:4222',
    'Authorization Violation',
  ];

  it.each(texts)('%j', (text) => {
    expect(redactText(text)).toBe(text);
    expect(redactLogLine(text)).toBe(text);
    expect(showsCredentials(text)).toBe(false);
  });

  it('takes no secret to look for', () => {
    expect(redactText.length).toBe(1);
    expect(redactLogLine.length).toBe(1);
  });

  it('leaves our own errors as written: they are built without secrets, in words a key rule would misread', () => {
    const ours = new DistributedError('NATS_CONNECTION', 'the server refused the credentials: check user/password or token');
    expect(describeForeign(ours)).toBe(ours.message);
    expect(describeForeign(new Error('login failed, password: hunter2'))).toBe('login failed, password: [REDACTED]');
    expect(describeForeign(new Error('dial nats://u:p@h failed'))).toBe('dial nats://[REDACTED]@h failed');
  });
});

describe('the owners use the one list', () => {
  it('the logger hides every secret key, nested too', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    for (const key of SECRET_KEYS) logger.info({ [key]: 's3cret-v', nested: { [key]: 's3cret-v', deeper: { [key]: 's3cret-v' } } }, `logged ${key}`);
    expect(lines).toHaveLength(SECRET_KEYS.length);
    for (const line of lines) {
      expect(line).not.toContain('s3cret-v');
      expect(line).toContain(REDACTED);
    }
  });

  it('the config loader hides values under secret keys by default, in any case, and under a spec’s own keys', () => {
    const schema = { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } as const;
    const spec: ConfigSpec<object> = {
      schema: { ...schema, properties: { ...schema.properties, Nkey: { type: 'integer' }, api_secret: { type: 'integer' } } },
    };
    expect(problemsOf(() => parseConfig({ Nkey: 's3cret-v', api_secret: 'shown' }, spec))).toEqual([
      { file: '<inline>', path: 'Nkey', expected: 'an integer', found: REDACTED },
      { file: '<inline>', path: 'api_secret', expected: 'an integer', found: '"shown"' },
    ]);
    const own: ConfigSpec<object> = { ...spec, secretKeys: ['API_SECRET'] };
    expect(problemsOf(() => parseConfig({ Nkey: 'shown', api_secret: 's3cret-v' }, own))).toEqual([
      { file: '<inline>', path: 'Nkey', expected: 'an integer', found: '"shown"' },
      { file: '<inline>', path: 'api_secret', expected: 'an integer', found: REDACTED },
    ]);
  });

  it('no other source file spells the marker or a URL-credentials pattern', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
    // A quoted marker, or `://` followed by a character class that stops at `@` (a userinfo pattern).
    const offenders = files('src')
      .filter((file) => file.endsWith('.ts') && !file.endsWith(join('base', 'redaction.ts')))
      .filter((file) => /(['"])\[REDACTED\]\1|:\\\/\\\/\)?\(?\[\^[^\]]*@/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
