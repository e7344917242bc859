/**
 * NatsClient options: defaults, checks, and translation into nats.js connection options and embedded-server options.
 */
import { missingCredentialHalf } from '../base/credentials.js';
import { RUNTIME_DEFAULTS } from '../base/defaults.js';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { Authenticator, ConnectionOptions, TlsOptions as NatsTlsOptions } from '@nats-io/nats-core';
import { ConfigValidationError, type ConfigProblem } from '../base/errors.js';
import { splitUrlCredentials } from '../base/redaction.js';
import { isSafeToken } from '../base/subjects.js';
import type { EmbeddedServerOptions } from './embedded.js';
import type { NatsClientOptions, TlsOptions } from './types.js';

/** Defaults of the optional numeric and boolean options (from the runtime's one table of defaults). */
export const CLIENT_DEFAULTS = { ...RUNTIME_DEFAULTS.client, embeddedPort: RUNTIME_DEFAULTS.embedded.port } as const;

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
  /** Undefined: nats.js's `_INBOX`. */
  inboxPrefix: string | undefined;
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
  const missing = missingCredentialHalf(options.user, options.password);
  if (missing !== undefined) problem(missing, 'user and password given together', 'only one of them');
  if (options.token !== undefined && options.user !== undefined) problem('token', 'either token or user/password, not both', 'both');
  // Only which options are set is ever shown: a seed's text never goes into a problem.
  const nkeyOption = options.nkeySeed !== undefined ? 'nkeySeed' : options.nkeySeedFile !== undefined ? 'nkeySeedFile' : undefined;
  if (options.nkeySeed !== undefined && options.nkeySeedFile !== undefined) problem('nkeySeed', 'either nkeySeed or nkeySeedFile, not both', 'both');
  if (nkeyOption !== undefined && (options.user !== undefined || options.token !== undefined)) {
    problem(nkeyOption, 'one way to authenticate: an nkey, user/password or a token', 'an nkey and another credential');
  }
  if (options.nkeySeed !== undefined && (typeof options.nkeySeed !== 'string' || options.nkeySeed.trim() === ''))
    problem('nkeySeed', 'the seed text ("SU...")', 'an empty or non-string value');
  if (options.nkeySeedFile !== undefined && (typeof options.nkeySeedFile !== 'string' || options.nkeySeedFile === ''))
    problem('nkeySeedFile', 'a file path', options.nkeySeedFile);
  const prefix = options.inboxPrefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.split('.').every(isSafeToken))) {
    problem('inboxPrefix', 'literal NATS tokens such as "_INBOX_worker_<id>" (no wildcards, white space or empty tokens)', prefix);
  }

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
    inboxPrefix: prefix,
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return resolved;
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

/** TLS options for nats.js, plus the Node TLS hook nats.js passes through to `tls.connect`. */
export type ClientTlsOptions = NatsTlsOptions & { checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined };

/**
 * TLS material for nats.js: PEM text is passed as is, anything else is taken as a file path.
 *
 * nats.js (v3 as v2: @nats-io/nats-core lib/servers.js) sets no TLS server name when a URL holds an IP address, so
 * Node checks the certificate against "localhost". With `serverHosts`, a certificate valid for one of those IP addresses is accepted instead (the CA
 * chain is still verified); host names are checked as usual.
 */
export function natsTlsOptions(tls: TlsOptions, serverHosts: readonly string[] = []): ClientTlsOptions {
  const out: ClientTlsOptions = {};
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
  const ips = serverHosts.filter((host) => isIP(host) !== 0);
  if (ips.length > 0) {
    out.checkServerIdentity = (host, cert) => {
      if (host === 'localhost' && ips.some((ip) => checkServerIdentity(ip, cert) === undefined)) return undefined;
      return checkServerIdentity(host, cert);
    };
  }
  return out;
}

/** The host part of a server URL (`nats://h:1`, `h:1`, `[::1]:1`), without brackets; undefined if it cannot be read. */
export function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `nats://${url}`);
    return parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

// nats.js ignores URL credentials (v3 as v2: only `user`/`pass`/`token` options authenticate), so
// natsConnectionOptions moves them into the options.
export { splitUrlCredentials, type UrlCredentials } from '../base/redaction.js';

/**
 * The nats.js connection options for `servers`. Reconnect waits come from `reconnectDelayHandler`. Credentials
 * given inside server URLs are moved into the options (explicit options win), so nats.js never sees them in a URL.
 * `authenticator` signs with the node's nkey (the client reads the seed first: a file is read asynchronously).
 */
export function natsConnectionOptions(
  options: NatsClientOptions,
  resolved: ResolvedClientOptions,
  servers: readonly string[],
  reconnectDelayHandler: () => number,
  authenticator?: Authenticator,
): ConnectionOptions {
  const split = servers.map(splitUrlCredentials);
  const fromUrl = split.find((s) => s.user !== undefined || s.token !== undefined);
  const natsOptions: ConnectionOptions = {
    servers: split.map((s) => s.url),
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
  if (resolved.inboxPrefix !== undefined) natsOptions.inboxPrefix = resolved.inboxPrefix;
  if (options.name !== undefined) natsOptions.name = options.name;
  if (authenticator !== undefined) {
    // An nkey replaces every other credential, those in URLs included.
    natsOptions.authenticator = authenticator;
  } else {
    const explicitAuth = options.user !== undefined || options.token !== undefined;
    const user = explicitAuth ? options.user : fromUrl?.user;
    const password = explicitAuth ? options.password : fromUrl?.password;
    const token = explicitAuth ? options.token : fromUrl?.token;
    if (user !== undefined) natsOptions.user = user;
    if (password !== undefined) natsOptions.pass = password;
    if (token !== undefined) natsOptions.token = token;
  }
  if (options.tls !== undefined) {
    const hosts = split.map((s) => hostOf(s.url)).filter((h): h is string => h !== undefined);
    natsOptions.tls = natsTlsOptions(options.tls, hosts);
  }
  return natsOptions;
}
