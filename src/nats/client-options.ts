/**
 * NatsClient options: defaults, checks, and translation into nats.js connection options and embedded-server options.
 */
import type { ConnectionOptions, TlsOptions as NatsTlsOptions } from 'nats';
import { ConfigValidationError, type ConfigProblem } from '../errors.js';
import type { EmbeddedServerOptions, NatsClientOptions, TlsOptions } from './types.js';

/** Defaults of the optional numeric and boolean options. */
export const CLIENT_DEFAULTS = {
  reconnect: true,
  maxReconnectAttempts: 10,
  reconnectTimeWait: 2000,
  reconnectMaxWait: 30_000,
  connectTimeout: 5000,
  requestTimeout: 5000,
  maxPendingBytes: 8 * 1024 * 1024,
  drainTimeout: 10_000,
  embeddedPort: 4222,
} as const;

/** Options after defaults and checks. */
export interface ResolvedClientOptions {
  mode: 'embedded' | 'external';
  /** External mode: the server URLs. Embedded mode: empty until the server runs. */
  servers: readonly string[];
  reconnect: boolean;
  maxReconnectAttempts: number;
  reconnectTimeWait: number;
  reconnectMaxWait: number;
  connectTimeout: number;
  requestTimeout: number;
  maxPendingBytes: number;
  /** Undefined: compression off. */
  compressThreshold: number | undefined;
  drainTimeout: number;
}

/** Fills in defaults and checks every option; throws {@link ConfigValidationError} listing all problems at once. */
export function resolveClientOptions(options: NatsClientOptions): ResolvedClientOptions {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, expected: string, found: unknown): void => {
    problems.push({ file: '<inline>', path, expected, found: typeof found === 'string' ? JSON.stringify(found) : String(found) });
  };
  const mode = (options as Partial<NatsClientOptions>).mode;
  if (mode !== 'embedded' && mode !== 'external') problem('mode', '"embedded" or "external"', mode);

  const servers = options.servers !== undefined ? [...options.servers] : options.serverUrl !== undefined ? [options.serverUrl] : [];
  if (mode === 'external') {
    if (servers.length === 0) problem('serverUrl', 'a server URL such as "nats://127.0.0.1:4222" (or a servers list) in external mode', 'nothing');
    servers.forEach((url, i) => {
      if (typeof url !== 'string' || url.trim() === '') problem(options.servers === undefined ? 'serverUrl' : `servers[${i}]`, 'a non-empty URL', url);
    });
  }
  if ((options.user === undefined) !== (options.password === undefined)) {
    problem(options.user === undefined ? 'user' : 'password', 'user and password given together', 'only one of them');
  }
  if (options.token !== undefined && options.user !== undefined) problem('token', 'either token or user/password, not both', 'both');

  const number = (path: keyof NatsClientOptions, fallback: number, min: number, integer = false): number => {
    const value = options[path] as unknown;
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      problem(path, `${integer ? 'an integer' : 'a number'} >= ${min}`, value);
      return fallback;
    }
    return value;
  };
  const resolved: ResolvedClientOptions = {
    mode: mode === 'embedded' ? 'embedded' : 'external',
    servers: mode === 'external' ? servers : [],
    reconnect: options.reconnect ?? CLIENT_DEFAULTS.reconnect,
    maxReconnectAttempts: number('maxReconnectAttempts', CLIENT_DEFAULTS.maxReconnectAttempts, -1, true),
    reconnectTimeWait: number('reconnectTimeWait', CLIENT_DEFAULTS.reconnectTimeWait, 0),
    reconnectMaxWait: number('reconnectMaxWait', CLIENT_DEFAULTS.reconnectMaxWait, 0),
    connectTimeout: number('connectTimeout', CLIENT_DEFAULTS.connectTimeout, 1),
    requestTimeout: number('requestTimeout', CLIENT_DEFAULTS.requestTimeout, 1),
    maxPendingBytes: number('maxPendingBytes', CLIENT_DEFAULTS.maxPendingBytes, 1),
    compressThreshold: options.compressThreshold === undefined ? undefined : number('compressThreshold', 0, 0),
    drainTimeout: number('drainTimeout', CLIENT_DEFAULTS.drainTimeout, 0),
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return resolved;
}

