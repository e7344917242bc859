/**
 * The headers of an error reply and the numbers of the NATS services convention, apart from messages.ts so that the
 * package face can export them without reaching a nats.js type.
 */

/** NATS services convention: the error description of a failed request. */
export const SERVICE_ERROR_HEADER = 'Nats-Service-Error';
/** NATS services convention: the error code of a failed request, a number (services clients read any other text as 400). */
export const SERVICE_ERROR_CODE_HEADER = 'Nats-Service-Error-Code';
/** The package's own code of a failed request (`VALIDATION`, `HANDLER_ERROR`, ...): `NatsRemoteError.remoteCode`. */
export const ERROR_CODE_HEADER = 'Mlx-Error-Code';

/**
 * The number `Nats-Service-Error-Code` carries for each of the package's codes, after HTTP's status classes as the
 * services convention does: 400 the request could not be read (not JSON, not the contract's shape, a subject it
 * contradicts), 503 the responder is busy (retry later), 500 its handler failed (any other code).
 */
export const SERVICE_ERROR_CODES: Readonly<Record<string, number>> = Object.freeze({
  DECODE: 400,
  VALIDATION: 400,
  SUBJECT: 400,
  INVALID_ARGUMENT: 400,
  NATS_SLOW_CONSUMER: 503,
});

/** The number of the services convention for the package's error code `code` (500 when not in {@link SERVICE_ERROR_CODES}). */
export function serviceErrorCode(code: string): number {
  return SERVICE_ERROR_CODES[code] ?? 500;
}
