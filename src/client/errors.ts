/**
 * Turns nats.js errors into the package's hierarchy, with messages that say what happened, where and what to do,
 * and with every credential scrubbed out.
 */
import { inspect } from 'node:util';
import {
  DistributedError,
  NatsConnectionError,
  NatsNoRespondersError,
  NatsNotConnectedError,
  NatsTimeoutError,
  SubjectError,
  describe,
  redactUrl,
} from '../base/errors.js';
import { revealsSecret, scrubSecrets } from '../base/redaction.js';

// The client takes it from here, with the other error helpers.
export { scrubSecrets };

/** The `code` of a nats.js (or Node system) error, if it has one. */
export function natsCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The original error as a `cause`, unless anything in it (message, properties, nested causes) reveals a secret. */
function safeCause(error: unknown, secrets: readonly string[]): { cause?: unknown } {
  if (error === undefined) return {};
  const text = inspect(error, { depth: 4 });
  return revealsSecret(text, secrets) ? {} : { cause: error };
}

const CONNECT_HINTS: Record<string, string> = {
  CONNECTION_REFUSED: 'nothing accepted the connection there: start nats-server there (or use embedded mode) or fix serverUrl/servers',
  ENOTFOUND: 'the host name does not resolve: check serverUrl/servers',
  EAI_AGAIN: 'the host name could not be resolved right now: check DNS and serverUrl/servers',
  AUTHORIZATION_VIOLATION: 'the server refused the credentials: check user/password or token',
  BAD_AUTHENTICATION: 'the server refused the credentials: check user/password or token',
  AUTHENTICATION_TIMEOUT: 'authentication did not complete in time: check the credentials and the server load',
  TIMEOUT: 'no answer in time: check the address, the firewall and that the server is up, or raise connectTimeout',
  CONNECTION_TIMEOUT: 'no answer in time: check the address, the firewall and that the server is up, or raise connectTimeout',
  TLS: 'the TLS handshake failed: check tls.ca/cert/key and whether the server requires TLS',
};

/** A failed first connection to `servers`, as {@link NatsConnectionError}. */
export function connectError(error: unknown, servers: readonly string[], secrets: readonly string[]): NatsConnectionError {
  const where = servers.map(redactUrl).join(', ');
  const code = natsCode(error);
  const hint = (code === undefined ? undefined : CONNECT_HINTS[code]) ?? scrubSecrets(describe(error), secrets);
  const detail = code !== undefined && CONNECT_HINTS[code] !== undefined ? ` (${code})` : '';
  return new NatsConnectionError(
    scrubSecrets(`Could not connect to NATS at ${where}${detail}: ${hint}.`, secrets),
    servers.join(','),
    safeCause(error, secrets),
  );
}

/** The first connection did not complete within `timeoutMs`. */
export function connectTimeoutError(servers: readonly string[], timeoutMs: number): NatsConnectionError {
  return new NatsConnectionError(
    `Could not connect to NATS at ${servers.map(redactUrl).join(', ')} within ${timeoutMs} ms: check the address, the firewall and that the server is up, or raise connectTimeout.`,
    servers.join(','),
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
export function operationError(error: unknown, operation: string, subject: string, secrets: readonly string[]): DistributedError {
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
      return new DistributedError('NATS_ERROR', scrubSecrets(`Could not ${operation} on "${subject}": ${describe(error)}`, secrets), safeCause(error, secrets));
  }
}

/** Maps a failed nats.js `request` on `subject`. */
export function requestError(error: unknown, subject: string, timeoutMs: number, secrets: readonly string[]): DistributedError {
  switch (natsCode(error)) {
    case 'TIMEOUT':
      return new NatsTimeoutError(subject, timeoutMs);
    case '503':
      return new NatsNoRespondersError(subject);
    default:
      return operationError(error, 'send a request', subject, secrets);
  }
}
