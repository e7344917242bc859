/**
 * One error hierarchy for the whole package. Every class carries a stable `code` (one of the closed set in
 * error-codes.ts) so callers can branch on it without `instanceof` across package copies, a `remedy` that says what
 * to do, and a message that says what happened, where, and what to do next.
 * Credentials never enter a message: URLs pass through {@link redactUrl} first, and the words of errors that are not
 * ours through {@link describeForeign}.
 */
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { redactText, redactUrl } from './redaction.js';

/** Options of a {@link DistributedError}: the cause, and a remedy more precise than its code's. */
export interface DistributedErrorOptions {
  cause?: unknown;
  remedy?: string;
}

/** Base class of every error this package throws or emits. */
export class DistributedError extends Error {
  /** Stable, machine-readable code, e.g. `NATS_TIMEOUT`: one of `ERROR_CODES`. */
  readonly code: ErrorCode;
  /** What to do about it (the code's remedy unless the error gives a more precise one). */
  readonly remedy: string;

  constructor(code: ErrorCode, message: string, options?: DistributedErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.remedy = options?.remedy ?? ERROR_CODES[code].remedy;
  }
}

/** The client could not connect (or lost the connection for good) to the server at `url`. */
export class NatsConnectionError extends DistributedError {
  /** Server URL with any credentials removed. */
  readonly url: string;
  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super('NATS_CONNECTION', message, options);
    this.url = redactUrl(url);
  }
}

/** An operation needs a connection but the client is not connected (never connected, draining or closed). */
export class NatsNotConnectedError extends DistributedError {
  constructor(message: string) {
    super('NATS_NOT_CONNECTED', message);
  }
}

/** A request got no reply within its timeout. */
export class NatsTimeoutError extends DistributedError {
  readonly subject: string;
  readonly timeoutMs: number;
  constructor(subject: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      'NATS_TIMEOUT',
      `Request on "${subject}" got no reply within ${timeoutMs} ms. The responder may be overloaded or gone: retry, raise the timeout, or route to another worker.`,
      options,
    );
    this.subject = subject;
    this.timeoutMs = timeoutMs;
  }
}

/** A request was sent to a subject nobody listens on. */
export class NatsNoRespondersError extends DistributedError {
  readonly subject: string;
  constructor(subject: string, options?: { cause?: unknown }) {
    super(
      'NATS_NO_RESPONDERS',
      `No responders on "${subject}": no subscriber is listening. Check that the worker is running and registered, and that the subject is spelt the same on both sides.`,
      options,
    );
    this.subject = subject;
  }
}

/** The responder's handler failed; the reply carried its error instead of a result. */
export class NatsRemoteError extends DistributedError {
  readonly subject: string;
  /** The code the remote side reported, e.g. `HANDLER_ERROR` or `VALIDATION`. */
  readonly remoteCode: string;
  constructor(subject: string, remoteCode: string, remoteMessage: string) {
    super('NATS_REMOTE_ERROR', `The responder on "${subject}" failed (${remoteCode}): ${remoteMessage}`);
    this.subject = subject;
    this.remoteCode = remoteCode;
  }
}

/** Outbound data exceeds the configured pending-bytes bound (the non-waiting publish, or a publish while disconnected). */
export class NatsBackpressureError extends DistributedError {
  readonly subject: string;
  readonly pendingBytes: number;
  readonly limitBytes: number;
  constructor(subject: string, pendingBytes: number, limitBytes: number, reason: string) {
    super(
      'NATS_BACKPRESSURE',
      `Publish to "${subject}" refused: ${pendingBytes} bytes already wait to be sent (limit ${limitBytes}) ${reason}. Nothing was sent; retry after the connection drains, use the waiting publish(), or raise maxPendingBytes.`,
    );
    this.subject = subject;
    this.pendingBytes = pendingBytes;
    this.limitBytes = limitBytes;
  }
}

