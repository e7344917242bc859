/**
 * Optional payload compression. A compressed message carries the header `Content-Encoding: gzip`, so a plain NATS
 * client still sees a well-formed, self-describing message; receivers of this package decompress transparently.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Match, type Msg, type MsgHdrs } from '@nats-io/nats-core';
import { headerNeedle, mayCarryHeader } from './messages.js';
import { MessageDecodeError } from '../base/errors.js';

/** Header that marks a compressed payload (HTTP's name, so tools recognise it). */
export const ENCODING_HEADER = 'Content-Encoding';

/** The one encoding this package writes and reads. */
export const GZIP = 'gzip';

/** Inflated payloads larger than this are refused, so a small hostile message cannot exhaust memory. */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Compresses a payload with gzip (default level: large prompts shrink several-fold at modest CPU cost). */
export function compressPayload(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}

/** True when the headers mark the payload as gzip-compressed (header name matched case-insensitively). */
export function isCompressed(headers: MsgHdrs | undefined): boolean {
  return headers?.get(ENCODING_HEADER, Match.IgnoreCase).toLowerCase() === GZIP;
}

const ENCODING_NEEDLE = headerNeedle(ENCODING_HEADER);

/** {@link isCompressed} of a received message, without decoding its headers when the marker is certainly absent. */
export function isCompressedMessage(msg: Msg): boolean {
  return mayCarryHeader(msg, ENCODING_NEEDLE) && isCompressed(msg.headers);
}

/** Inflates a payload marked as gzip. Throws {@link MessageDecodeError} (naming `subject`) when it is not valid gzip or too large. */
export function decompressPayload(bytes: Uint8Array, subject: string, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const reason =
      error instanceof RangeError
        ? `it is marked "${ENCODING_HEADER}: ${GZIP}" and inflates beyond ${maxBytes} bytes`
        : `it is marked "${ENCODING_HEADER}: ${GZIP}" but is not valid gzip data`;
    throw new MessageDecodeError(subject, bytes.byteLength, reason, { cause: error });
  }
}
