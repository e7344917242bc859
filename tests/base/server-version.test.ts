import { describe, expect, it } from 'vitest';
import {
  MIN_SERVER_VERSION,
  NatsServerVersionError,
  SERVER_FEATURES,
  compareServerVersions,
  notYetSaid,
  parseServerVersion,
  requireServerFeature,
  serverSupports,
  serverVersionWarnings,
  type ServerFeature,
} from '../../src/base/server-version.js';

const features = Object.keys(SERVER_FEATURES) as ServerFeature[];

describe('parseServerVersion', () => {
  it('reads the versions servers report, with or without a v and a pre-release suffix', () => {
    expect(parseServerVersion('2.9.10')).toEqual({ major: 2, minor: 9, patch: 10 });
    expect(parseServerVersion('v2.10.0')).toEqual({ major: 2, minor: 10, patch: 0 });
    expect(parseServerVersion('2.11.0-RC.1')).toEqual({ major: 2, minor: 11, patch: 0 });
  });

  it('gives undefined for what is not a version', () => {
    for (const text of [undefined, '', 'latest', '2.9', 'x2.9.10']) expect(parseServerVersion(text)).toBeUndefined();
  });

  it('compares numerically, not as text (2.10 is newer than 2.9)', () => {
    const v = (t: string) => parseServerVersion(t)!;
    expect(compareServerVersions(v('2.10.0'), v('2.9.10'))).toBeGreaterThan(0);
    expect(compareServerVersions(v('2.9.2'), v('2.9.10'))).toBeLessThan(0);
    expect(compareServerVersions(v('2.9.10'), v('v2.9.10'))).toBe(0);
  });
});

describe('server features', () => {
  it('each feature is present from its first version on, and missing just before it', () => {
    for (const feature of features) {
      const since = parseServerVersion(SERVER_FEATURES[feature].since)!;
      expect(serverSupports(SERVER_FEATURES[feature].since, feature)).toBe(true);
      expect(serverSupports(`${since.major}.${since.minor}.${since.patch + 3}`, feature)).toBe(true);
      const before = since.patch > 0 ? `${since.major}.${since.minor}.${since.patch - 1}` : `${since.major}.${since.minor - 1}.99`;
      expect(serverSupports(before, feature)).toBe(false);
      expect(serverSupports(undefined, feature)).toBe(false);
    }
  });

  it('every feature needs more than the oldest supported server (else it would not be listed)', () => {
    for (const feature of features) expect(serverSupports(MIN_SERVER_VERSION, feature)).toBe(false);
  });

  it('requireServerFeature says what needs which version, what the server runs, and what to do', () => {
    const error = (() => {
      try {
        requireServerFeature('2.9.10', 'message-tracing', 'nats://10.0.0.5:4222');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NatsServerVersionError);
    const e = error as NatsServerVersionError;
    expect(e.code).toBe('NATS_SERVER_VERSION');
    expect(e.feature).toBe('message-tracing');
    expect(e.serverVersion).toBe('2.9.10');
    expect(e.message).toContain(SERVER_FEATURES['message-tracing'].since);
    expect(e.message).toContain('nats://10.0.0.5:4222 runs nats-server 2.9.10');
    expect(e.message).toMatch(/Upgrade/);
    expect(() => {
      requireServerFeature(SERVER_FEATURES['message-tracing'].since, 'message-tracing', 'x');
    }).not.toThrow();
    expect(() => {
      requireServerFeature(undefined, 'auth-callout', 'x');
    }).toThrow(/version is unknown/);
  });
});

describe('serverVersionWarnings', () => {
  const advisory = (version: string) => serverVersionWarnings(version).some((w) => w.includes('no-auth-user-route-bypass'));

  it("flags a server that lacks the route/leafnode no_auth_user fix, on each line by that line's own release", () => {
    expect(advisory('2.9.10')).toBe(true);
    expect(advisory('2.10.29')).toBe(true);
    expect(advisory('2.11.15')).toBe(true);
    expect(advisory('2.11.16')).toBe(false);
    expect(advisory('2.12.6')).toBe(true);
    expect(advisory('2.12.7')).toBe(false);
    // A line between the fixed ones that did not get the fix, then every release from the newest fix on.
    expect(advisory('2.13.3')).toBe(true);
    expect(advisory('2.14.0')).toBe(false);
    expect(advisory('3.0.0')).toBe(false);
  });

  it('a server whose config this process wrote is flagged only if the config has the setting the flaw needs', () => {
    const flagged = (config: string) => serverVersionWarnings('2.9.10', config).filter((w) => w.includes('no-auth-user-route-bypass'));
    expect(flagged('listen: "127.0.0.1:4222"\nauthorization { user: "a", password: "b" }\n')).toEqual([]);
    expect(flagged('accounts { A { users: [{ user: guest }] } }\nno_auth_user: guest\n')).toEqual([
      expect.stringMatching(/its config sets no_auth_user: upgrade/),
    ]);
    expect(flagged('no_auth_user: guest')).toHaveLength(1);
  });

  it('a server whose config cannot be seen gets a hint that says when the fix matters', () => {
    const [hint] = serverVersionWarnings('2.9.10');
    expect(hint).toMatch(/matters only if the server's config sets no_auth_user/);
    expect(hint).toMatch(/fixed in 2\.11\.16, 2\.12\.7, 2\.14\.0/);
  });

  it('notYetSaid lets each warning through once per process', () => {
    expect(notYetSaid(['a warning', 'another'])).toEqual(['a warning', 'another']);
    expect(notYetSaid(['another', 'a third', 'a warning'])).toEqual(['a third']);
    expect(notYetSaid(['a third'])).toEqual([]);
  });

  it('flags a server older than the oldest supported one, and says nothing of an unknown version', () => {
    expect(serverVersionWarnings('2.8.4').some((w) => w.includes(`older than ${MIN_SERVER_VERSION}`))).toBe(true);
    expect(serverVersionWarnings('2.9.10').some((w) => w.includes('older than'))).toBe(false);
    expect(serverVersionWarnings(undefined)).toEqual([]);
  });
});
