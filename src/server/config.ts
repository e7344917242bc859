/**
 * Turns `EmbeddedServerOptions` into checked settings and the text of the nats-server configuration file.
 *
 * Everything goes into the file rather than onto argv: credentials must never be visible to `ps`, and one place
 * for all settings keeps the command line to `-c <file> --ports_file_dir <dir>` plus the caller's own `args`.
 */
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { ConfigValidationError, type ConfigProblem } from '../base/errors.js';
import { REDACTED, redactUrl } from '../base/redaction.js';
import { natsAuthorizationConfig, natsUserConfig } from '../contract/permissions.js';
import type { EmbeddedAuthorization, EmbeddedServerOptions } from './types.js';

/** Log levels of `EmbeddedServerOptions.logLevel`, lowest first. */
export const EMBEDDED_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link EMBEDDED_LOG_LEVELS}. */
export type EmbeddedLogLevel = (typeof EMBEDDED_LOG_LEVELS)[number];

/** `EmbeddedServerOptions` with defaults applied and every value checked. */
export interface ResolvedEmbeddedOptions {
  port: number;
  httpPort: number;
  host: string;
  jetstream: boolean;
  storeDir: string | undefined;
  logLevel: EmbeddedLogLevel;
  binary: string | undefined;
  args: readonly string[];
  config: string | undefined;
  auth: { user: string; password: string } | { token: string } | undefined;
  /** The `authorization { users = [...] }` block of the nkey users, rendered; undefined without them. */
  authorization: string | undefined;
  pidFile: string | undefined;
  cluster: { name: string; port: number; routes: readonly string[] } | undefined;
  serverName: string | undefined;
  maxPayload: number | undefined;
  startTimeoutMs: number;
  stopGraceMs: number;
  logLines: number;
}

/** Defaults of the embedded server's options (from the runtime's one table of defaults). */
export const EMBEDDED_DEFAULTS = RUNTIME_DEFAULTS.embedded;

