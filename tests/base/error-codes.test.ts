/**
 * The error codes are a closed set from one table: every error the package exports carries a listed code and a
 * remedy, every listed code is raised somewhere in src/, and an error may give a more precise remedy than its code's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as face from '../../src/index.js';
import { DistributedError, ERROR_CODES, isErrorCode } from '../../src/index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('ERROR_CODES', () => {
  it('every listed code says what it means and what to do', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(entry.means.length, code).toBeGreaterThan(10);
      expect(entry.remedy.length, code).toBeGreaterThan(10);
    }
  });

  it('every listed code is raised somewhere in src/ (no code is kept that nothing uses)', () => {
    const text = sources('src')
      .filter((path) => !path.endsWith('error-codes.ts'))
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('every error class of the package face carries a listed code and its remedy', () => {
    const samples: Record<string, DistributedError> = {
      NatsConnectionError: new face.NatsConnectionError('refused', 'nats://h:4222'),
      NatsNotConnectedError: new face.NatsNotConnectedError('down'),
      NatsTimeoutError: new face.NatsTimeoutError('s', 10),
      NatsNoRespondersError: new face.NatsNoRespondersError('s'),
      NatsRemoteError: new face.NatsRemoteError('s', 'HANDLER_ERROR', 'boom'),
      NatsBackpressureError: new face.NatsBackpressureError('s', 2, 1, 'now'),
      NatsServerNotFoundError: new face.NatsServerNotFoundError(['/usr/bin']),
      NatsServerStartError: new face.NatsServerStartError('no', []),
      NatsServerExitError: new face.NatsServerExitError(1, null, []),
      NatsPortInUseError: new face.NatsPortInUseError(4222, []),
      NatsServerVersionError: new face.NatsServerVersionError('too old', 'message-tracing', '2.9.10'),
      NatsSlowConsumerError: new face.NatsSlowConsumerError('s', 's', 1),
      ValidationError: new face.ValidationError('inbound', 's', []),
      MessageDecodeError: new face.MessageDecodeError('s', 1, 'not JSON'),
      HandlerError: new face.HandlerError('s', new Error('boom')),
      SubjectError: new face.SubjectError('bad'),
      ConfigValidationError: new face.ConfigValidationError([]),
      InferenceRejectedError: new face.InferenceRejectedError('w', 'r', 'at_capacity'),
      NoWorkerAvailableError: new face.NoWorkerAvailableError('none_online', 'none'),
      StreamGapError: new face.StreamGapError('r', [1], 'gap'),
      WorkerLostError: new face.WorkerLostError('r', 'w', [], 'gone'),
    };
    const classes = Object.entries(face)
      .filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof DistributedError)
      .map(([name]) => name)
      .sort();
    // A new error class on the face must be added here, so it is checked too.
    expect(classes).toEqual(Object.keys(samples).sort());
    for (const [name, error] of Object.entries(samples)) {
      expect(error.constructor.name).toBe(name);
      expect(isErrorCode(error.code), `${name}: ${error.code}`).toBe(true);
      expect(error.remedy, name).toBe(ERROR_CODES[error.code].remedy);
    }
  });

  it('an error takes its code’s remedy unless it gives its own', () => {
    expect(new DistributedError('NATS_TIMEOUT', 'slow').remedy).toBe(ERROR_CODES.NATS_TIMEOUT.remedy);
    expect(new DistributedError('NATS_TIMEOUT', 'slow', { remedy: 'Wait.' }).remedy).toBe('Wait.');
    const cause = new Error('inner');
    expect(new DistributedError('NATS_ERROR', 'outer', { cause }).cause).toBe(cause);
    expect(isErrorCode('HANDLER')).toBe(false);
    expect(isErrorCode('HANDLER_ERROR')).toBe(true);
  });
});
