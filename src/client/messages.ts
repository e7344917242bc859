/**
 * Message-level helpers of NatsClient: headers, handler contexts, the headers of error replies in the NATS services
 * convention (Outbound sends them), and the Subscription handle.
 */
import { Match, headers as natsHeaders, type Msg, type MsgHdrs, type Subscription as NatsSubscription } from '@nats-io/nats-core';
import { MessageDecodeError, NatsRemoteError, ValidationError, describe } from '../base/errors.js';
import type { EndpointCounters } from './endpoint-stats.js';
import { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER, serviceErrorCode } from './error-codes.js';
import { GENERIC_LABEL, type ChannelCounts } from './metrics-sink.js';
import { encodeOnce, headerBlock } from './nats-internals.js';
import type { MessageContext, Subscription } from './types.js';

export { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER } from './error-codes.js';

const SERVICE_ERROR_NEEDLE = headerNeedle(SERVICE_ERROR_HEADER);
const MAX_HEADER_VALUE = 2000;

/** nats.js headers from a plain record. */
export function toNatsHeaders(record: Readonly<Record<string, string>>): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(record)) h.set(key, headerValue(value));
  return h;
}

/**
 * Headers of frozen records (the ones generated channels send with every message, such as the contract version),
 * built and encoded once. A frozen record cannot change, so neither can its headers; publishing them must never
 * modify them (compression copies first).
 */
const frozenHeaders = new WeakMap<object, MsgHdrs>();

/** Like {@link toNatsHeaders}, but a frozen record's headers are built and encoded only once. */
export function sharedNatsHeaders(record: Readonly<Record<string, string>>): MsgHdrs {
  if (!Object.isFrozen(record)) return toNatsHeaders(record);
  let h = frozenHeaders.get(record);
  if (h === undefined) {
    h = encodeOnce(toNatsHeaders(record));
    frozenHeaders.set(record, h);
  }
  return h;
}

/** A header value on one line and of bounded length (header values cannot hold CR/LF). */
export function headerValue(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  return line.length > MAX_HEADER_VALUE ? `${line.slice(0, MAX_HEADER_VALUE - 3)}...` : line;
}

/**
 * The handler's view of a message. `subject` and `reply` are own properties; `headers` is a getter that turns the
 * message's headers into a map the first time it is read, so a handler that never looks at them costs no header
 * decoding. (Spreading a context copies own properties only: read `headers` explicitly.)
 */
class ReceivedContext implements MessageContext {
  readonly subject: string;
  reply?: string;
  private decoded: ReadonlyMap<string, readonly string[]> | undefined | null = null;

  constructor(private readonly msg: Msg) {
    this.subject = msg.subject;
    const reply = msg.reply;
    if (reply !== undefined && reply !== '') this.reply = reply;
  }

  /** Read from the message when asked (nats.js makes a view of the payload for it). */
  get size(): number {
    return this.msg.data.byteLength;
  }

  get headers(): ReadonlyMap<string, readonly string[]> | undefined {
    if (this.decoded === null) {
      const h = this.msg.headers;
      this.decoded = h === undefined ? undefined : new Map(h);
    }
    return this.decoded;
  }
}

/** The context a handler receives for `msg`. */
export function messageContext(msg: Msg): MessageContext {
  return new ReceivedContext(msg);
}

/** The lower-case ASCII bytes of a header name, to look for with {@link mayCarryHeader}. */
export function headerNeedle(name: string): Uint8Array {
  return Buffer.from(name.toLowerCase(), 'latin1');
}

/**
 * False only when `msg` certainly has no header named `needle` (from {@link headerNeedle}; matched
 * case-insensitively in the raw header block, which is never decoded for this); true when it may, and then
 * `msg.headers` decides.
 */
export function mayCarryHeader(msg: Msg, needle: Uint8Array): boolean {
  const block = headerBlock(msg);
  if (block === undefined) return false;
  if (block === null) return true;
  const last = block.length - needle.length;
  outer: for (let start = 0; start <= last; start += 1) {
    for (let i = 0; i < needle.length; i += 1) {
      const byte = block[start + i] as number;
      // ASCII letters compare in lower case; header names are ASCII tokens.
      if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== needle[i]) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * The headers of an error reply in the NATS services convention (Outbound.respondError sends them with an empty
 * payload): the message in `Nats-Service-Error`, its number in `Nats-Service-Error-Code` ({@link serviceErrorCode}),
 * and the package's own `code` in {@link ERROR_CODE_HEADER}.
 */
export function errorReplyHeaders(code: string, message: string): MsgHdrs {
  const h = natsHeaders();
  h.set(SERVICE_ERROR_HEADER, headerValue(message));
  h.set(SERVICE_ERROR_CODE_HEADER, String(serviceErrorCode(code)));
  h.set(ERROR_CODE_HEADER, headerValue(code));
  return h;
}

/**
 * The remote error carried by a reply, or undefined for a normal reply. Its `remoteCode` is the package's own code;
 * from a responder that sends only the services convention's number (another language's service), that number.
 */
export function remoteErrorOf(msg: Msg, subject: string): NatsRemoteError | undefined {
  if (!mayCarryHeader(msg, SERVICE_ERROR_NEEDLE)) return undefined;
  const h = msg.headers;
  if (!h?.has(SERVICE_ERROR_HEADER, Match.IgnoreCase)) return undefined;
  const code = h.get(ERROR_CODE_HEADER, Match.IgnoreCase) || h.get(SERVICE_ERROR_CODE_HEADER, Match.IgnoreCase);
  return new NatsRemoteError(subject, code === '' ? 'UNKNOWN' : code, h.get(SERVICE_ERROR_HEADER, Match.IgnoreCase));
}

/** Any decode failure as an error that names the subject: our own errors pass through, others become MessageDecodeError. */
export function inboundError(error: unknown, subject: string, size: number): MessageDecodeError | ValidationError {
  if (error instanceof MessageDecodeError || error instanceof ValidationError) return error;
  return new MessageDecodeError(subject, size, `the serializer failed: ${describe(error)}`, { cause: error });
}

/** The Subscription handle returned by `subscribe()` and `reply()`. */
export class ManagedSubscription implements Subscription {
  received = 0;
  rejected = 0;
  dropped = 0;
  /** Handlers of this subscription still running (async ones). */
  inFlight = 0;
  /** True from the first drop until the handlers catch up: one slow-consumer report per episode. */
  dropping = false;
  /** The metrics record of `label`, when the client reports metrics. */
  counts: ChannelCounts | undefined;
  /** What a reply subscription that is a service endpoint counts for the service; undefined otherwise. */
  endpoint: EndpointCounters | undefined;
  private natsSub: NatsSubscription | undefined;
  private closed = false;

  constructor(
    readonly subject: string,
    private readonly onClose: (sub: ManagedSubscription) => void,
    /** Past this many running handlers, messages are dropped. */
    readonly maxInFlight = Infinity,
    /** Metrics label. */
    readonly label = GENERIC_LABEL,
  ) {}

  /** Binds the nats.js subscription (created after this handle, because its callback refers to the handle). */
  attach(natsSub: NatsSubscription): void {
    this.natsSub = natsSub;
  }

  /** The underlying nats.js subscription, for draining. */
  get inner(): NatsSubscription | undefined {
    return this.natsSub;
  }

  unsubscribe(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        this.natsSub?.unsubscribe();
      } catch {
        // Already closed with its connection: nothing left to stop.
      }
      this.onClose(this);
    }
    return Promise.resolve();
  }

  isClosed(): boolean {
    return this.closed || this.natsSub?.isClosed() === true;
  }
}