/** nats-server refuses payload limits above 64 MiB. */
const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;
// Control characters have no escape in the nats-server config syntax that both sides agree on: refuse them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// Host names, server names, cluster names and route URLs are single words in nats-server's eyes.
const UNSAFE_WORD = /[\s"'\\{}[\],;#]/;

/** Accumulates problems so that one error lists all of them. */
class Checker {
  readonly problems: ConfigProblem[] = [];

  fail(path: string, expected: string, found: unknown): void {
    this.problems.push({ file: '<EmbeddedServerOptions>', path, expected, found: describeFound(found) });
  }

  int(path: string, value: unknown, min: number, max: number): value is number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return true;
    this.fail(path, `an integer from ${min} to ${max}`, value);
    return false;
  }

  word(path: string, value: unknown): value is string {
    if (typeof value === 'string' && value !== '' && !UNSAFE_WORD.test(value) && !CONTROL.test(value)) return true;
    this.fail(path, 'a non-empty string without spaces, quotes, brackets or control characters', value);
    return false;
  }

  secret(path: string, value: unknown): value is string {
    if (typeof value === 'string' && value !== '' && !CONTROL.test(value)) return true;
    this.problems.push({
      file: '<EmbeddedServerOptions>',
      path,
      expected: 'a non-empty string without control characters',
      found: typeof value === 'string' ? REDACTED : describeFound(value),
    });
    return false;
  }
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  // A route URL may carry credentials.
  if (typeof value === 'string') return JSON.stringify(redactUrl(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Applies defaults and checks every option.
 * @throws {ConfigValidationError} listing every invalid option (secret values shown as `[REDACTED]`).
 */
export function resolveEmbeddedOptions(options: EmbeddedServerOptions = {}): ResolvedEmbeddedOptions {
  const c = new Checker();
  const port = options.port ?? EMBEDDED_DEFAULTS.port;
  // A free client port asks for a free monitoring port too: two servers started with port 0 must not clash on 8222.
  const httpPort = options.httpPort ?? (port === 0 ? 0 : EMBEDDED_DEFAULTS.httpPort);
  const host = options.host ?? EMBEDDED_DEFAULTS.host;
  const logLevel = options.logLevel ?? EMBEDDED_DEFAULTS.logLevel;
  const startTimeoutMs = options.startTimeoutMs ?? EMBEDDED_DEFAULTS.startTimeoutMs;
  const stopGraceMs = options.stopGraceMs ?? EMBEDDED_DEFAULTS.stopGraceMs;
  const logLines = options.logLines ?? EMBEDDED_DEFAULTS.logLines;

  c.int('port', port, 0, 65535);
  c.int('httpPort', httpPort, 0, 65535);
  c.word('host', host);
  if (!(EMBEDDED_LOG_LEVELS as readonly string[]).includes(logLevel)) c.fail('logLevel', EMBEDDED_LOG_LEVELS.join(' | '), logLevel);
  c.int('startTimeoutMs', startTimeoutMs, 1, 600_000);
  c.int('stopGraceMs', stopGraceMs, 0, 600_000);
  c.int('logLines', logLines, 1, 100_000);
  if (options.jetstream !== undefined && typeof options.jetstream !== 'boolean') c.fail('jetstream', 'a boolean', options.jetstream);
  if (options.storeDir !== undefined && (typeof options.storeDir !== 'string' || options.storeDir === '' || CONTROL.test(options.storeDir))) {
    c.fail('storeDir', 'a directory path', options.storeDir);
  }
  if (options.binary !== undefined && typeof options.binary !== 'string') c.fail('binary', 'a file path', options.binary);
  const args = options.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) c.fail('args', 'an array of strings', args);
  if (options.config !== undefined && typeof options.config !== 'string') c.fail('config', 'nats-server configuration text', options.config);
  if (options.serverName !== undefined) c.word('serverName', options.serverName);
  if (options.maxPayload !== undefined) c.int('maxPayload', options.maxPayload, 1, MAX_PAYLOAD_LIMIT);

  const auth = options.auth;
  if (auth !== undefined) {
    if ('token' in auth) c.secret('auth.token', auth.token);
    else if ('user' in auth) {
      c.secret('auth.user', auth.user);
      c.secret('auth.password', auth.password);
    } else c.fail('auth', '{ user, password } or { token }', auth);
  }

  let authorization: string | undefined;
  if (options.authorization !== undefined) {
    if (auth !== undefined) c.fail('authorization', 'either auth or authorization (nkey users), not both', 'both');
    authorization = renderAuthorization(c, options.authorization);
  }
  if (options.pidFile !== undefined && (typeof options.pidFile !== 'string' || options.pidFile === '' || CONTROL.test(options.pidFile))) {
    c.fail('pidFile', 'a file path', options.pidFile);
  }

  let cluster: ResolvedEmbeddedOptions['cluster'];
  if (options.cluster !== undefined) {
    const { name, port: clusterPort, routes = [] } = options.cluster;
    c.word('cluster.name', name);
    c.int('cluster.port', clusterPort, 0, 65535);
    if (!Array.isArray(routes)) c.fail('cluster.routes', 'an array of route URLs', routes);
    else routes.forEach((route, i) => c.word(`cluster.routes[${i}]`, route));
    cluster = { name, port: clusterPort, routes };
  }

  if (c.problems.length > 0) throw new ConfigValidationError(c.problems);
  return {
    port,
    httpPort,
    host,
    jetstream: options.jetstream ?? false,
    storeDir: options.storeDir,
    logLevel,
    binary: options.binary,
    args,
    config: options.config,
    auth,
    authorization,
    pidFile: options.pidFile,
    cluster,
    serverName: options.serverName,
    maxPayload: options.maxPayload,
    startTimeoutMs,
    stopGraceMs,
    logLines,
  };
}

const USER_NKEY = /^U[A-Z2-7]{55}$/;

/** The nkey users as nats-server configuration text, or undefined (with problems noted) when they are not valid. */
function renderAuthorization(c: Checker, authorization: EmbeddedAuthorization): string | undefined {
  const users = (authorization as Partial<EmbeddedAuthorization> | null)?.users;
  // nats-server 2.9 reads an empty users list as no authentication at all: everyone would get in.
  if (!Array.isArray(users) || users.length === 0) {
    c.fail('authorization.users', 'at least one nkey user (an empty list would let every client in)', Array.isArray(users) ? 'an empty list' : users);
    return undefined;
  }
  const seen = new Set<string>();
  const rendered: string[] = [];
  users.forEach((user: EmbeddedAuthorization['users'][number], i) => {
    const path = `authorization.users[${i}]`;
    if (typeof user.nkey !== 'string' || !USER_NKEY.test(user.nkey)) c.fail(`${path}.nkey`, 'a user public key: "U" and 55 base32 characters', user.nkey);
    else if (seen.has(user.nkey)) c.fail(`${path}.nkey`, 'a key listed once', 'a key listed before');
    else {
      seen.add(user.nkey);
      try {
        rendered.push(natsUserConfig({ nkey: user.nkey }, user.permissions));
      } catch (error) {
        c.fail(`${path}.permissions`, 'publish and subscribe subject lists (e.g. from natsPermissions)', error instanceof Error ? error.message : 'invalid');
      }
    }
  });
  return rendered.length === users.length ? natsAuthorizationConfig(rendered).trimEnd() : undefined;
}

/** A double-quoted string in nats-server's configuration syntax (values are checked free of control characters). */
export function confString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `host:port` as nats-server's `listen` parser wants it; `0` becomes `-1`, nats-server's "pick a free port". */
export function listenAddress(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${port === 0 ? -1 : port}`;
}

/**
 * The configuration file for one server. `storeDir` is where JetStream keeps data when the caller gave none
 * (a private directory, so parallel servers never share the default `/tmp/nats`); `pidFile` where nats-server
 * writes its pid when the caller named no file.
 */
export function buildServerConfig(o: ResolvedEmbeddedOptions, defaultStoreDir: string, defaultPidFile?: string): string {
  const lines = ['# Generated by EmbeddedNatsServer (@mlx-serving/distributed). Deleted when the server stops.'];
  lines.push(`listen: ${confString(listenAddress(o.host, o.port))}`);
  const pidFile = o.pidFile ?? defaultPidFile;
  if (pidFile !== undefined) lines.push(`pid_file: ${confString(pidFile)}`);
  // The monitoring port binds to the same interface as the client port: loopback unless the caller asked otherwise.
  lines.push(`http: ${confString(listenAddress(o.host, o.httpPort))}`);
  if (o.serverName !== undefined) lines.push(`server_name: ${confString(o.serverName)}`);
  if (o.maxPayload !== undefined) lines.push(`max_payload: ${o.maxPayload}`);
  if (o.logLevel === 'debug') lines.push('debug: true');
  if (o.jetstream) lines.push(`jetstream { store_dir: ${confString(o.storeDir ?? defaultStoreDir)} }`);
  if (o.auth !== undefined) {
    lines.push(
      'token' in o.auth
        ? `authorization { token: ${confString(o.auth.token)} }`
        : `authorization { user: ${confString(o.auth.user)}, password: ${confString(o.auth.password)} }`,
    );
  }
  if (o.authorization !== undefined) lines.push(o.authorization);
  if (o.cluster !== undefined) {
    const routes = o.cluster.routes.length > 0 ? `, routes: [${o.cluster.routes.map(confString).join(', ')}]` : '';
    lines.push(`cluster { name: ${confString(o.cluster.name)}, listen: ${confString(listenAddress(o.host, o.cluster.port))}${routes} }`);
  }
  if (o.config !== undefined && o.config.trim() !== '') lines.push('# Caller-supplied configuration', o.config);
  return `${lines.join('\n')}\n`;
}