/** Strings that must never appear in a log line, message or status: password, token and credentials inside URLs. */
export function collectSecrets(options: NatsClientOptions): string[] {
  const secrets: string[] = [];
  if (options.password !== undefined && options.password !== '') secrets.push(options.password);
  if (options.token !== undefined && options.token !== '') secrets.push(options.token);
  const auth = options.embedded?.auth;
  if (auth !== undefined) secrets.push('token' in auth ? auth.token : auth.password);
  for (const url of [options.serverUrl, ...(options.servers ?? [])]) {
    const userinfo = typeof url === 'string' ? /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url)?.[1] : undefined;
    if (userinfo === undefined) continue;
    // nats://user:pass@host: the password; nats://token@host: the token.
    const colon = userinfo.indexOf(':');
    const secret = colon === -1 ? userinfo : userinfo.slice(colon + 1);
    if (secret !== '') secrets.push(secret);
  }
  // Longest first, so scrubbing a secret that contains another never leaves a fragment behind.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** Options for the embedded server: port from `embeddedPort` ?? `embedded.port` ?? 4222, and the client's credentials as its `auth`. */
export function embeddedServerOptions(options: NatsClientOptions): EmbeddedServerOptions {
  const port = options.embeddedPort ?? options.embedded?.port ?? CLIENT_DEFAULTS.embeddedPort;
  let auth = options.embedded?.auth;
  if (auth === undefined && options.user !== undefined && options.password !== undefined) auth = { user: options.user, password: options.password };
  if (auth === undefined && options.token !== undefined) auth = { token: options.token };
  return { ...options.embedded, port, ...(auth === undefined ? {} : { auth }) };
}

const isPem = (value: string): boolean => value.includes('-----BEGIN');

/** TLS material for nats.js: PEM text is passed as is, anything else is taken as a file path. */
export function natsTlsOptions(tls: TlsOptions): NatsTlsOptions {
  const out: NatsTlsOptions = {};
  if (tls.ca !== undefined) {
    if (isPem(tls.ca)) out.ca = tls.ca;
    else out.caFile = tls.ca;
  }
  if (tls.cert !== undefined) {
    if (isPem(tls.cert)) out.cert = tls.cert;
    else out.certFile = tls.cert;
  }
  if (tls.key !== undefined) {
    if (isPem(tls.key)) out.key = tls.key;
    else out.keyFile = tls.key;
  }
  return out;
}

/** The nats.js connection options for `servers`. Reconnect waits come from `reconnectDelayHandler`. */
export function natsConnectionOptions(
  options: NatsClientOptions,
  resolved: ResolvedClientOptions,
  servers: readonly string[],
  reconnectDelayHandler: () => number,
): ConnectionOptions {
  const natsOptions: ConnectionOptions = {
    servers: [...servers],
    reconnect: resolved.reconnect,
    maxReconnectAttempts: resolved.maxReconnectAttempts,
    reconnectTimeWait: resolved.reconnectTimeWait,
    reconnectDelayHandler,
    timeout: resolved.connectTimeout,
    // Fail the first connect instead of retrying forever; reconnects after that follow the policy above.
    waitOnFirstConnect: false,
    // nats.js otherwise allocates an Error per request to improve stack traces: measurable on the hot path.
    noAsyncTraces: true,
  };
  if (options.name !== undefined) natsOptions.name = options.name;
  if (options.user !== undefined) natsOptions.user = options.user;
  if (options.password !== undefined) natsOptions.pass = options.password;
  if (options.token !== undefined) natsOptions.token = options.token;
  if (options.tls !== undefined) natsOptions.tls = natsTlsOptions(options.tls);
  return natsOptions;
}
