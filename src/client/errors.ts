/**
 * Turns nats.js errors into the package's hierarchy, with messages that say what happened, where and what to do.
 * Messages are built from parts that hold no secret (server URLs without userinfo, our own words); only the text of
 * the original error, which comes from nats.js or Node, goes through the credential rules.
 */
import { inspect } from 'node:util';
import { errors } from '@nats-io/nats-core';
import {
  DistributedError,
  NatsConnectionError,
  NatsNoRespondersError,
  NatsNotConnectedError,
  NatsTimeoutError,
  SubjectError,
  describeForeign,
} from '../base/errors.js';
import { redactServerUrl, showsCredentials } from '../base/redaction.js';

/**
 * A short code for an error from nats.js (or Node), read from nats.js v3's typed errors: the key of the hint and
 * mapping tables below. Node system errors keep their own code (ENOTFOUND); undefined when nothing is known.
 */
export function natsCode(error: unknown): string | undefined {
  if (error instanceof errors.TimeoutError) return 'TIMEOUT';
  if (error instanceof errors.NoRespondersError) return 'NO_RESPONDERS';
  if (error instanceof errors.RequestError) {
    if (error.isNoResponders()) return 'NO_RESPONDERS';
    // A request cancelled because its connection went away (or closed) has no cause.
    return error.cause === undefined ? 'CANCELLED' : natsCode(error.cause);
  }
  if (error instanceof errors.ClosedConnectionError) return 'CONNECTION_CLOSED';
  if (error instanceof errors.DrainingConnectionError) return 'CONNECTION_DRAINING';
  if (error instanceof errors.InvalidSubjectError) return 'BAD_SUBJECT';
  if (error instanceof errors.InvalidArgumentError && error.message.includes('max_payload')) return 'MAX_PAYLOAD_EXCEEDED';
  if (error instanceof errors.AuthorizationError) return 'AUTHORIZATION_VIOLATION';
  if (error instanceof errors.UserAuthenticationExpiredError) return 'AUTHENTICATION_EXPIRED';
  if (error instanceof errors.PermissionViolationError) return 'PERMISSIONS_VIOLATION';
  if (error instanceof errors.ConnectionError) {
    const cause = systemCode(error.cause);
    if (cause === 'ECONNREFUSED' || error.message === 'connection refused') return 'CONNECTION_REFUSED';
    if (cause !== undefined) return cause;
    if (/tls|ssl|certificate/i.test(error.message)) return 'TLS';
    return undefined;
  }
  return systemCode(error);
}

/** The `code` a Node system error (ECONNREFUSED, ENOTFOUND, ...) carries. */
function systemCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The original error as a `cause`, unless anything in it (message, properties, nested causes) shows a credential. */
function safeCause(error: unknown): { cause?: unknown } {
  if (error === undefined) return {};
  return showsCredentials(inspect(error, { depth: 4 })) ? {} : { cause: error };
}

/** The servers, for a message: each without its userinfo. */
const named = (servers: readonly string[]): string => servers.map(redactServerUrl).join(', ');

const CONNECT_HINTS: Record<string, string> = {
  CONNECTION_REFUSED: 'nothing accepted the connection there: start nats-server there (or use embedded mode) or fix serverUrl/servers',
  ENOTFOUND: 'the host name does not resolve: check serverUrl/servers',
  EAI_AGAIN: 'the host name could not be resolved right now: check DNS and serverUrl/servers',
  AUTHORIZATION_VIOLATION: 'the server refused the credentials: check user/password, token or the nkey seed (a node whose key was removed is refused)',
  AUTHENTICATION_EXPIRED: 'the server says the credentials have expired: renew them',
  TIMEOUT: 'no answer in time: check the address, the firewall and that the server is up, or raise connectTimeout',
  TLS: 'the TLS handshake failed: check tls.ca/cert/key and whether the server requires TLS',
};

/** A failed first connection to `servers`, as {@link NatsConnectionError}. */
export function connectError(error: unknown, servers: readonly string[]): NatsConnectionError {
  const code = natsCode(error);
  const hint = (code === undefined ? undefined : CONNECT_HINTS[code]) ?? describeForeign(error);
  const detail = code !== undefined && CONNECT_HINTS[code] !== undefined ? ` (${code})` : '';
  return new NatsConnectionError(`Could not connect to NATS at ${named(servers)}${detail}: ${hint}.`, servers.map(redactServerUrl).join(','), safeCause(error));
}

/** The first connection did not complete within `timeoutMs`. */
export function connectTimeoutError(servers: readonly string[], timeoutMs: number): NatsConnectionError {
  return new NatsConnectionError(
    `Could not connect to NATS at ${named(servers)} within ${timeoutMs} ms: check the address, the firewall and that the server is up, or raise connectTimeout.`,
    servers.map(redactServerUrl).join(','),
  );
}

/** The payload is bigger than the server's max_payload. */
function maxPayloadError(subject: string): DistributedError {
  return new DistributedError(
    'NATS_MAX_PAYLOAD',
    `The message to "${subject}" is larger than the server's max_payload. Nothing was sent; send less, enable compression (compressThreshold), or raise max_payload on the server.`,
  );
}

/** Maps an error from nats.js `publish`/`flush` (or our own checks) for the operation on `subject`. */
export function operationError(error: unknown, operation: string, subject: string): DistributedError {
  if (error instanceof DistributedError) return error;
  switch (natsCode(error)) {
    case 'MAX_PAYLOAD_EXCEEDED':
      return maxPayloadError(subject);
    case 'BAD_SUBJECT':
      return new SubjectError(`Invalid subject "${subject}" for ${operation}. Use dot-separated tokens such as "worker.heartbeat".`, { subject });
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_DRAINING':
    case 'DISCONNECT':
    case 'CANCELLED':
      return new NatsNotConnectedError(
        `Could not ${operation} on "${subject}": the connection is closed or draining. Call connect() first, or stop using the client after disconnect().`,
      );
    default:
      return new DistributedError('NATS_ERROR', `Could not ${operation} on "${subject}": ${describeForeign(error)}`, safeCause(error));
  }
}

/** Maps a failed nats.js `request` on `subject`. */
export function requestError(error: unknown, subject: string, timeoutMs: number): DistributedError {
  switch (natsCode(error)) {
    case 'TIMEOUT':
      return new NatsTimeoutError(subject, timeoutMs);
    case 'NO_RESPONDERS':
      return new NatsNoRespondersError(subject);
    default:
      return operationError(error, 'send a request', subject);
  }
}

/**
 * An error the server reported on a live connection (a permissions violation, most often). The connection stays
 * up; the error names what was refused and what to change.
 */
export function asyncServerError(error: unknown, server: string | undefined): DistributedError {
  const where = server ?? 'unknown';
  if (error instanceof errors.PermissionViolationError) {
    const action = error.operation === 'publish' ? 'publish to' : 'subscribe to';
    return new DistributedError(
      'NATS_ASYNC_ERROR',
      `The NATS server at ${where} refused to let this client ${action} "${error.subject}" (PERMISSIONS_VIOLATION): grant that permission to this client's user on the server, or stop using the subject.`,
    );
  }
  const code = natsCode(error);
  return new DistributedError(
    'NATS_ASYNC_ERROR',
    `The NATS server at ${where} reported an error${code === undefined ? '' : ` (${code})`}: ${describeForeign(error)}.`,
    safeCause(error),
  );
}

/** The subject of a publish permission violation the server reported, or undefined for any other error. */
export function refusedPublishSubject(error: unknown): string | undefined {
  return error instanceof errors.PermissionViolationError && error.operation === 'publish' ? error.subject : undefined;
}