/** The nats-server binary could not be found. */
export class NatsServerNotFoundError extends DistributedError {
  readonly searched: readonly string[];
  constructor(searched: readonly string[]) {
    super(
      'NATS_SERVER_NOT_FOUND',
      `nats-server was not found (looked in: ${searched.join(', ')}). Install it ` +
        `(Debian/Ubuntu as root: apt-get install -y nats-server; macOS: brew install nats-server), ` +
        `or point NATS_SERVER_BIN at the binary.`,
    );
    this.searched = searched;
  }
}

/** nats-server did not start: it exited, or did not become ready in time. Carries its last log lines. */
export class NatsServerStartError extends DistributedError {
  readonly logs: readonly string[];
  readonly exitCode: number | null;
  constructor(message: string, logs: readonly string[], exitCode: number | null = null, code: 'NATS_SERVER_START' | 'NATS_PORT_IN_USE' = 'NATS_SERVER_START') {
    const tail = logs.length > 0 ? `\nLast nats-server log lines:\n  ${logs.slice(-10).join('\n  ')}` : '';
    super(code, `${message}${tail}`);
    this.logs = logs;
    this.exitCode = exitCode;
  }
}

/** The embedded nats-server exited while the client used it (a crash or an outside kill). Carries its last log lines. */
export class NatsServerExitError extends DistributedError {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly logs: readonly string[];
  constructor(exitCode: number | null, signal: string | null, logs: readonly string[]) {
    const how = signal === null ? `with code ${String(exitCode)}` : `by signal ${signal}`;
    const tail = logs.length > 0 ? `\nLast nats-server log lines:\n  ${logs.slice(-10).join('\n  ')}` : '';
    super(
      'NATS_SERVER_EXITED',
      `The embedded nats-server exited unexpectedly ${how}. The client keeps trying to reconnect but nothing restarts the server: call disconnect() and connect() again, and check the log lines below.${tail}`,
    );
    this.exitCode = exitCode;
    this.signal = signal;
    this.logs = logs;
  }
}

/** The port the embedded server should listen on is taken by another process. */
export class NatsPortInUseError extends NatsServerStartError {
  readonly port: number;
  /** The option that set the port (e.g. `httpPort`), when known. */
  readonly option: string | undefined;
  constructor(port: number, logs: readonly string[], exitCode: number | null = null, option?: string) {
    const choose = option === undefined ? 'choose another port' : `set \`${option}\` to another port`;
    super(
      `Port ${port} is already in use${option === undefined ? '' : ` (option \`${option}\`)`}, so nats-server cannot listen on it. ` +
        `Stop the process that holds it (lsof -i :${port}), ${choose}, or use port 0 for a free one.`,
      logs,
      exitCode,
      'NATS_PORT_IN_USE',
    );
    this.port = port;
    this.option = option;
  }
}

/** One problem found by schema validation. */
export interface ValidationIssue {
  /** Path inside the payload, e.g. `metrics.cpuUsagePercent` ("" for the root). */
  path: string;
  message: string;
}

/** A payload does not match its schema. Outbound: nothing was sent. Inbound: the handler was not called. */
export class ValidationError extends DistributedError {
  readonly subject: string | undefined;
  readonly direction: 'outbound' | 'inbound';
  readonly issues: readonly ValidationIssue[];
  /** `part`: what failed, the payload (default) or the parameters parsed from the subject. */
  constructor(
    direction: 'outbound' | 'inbound',
    subject: string | undefined,
    issues: readonly ValidationIssue[],
    schemaName?: string,
    part: 'payload' | 'subject parameters' = 'payload',
    /** Said after the issues, e.g. which contract versions the sender and this reader have. */
    note?: string,
  ) {
    const where = subject === undefined ? '' : ` on "${subject}"`;
    const what = schemaName === undefined ? part : `${schemaName} ${part}`;
    const list = issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; ');
    const next =
      direction === 'outbound'
        ? 'Nothing was sent; fix the payload to match the contract (asyncapi.yaml).'
        : 'The message was dropped before the handler; fix the publisher to match the contract (asyncapi.yaml).';
    super('VALIDATION', `Invalid ${direction} ${what}${where}: ${list}${note === undefined ? '' : ` (${note})`}. ${next}`);
    this.subject = subject;
    this.direction = direction;
    this.issues = issues;
  }
}

/** Incoming bytes could not be decoded (not JSON, not UTF-8, empty...). The handler was not called. */
export class MessageDecodeError extends DistributedError {
  readonly subject: string;
  readonly size: number;
  constructor(subject: string, size: number, reason: string, options?: { cause?: unknown }) {
    super(
      'DECODE',
      `Could not decode a ${size}-byte message on "${subject}": ${reason}. The message was dropped before the handler; check the publisher's serializer.`,
      options,
    );
    this.subject = subject;
    this.size = size;
  }
}

