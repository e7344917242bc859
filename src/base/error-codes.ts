/**
 * Every code a `DistributedError` can carry, in one table: what the code means and what to do about it. The
 * `ErrorCode` union is derived from it, so a code that is not listed here does not compile, and each error's
 * `remedy` field defaults to its code's entry (an error may give a more precise one). Codes are stable: callers
 * branch on them, metrics label request outcomes with them, and replies carry them to other processes.
 */
export const ERROR_CODES = {
  // Arguments and configuration
  INVALID_ARGUMENT: { means: 'An option or argument passed in code is not valid.', remedy: 'Fix the call as the message says.' },
  CONFIG_VALIDATION: {
    means: 'A configuration file or options object is invalid.',
    remedy: 'Fix every listed problem at its file, line and column, then start again.',
  },
  CONFIG_SCHEMA_NOT_FOUND: {
    means: "A configuration's JSON Schema is missing from the package.",
    remedy: 'Reinstall the package, or keep schemas/ next to dist/.',
  },
  CONFIG_USERS_FILE: {
    means: 'The users file of the embedded server cannot be read or does not fit this node.',
    remedy: 'Fix or restore it with mlx-node credentials.',
  },
  // The connection
  NATS_CONNECTION: {
    means: 'The client could not connect, or lost the connection for good.',
    remedy: 'Check that nats-server runs at the URL, the network and the credentials.',
  },
  NATS_NOT_CONNECTED: {
    means: 'An operation needs a connection and there is none right now.',
    remedy: "Call connect() first, or retry after the 'reconnected' event.",
  },
  NATS_ALREADY_CONNECTED: { means: 'connect() was called on a client that is already connected.', remedy: 'Use the connected client, or disconnect() first.' },
  NATS_NKEY_SEED: {
    means: 'An nkey seed is missing, unreadable or of the wrong kind.',
    remedy: 'Point the option at the user seed mlx-node credentials wrote.',
  },
  NATS_ASYNC_ERROR: {
    means: 'The server reported an error about this client (e.g. a permissions violation).',
    remedy: "Read the server's reason in the message and fix the permission or the subject.",
  },
  NATS_ERROR: { means: 'nats.js failed in a way this package has no closer code for.', remedy: 'Read the cause; retry, or report it with the message.' },
  // Messages and requests
  SUBJECT: {
    means: 'A subject or subject parameter is malformed or would change the subject.',
    remedy: 'Use tokens without wildcards, dots, white space or control characters.',
  },
  VALIDATION: {
    means: 'A payload or subject parameter does not match the contract.',
    remedy: 'Fix the sender to match asyncapi.yaml; nothing invalid is sent or handled.',
  },
  DECODE: { means: 'Incoming bytes could not be decoded.', remedy: "Check the publisher's serializer (JSON, UTF-8)." },
  HANDLER_ERROR: { means: 'A subscription or reply handler threw or rejected.', remedy: 'Fix the handler; the subscription keeps running.' },
  NATS_TIMEOUT: { means: 'A request got no reply within its timeout.', remedy: 'Retry, raise the timeout, or route to another responder.' },
  NATS_NO_RESPONDERS: {
    means: 'A request went to a subject nobody listens on.',
    remedy: 'Start the responder, or check that both sides spell the subject the same.',
  },
  NATS_REMOTE_ERROR: { means: "The responder's handler failed; the reply carried its error.", remedy: "Read the responder's code and message in the error." },
  NATS_REQUEST_INBOX: { means: "A request's reply inbox could not be set up.", remedy: 'Check the inboxPrefix option and the permissions of its subjects.' },
  NATS_MAX_PAYLOAD: {
    means: "A message is larger than the server's max_payload.",
    remedy: 'Send less, enable compression (compressThreshold), or raise max_payload.',
  },
  NATS_BACKPRESSURE: {
    means: 'Outbound data exceeds the pending-bytes bound.',
    remedy: 'Retry after the connection drains, use the waiting publish(), or raise maxPendingBytes.',
  },
  NATS_SLOW_CONSUMER: {
    means: "A subscription's handlers cannot keep up; messages are dropped.",
    remedy: 'Make the handler faster, add queue-group members, or raise maxInFlight.',
  },
  // The server
  NATS_SERVER_NOT_FOUND: { means: 'The nats-server binary was not found.', remedy: 'Install nats-server, or point NATS_SERVER_BIN at it.' },
  NATS_SERVER_START: { means: 'nats-server did not start, or not in time.', remedy: 'Read the last log lines in the error.' },
  NATS_SERVER_NOT_STARTED: { means: 'The embedded server was used before it started.', remedy: 'Await start() first.' },
  NATS_PORT_IN_USE: {
    means: 'A port the embedded server should listen on is taken.',
    remedy: 'Stop the process that holds it, choose another port, or use port 0.',
  },
  NATS_SERVER_EXITED: { means: 'The embedded nats-server exited while in use.', remedy: 'disconnect() and connect() again, and read the last log lines.' },
  NATS_SERVER_RELOAD: {
    means: 'The embedded server could not reload its configuration.',
    remedy: 'Read the reason; the server keeps its previous configuration.',
  },
  NATS_SERVER_VERSION: {
    means: 'The server is too old for a feature asked for.',
    remedy: 'Upgrade nats-server to the version named, or do without the feature.',
  },
  // Listening sockets of a node
  HTTP_LISTEN: { means: "The controller's HTTP API could not listen.", remedy: 'Free the port or choose another (controller.port, controller.bind_address).' },
  DASHBOARD_LISTEN: { means: 'The dashboard could not listen.', remedy: 'Free the port or choose another (controller.dashboard_port).' },
  METRICS_LISTEN: { means: 'The metrics endpoint could not listen.', remedy: 'Free the port or choose another.' },
  WORKER_LISTEN: { means: "A worker's own endpoint could not listen.", remedy: 'Free the port or choose another (worker.port, worker.bind_address).' },
  // Inference across the cluster
  NO_WORKER_AVAILABLE: { means: 'No worker can take the request now.', remedy: 'Start a worker, retry later, or ask for a model a worker serves.' },
  INFERENCE_REJECTED: { means: 'A worker refused the request.', remedy: 'Route it to another worker, or retry later.' },
  INFERENCE_FAILED: { means: 'Sending an inference request failed in an unexpected way.', remedy: 'Read the cause; retry.' },
  WORKER_LOST: {
    means: 'The worker serving a stream was lost and the request could not move.',
    remedy: 'Retry the request; the tokens so far are in error.tokens.',
  },
  STREAM_GAP: { means: 'Tokens of a stream never arrived.', remedy: 'Retry the request.' },
  UPSTREAM_UNREACHABLE: { means: 'An upstream engine could not be reached.', remedy: 'Check worker.engine.url and that the upstream server runs.' },
  UPSTREAM_TIMEOUT: { means: 'An upstream engine did not answer in time.', remedy: 'Check its load, or raise worker.engine.timeout_ms.' },
  UPSTREAM_ERROR: {
    means: 'An upstream engine (an OpenAI-compatible server) failed or answered with an error.',
    remedy: "Check the upstream's URL, key and health (worker.engine).",
  },
} as const satisfies Record<string, { means: string; remedy: string }>;

/** A code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether `code` is one of {@link ERROR_CODES} (e.g. a code read from another process's reply). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
