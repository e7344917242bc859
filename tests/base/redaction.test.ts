/**
 * The redaction module on its own: the key list and its predicate, URL redaction, splitting URL credentials,
 * scrubbing known secrets, nats-server log lines; then that the logger and the config loader hide what it says.
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
  redactUrl,
  revealsSecret,
  scrubSecrets,
  splitUrlCredentials,
  uniqueSecrets,
  urlSecrets,
  type UrlCredentials,
} from '../../src/base/redaction.js';
import { redactUrl as packageRedactUrl } from '../../src/index.js';
import { describeFound } from '../../src/config/describe.js';
import { parseConfig, type ConfigSpec } from '../../src/config/loader.js';
import { problemsOf } from '../helpers/config.js';

describe('secret key names', () => {
  it('is one lower-case list that covers every key a config, a log object or a server trace may hold a secret under', () => {
    expect(REDACTED).toBe('[REDACTED]');
    const required = ['password', 'pass', 'token', 'auth_token', 'api_key', 'apikey', 'authorization', 'credentials', 'creds', 'nkey', 'seed', 'key', 'sig', 'jwt', 'tls'];
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

  it('is the function the package entry exports', () => {
    expect(packageRedactUrl).toBe(redactUrl);
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
    ['nats://u:p@h:1/x@y', { url: 'nats://h:1/x@y', user: 'u', password: 'p' }],
    ['nats://u:%E0%A4%A@h:1', { url: 'nats://h:1', user: 'u', password: '%E0%A4%A' }],
  ])('%j', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });
});

describe('urlSecrets and uniqueSecrets', () => {
  it.each<[string, string[]]>([
    ['nats://u:p%3Ass@h', ['p%3Ass', 'p:ss']],
    ['nats://tok@h', ['tok']],
    ['nats://t%40k@h', ['t%40k', 't@k']],
    ['nats://u:%E0%A4%A@h', ['%E0%A4%A']],
    ['nats://u:@h', []],
    ['nats://@h', []],
    ['nats://h', []],
    ['tok@h', []],
  ])('urlSecrets(%j) is %j', (url, expected) => {
    expect(urlSecrets(url)).toEqual(expected);
  });

  it('drops empty strings and duplicates, longest first, ties in the order given', () => {
    expect(uniqueSecrets(['a', '', 'abc', 'a', 'ab'])).toEqual(['abc', 'ab', 'a']);
    expect(uniqueSecrets(['xy', 'ab', 'xy'])).toEqual(['xy', 'ab']);
    expect(uniqueSecrets([])).toEqual([]);
  });
});

describe('scrubSecrets', () => {
  it.each<[string, string, string[], string]>([
    ['URL credentials and a known secret', 'nats://u:p@h:1 and s3cret and tls://tok@h', ['s3cret'], 'nats://[REDACTED]@h:1 and [REDACTED] and tls://[REDACTED]@h'],
    ['a secret inside another, shorter first', 'token abc and abcdef', ['abc', 'abcdef'], 'token [REDACTED] and [REDACTED]'],
    ['a secret inside another, longer first', 'token abc and abcdef', ['abcdef', 'abc'], 'token [REDACTED] and [REDACTED]'],
    ['two secrets that overlap', 'xabcdx', ['abc', 'cd'], 'x[REDACTED]x'],
    ['two occurrences side by side', 'abab', ['ab'], '[REDACTED][REDACTED]'],
    ['the percent-encoded form of a secret', 'user pw%3AS3cret%2F9f failed', ['pw:S3cret/9f'], 'user [REDACTED] failed'],
    ['the decoded form of a percent-encoded secret', 'login p:ss failed', ['p%3Ass'], 'login [REDACTED] failed'],
    ['a secret with an @ inside URL userinfo', 'nats://u:p@ss@h:1', ['p@ss'], 'nats://[REDACTED]@h:1'],
    ['a token-only URL', 'dial tls://tok@h:1', [], 'dial tls://[REDACTED]@h:1'],
    ['a scheme glued to a word', 'x_nats://u:p@h', [], 'x_nats://[REDACTED]@h'],
    ['an @ in a URL path', 'GET http://h/a@b', [], 'GET http://h/a@b'],
    ['an empty secret', 'abc', [''], 'abc'],
    ['a secret that cannot be percent-encoded (a lone surrogate)', 'x \uD800 y', ['\uD800'], 'x [REDACTED] y'],
    ['a marker already there', '[REDACTED] hunter2', ['hunter2'], '[REDACTED] [REDACTED]'],
    ['nothing to hide', 'Server is ready', ['hunter2'], 'Server is ready'],
  ])('%s', (_, text, secrets, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });
});

describe('revealsSecret', () => {
  it.each<[string, string[], boolean]>([
    ['nothing here', ['pw-1'], false],
    ['has pw-1 in it', ['pw-1'], true],
    ['encoded pw%3Ax', ['pw:x'], true],
    ['decoded p:ss', ['p%3Ass'], true],
    ['nats://u:p@h', [], true],
    ['nats://tok@h and nats://tok@h', [], true],
    ['nats://h:1', [], false],
    ['', [''], false],
  ])('%j with %j: %s', (text, secrets, reveals) => {
    expect(revealsSecret(text, secrets)).toBe(reveals);
    // A global pattern must not carry state from one call to the next.
    expect(revealsSecret(text, secrets)).toBe(reveals);
  });
});

describe('redactLogLine', () => {
  it.each<[string, string, string[], string]>([
    [
      'a CONNECT trace (JSON, escaped quote)',
      '[TRC] 127.0.0.1:5 - cid:4 - <<- [CONNECT {"user":"u","pass":"s\\"x","auth_token":"tok","jwt":"eyJ","sig":"abc","nkey":"UA"}]',
      [],
      '[TRC] 127.0.0.1:5 - cid:4 - <<- [CONNECT {"user":"u","pass":"[REDACTED]","auth_token":"[REDACTED]","jwt":"[REDACTED]","sig":"[REDACTED]","nkey":"[REDACTED]"}]',
    ],
    ['JSON with spaces and another case', '{"Password" : "x y", "name":"n"}', [], '{"Password" : "[REDACTED]", "name":"n"}'],
    ['conf with a colon', 'password: abc', [], 'password: [REDACTED]'],
    ['conf with an equals sign, upper case', 'TOKEN=abc next', [], 'TOKEN=[REDACTED] next'],
    ['conf with a quoted value', 'key: "a \\" b" end', [], 'key: [REDACTED] end'],
    ['conf seed and creds', 'seed: SUAB creds = /x/y.creds', [], 'seed: [REDACTED] creds = [REDACTED]'],
    ['a conf block', 'authorization { password: abc, token = "def" }', [], 'authorization { password: [REDACTED] token = [REDACTED] }'],
    ['already redacted', '"pass":"[REDACTED]" password: "[REDACTED]"', [], '"pass":"[REDACTED]" password: "[REDACTED]"'],
    ['a route URL', 'route nats://ruser:rpass@127.0.0.1:6222 up', [], 'route nats://[REDACTED]@127.0.0.1:6222 up'],
    ['a known secret', 'bad password hunter2 from x', ['hunter2', ''], 'bad password [REDACTED] from x'],
    ['a known secret, percent-encoded', 'user from nats://h?x=hunter%3A2', ['hunter:2'], 'user from nats://h?x=[REDACTED]'],
    ['words that only contain a key name', 'passwords: 3 keyboard: us monkey: yes', [], 'passwords: 3 keyboard: us monkey: yes'],
    ['a Go TLS error', '[ERR] 127.0.0.1:5 - cid:4 - TLS handshake error: remote error: tls: bad certificate', [], '[ERR] 127.0.0.1:5 - cid:4 - TLS handshake error: remote error: tls: bad certificate'],
    ['an ordinary line', '[12] 2026/11/26 23:40:05.389683 [INF] Server is ready', [], '[12] 2026/11/26 23:40:05.389683 [INF] Server is ready'],
  ])('%s', (_, line, secrets, expected) => {
    expect(redactLogLine(line, secrets)).toBe(expected);
  });

  it.each(SECRET_KEYS.filter((key) => key !== 'tls'))('hides a value under %s in JSON and conf form, in any case', (key) => {
    for (const line of [`{"${key}":"s3cret-v"}`, `${key}: s3cret-v`, `${key.toUpperCase()} = "s3cret-v"`]) {
      expect(redactLogLine(line)).not.toContain('s3cret-v');
    }
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
    const spec: ConfigSpec<object> = { schema: { ...schema, properties: { ...schema.properties, Nkey: { type: 'integer' }, api_secret: { type: 'integer' } } } };
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