/** A subscription or reply handler threw or rejected. The subscription keeps running. */
export class HandlerError extends DistributedError {
  readonly subject: string;
  constructor(subject: string, cause: unknown) {
    super('HANDLER_ERROR', `The handler for "${subject}" failed: ${describeForeign(cause)}. The subscription keeps running.`, { cause });
    this.subject = subject;
  }
}

/**
 * A subscription's handlers cannot keep up: `maxInFlight` handlers are still running, so further messages are dropped
 * (counted in `Subscription.dropped`) until they catch up. Emitted once per episode of dropping, not per message.
 */
export class NatsSlowConsumerError extends DistributedError {
  /** The concrete subject of the first dropped message. */
  readonly subject: string;
  /** The subscription's subject (may hold wildcards). */
  readonly subscription: string;
  readonly maxInFlight: number;
  constructor(subject: string, subscription: string, maxInFlight: number) {
    super(
      'NATS_SLOW_CONSUMER',
      `The subscription "${subscription}" is a slow consumer: ${maxInFlight} handlers are still running, so messages on "${subject}" are dropped (counted in subscription.dropped) until they finish. Make the handler faster, add queue-group members, or raise maxInFlight.`,
    );
    this.subject = subject;
    this.subscription = subscription;
    this.maxInFlight = maxInFlight;
  }
}

/** A subject (or a subject parameter value) is malformed or would change the subject's meaning. Nothing was sent. */
export class SubjectError extends DistributedError {
  readonly subject: string | undefined;
  readonly parameter: string | undefined;
  constructor(message: string, details: { subject?: string; parameter?: string } = {}) {
    super('SUBJECT', message);
    this.subject = details.subject;
    this.parameter = details.parameter;
  }
}

/** One problem in a configuration file. */
export interface ConfigProblem {
  /** File the problem is in, or `<inline>` for parsed text/objects. */
  file: string;
  /** YAML path, e.g. `cluster.nats.embedded.port` ("" for the root). */
  path: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  /** What the schema or rule expected. */
  expected: string;
  /** What was found (secret values are shown as `[REDACTED]`). */
  found: string;
}

/** A configuration file is invalid. Lists every problem at once. */
export class ConfigValidationError extends DistributedError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => {
      const at = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
      const path = p.path === '' ? '' : ` ${p.path}:`;
      return `  ${at}:${path} expected ${p.expected}, found ${p.found}`;
    });
    // Problems in options passed from code are named after the options (`<inline>`, `<EmbeddedServerOptions>`).
    const fromCode = problems.every((p) => p.file.startsWith('<'));
    const next = fromCode ? 'Fix the options passed in code and try again.' : 'Fix the file and start again.';
    super('CONFIG_VALIDATION', `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n${next}`);
    this.problems = problems;
  }
}

// Part of the package API; defined with the rest of the redaction rules.
export { redactUrl };

/** A short, safe description of any thrown value. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    // JSON.stringify returns undefined for undefined, functions and symbols, whatever its type says.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * {@link describe} for a message: our errors as written (they are built without secrets), anything else (nats.js,
 * Node, a handler) with credential fields and URL userinfo hidden, since its words are not ours.
 */
export function describeForeign(value: unknown): string {
  return value instanceof DistributedError ? value.message : redactText(describe(value));
}
