/**
 * Which nats-server versions the package supports, and which features and security fixes need a newer one. The
 * client and the embedded server both read the version the server reports (INFO / `/varz`) and check it here, so
 * a feature a server lacks is refused with a clear error instead of being silently ignored by that server. What is
 * wrong with a server is said once per process: every client of a process meets the same servers.
 */
import { DistributedError } from './errors.js';

/**
 * The oldest server the package supports: the version Debian 12 ships, the only one installable on some machines.
 * Everything the runtime uses (headers, no-responders replies, `/healthz`, ports files, lame duck mode) works on it.
 */
export const MIN_SERVER_VERSION = '2.9.0';

/** Features that need a newer server than {@link MIN_SERVER_VERSION}. */
export const SERVER_FEATURES = {
  'auth-callout': { since: '2.10.0', what: 'auth callout (delegating authentication to a service)', why: 'delegating authentication to a service' },
  'subject-transforms': {
    since: '2.10.0',
    what: 'subject mapping transforms on streams and imports',
    why: 'remapping subjects without touching publishers',
  },
  'message-tracing': { since: '2.11.0', what: 'message tracing (the Nats-Trace-Dest header)', why: 'following one request through a cluster' },
  'per-message-ttl': { since: '2.11.0', what: 'per-message TTL in JetStream (the Nats-TTL header)', why: 'expiring stored messages individually' },
  'atomic-batch-publish': { since: '2.12.0', what: 'atomic batch publish in JetStream', why: 'all-or-nothing writes of several messages' },
} as const satisfies Record<string, { since: string; what: string; why: string }>;

/** A feature name of {@link SERVER_FEATURES}. */
export type ServerFeature = keyof typeof SERVER_FEATURES;

/**
 * Security fixes a server may lack. `fixedIn` lists the first fixed release of each line that got the fix; a server
 * is fixed when its own line is listed and it is at or past that release, or when it is at or past the newest
 * release listed. Every other server (an older line, a line that never got the fix) is affected. `setting` is the
 * server setting without which the flaw cannot be reached.
 */
export const SERVER_ADVISORIES = [
  {
    id: 'no-auth-user-route-bypass',
    what: 'a `no_auth_user` set on the client listener also applied to route and leafnode connections, letting them in without credentials',
    setting: 'no_auth_user',
    fixedIn: ['2.11.16', '2.12.7', '2.14.0'],
    why: 'matters wherever `no_auth_user` is configured; this package never sets it, but a shared server may',
  },
] as const;

/** A parsed `major.minor.patch` (a `-beta.1` style suffix is ignored). */
export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses `2.9.10`, `v2.10.0` or `2.11.0-RC.1`; undefined when the text is not a version. */
export function parseServerVersion(text: string | undefined): ServerVersion | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text?.trim() ?? '');
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareServerVersions(a: ServerVersion, b: ServerVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function atLeast(version: ServerVersion, minimum: string): boolean {
  return compareServerVersions(version, parseServerVersion(minimum) as ServerVersion) >= 0;
}

/** True when a server of `version` has `feature`; false when the version is unknown. */
export function serverSupports(version: string | undefined, feature: ServerFeature): boolean {
  const parsed = parseServerVersion(version);
  return parsed !== undefined && atLeast(parsed, SERVER_FEATURES[feature].since);
}

/**
 * Throws {@link NatsServerVersionError} unless a server of `version` has `feature`. `server` names the server
 * (URL without credentials) in the message.
 */
export function requireServerFeature(version: string | undefined, feature: ServerFeature, server: string): void {
  if (serverSupports(version, feature)) return;
  const { since, what } = SERVER_FEATURES[feature];
  const running = version === undefined ? 'a server whose version is unknown (not connected yet?)' : `nats-server ${version}`;
  throw new NatsServerVersionError(
    `${what} needs nats-server ${since} or newer, but ${server} runs ${running}. Upgrade that server (and every server of its cluster) to ${since} or newer, or do without ${feature}.`,
    feature,
    version,
  );
}

/**
 * What is wrong with a server of `version`, in words for a log line: older than {@link MIN_SERVER_VERSION}, and each
 * security advisory it is affected by. Given the server's `config` (the file this process wrote for an embedded
 * server), an advisory is named only if the config has its setting. Without it (an external server, whose config
 * cannot be seen from here) an advisory is named as a hint: it matters if that server has the setting. Empty when
 * nothing is wrong.
 */
export function serverVersionWarnings(version: string | undefined, config?: string): string[] {
  const parsed = parseServerVersion(version);
  if (parsed === undefined) return [];
  const warnings: string[] = [];
  if (!atLeast(parsed, MIN_SERVER_VERSION)) {
    warnings.push(`nats-server ${version} is older than ${MIN_SERVER_VERSION}, the oldest supported version: upgrade it`);
  }
  for (const advisory of SERVER_ADVISORIES) {
    if (!affectedBy(parsed, advisory.fixedIn)) continue;
    const lacks = `nats-server ${version} lacks a security fix (${advisory.id}: ${advisory.what})`;
    const fixed = `fixed in ${advisory.fixedIn.join(', ')}`;
    if (config === undefined) {
      warnings.push(
        `${lacks}. It matters only if the server's config sets ${advisory.setting}, which cannot be seen from here: if it does, upgrade (${fixed})`,
      );
    } else if (new RegExp(`\\b${advisory.setting}\\b`).test(config)) {
      warnings.push(`${lacks}, and its config sets ${advisory.setting}: upgrade (${fixed})`);
    }
  }
  return warnings;
}

const said = new Set<string>();

/** The warnings of `warnings` not yet said in this process (each is said once: the next client would repeat it). */
export function notYetSaid(warnings: readonly string[]): string[] {
  return warnings.filter((warning) => !said.has(warning) && said.add(warning).has(warning));
}

function affectedBy(version: ServerVersion, fixedIn: readonly string[]): boolean {
  const fixes = fixedIn.map((fix) => parseServerVersion(fix) as ServerVersion);
  const ownLine = fixes.find((fixed) => fixed.major === version.major && fixed.minor === version.minor);
  if (ownLine !== undefined) return version.patch < ownLine.patch;
  const newest = fixes.reduce((a, b) => (compareServerVersions(a, b) >= 0 ? a : b));
  return compareServerVersions(version, newest) < 0;
}

/** A feature was asked of a server too old to have it. */
export class NatsServerVersionError extends DistributedError {
  constructor(
    message: string,
    /** The feature asked for. */
    readonly feature: ServerFeature,
    /** The server's version, if known. */
    readonly serverVersion: string | undefined,
  ) {
    super('NATS_SERVER_VERSION', message);
  }
}
