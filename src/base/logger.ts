/**
 * Structured logging through pino. JSON by default, readable text on request, one child logger per component,
 * and redaction of anything that looks like a credential wherever it is nested.
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { REDACTED, SECRET_KEYS } from './redaction.js';

/** A pino logger: what every class here takes as `logger` and what {@link createLogger} returns. */
export type Logger = PinoLogger;

/** Log levels accepted by {@link createLogger} (pino's, with `silent` to turn logging off). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level; default `info`. */
  level?: LogLevel;
  /** `json` (default): one JSON object per line. `text`: human-readable lines. */
  format?: 'json' | 'text';
  /** Where lines go; default stdout. A file path, or any writable stream. */
  destination?: string | DestinationStream;
  /** Logger name, shown in every line. */
  name?: string;
}

// Secret keys are never written, at any depth we expect them.
const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** Creates the root logger. Components take `logger.child({ component: '...' })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? 'info',
    name: options.name,
    redact: { paths: redactPaths, censor: REDACTED },
  };
  const destination = typeof options.destination === 'string' ? pino.destination({ dest: options.destination, sync: false, mkdir: true }) : options.destination;
  if (options.format === 'text') {
    return pino(base, pretty({ sync: true, colorize: false, destination: destination ?? 1 }));
  }
  return destination === undefined ? pino(base) : pino(base, destination);
}

/** A logger that drops everything, the default for library classes constructed without one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
