/**
 * errors.ts: nats.js's errors turned into the package's typed ones, connection failures explained without
 * credentials. Elsewhere: the error classes and their codes, tests/base/error-codes.test.ts; the errors a caller meets
 * on a real server, tests/client/client.test.ts and client-faults.test.ts; secrets in messages,
 * tests/client/security-secrets.test.ts.
 */
import { errors as natsErrors } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { NatsConnectionError, NatsNoRespondersError, NatsNotConnectedError, NatsTimeoutError, SubjectError } from '../../src/base/errors.js';
import { connectError, connectTimeoutError, natsCode, operationError, requestError } from '../../src/client/errors.js';

describe('client errors', () => {
  it('reads codes only from objects that have a string code', () => {
    expect(natsCode({ code: 'X' })).toBe('X');
    expect(natsCode({ code: 1 })).toBeUndefined();
    expect(natsCode('x')).toBeUndefined();
    expect(natsCode(null)).toBeUndefined();
  });

  it('explains connection failures without credentials, and keeps a safe cause', () => {
    const refused = connectError(Object.assign(new Error('CONNECTION_REFUSED'), { code: 'CONNECTION_REFUSED' }), ['nats://u:pw@127.0.0.1:1']);
    expect(refused).toBeInstanceOf(NatsConnectionError);
    expect(refused.message).toContain('nats://[REDACTED]@127.0.0.1:1');
    expect(refused.message).toContain('CONNECTION_REFUSED');
    expect(refused.url).toBe('nats://[REDACTED]@127.0.0.1:1');
    expect(refused.cause).toBeInstanceOf(Error);
    // A URL without a scheme, or with an @ left unencoded in its password, loses all of its userinfo too.
    expect(connectError(new Error('x'), ['u:p@ss@h:1', 'nats://h:2']).message).toContain('at [REDACTED]@h:1, nats://h:2:');

    // The original error's words are not ours: credential fields and URL userinfo in them are hidden, and such an
    // error is not kept as the cause. Other words stay as written.
    const leaky = connectError(new Error('bad thing with password: pw inside, from nats://a:b@h'), ['nats://h:1']);
    expect(leaky.message).toContain('bad thing with password: [REDACTED] inside, from nats://[REDACTED]@h');
    expect(leaky.cause).toBeUndefined();
    expect(connectError(new Error('plain nats-server words'), ['nats://h:1']).message).toContain('plain nats-server words');
    expect(connectError(new Error('x'), ['nats://h:1']).cause).toBeInstanceOf(Error);

    expect(connectError(undefined, ['nats://h:1']).cause).toBeUndefined();
    expect(connectTimeoutError(['nats://u:pw@h:1'], 50).message).toMatch(/nats:\/\/\[REDACTED\]@h:1 within 50 ms.*connectTimeout/);
  });

  it('maps request and publish failures to typed errors', () => {
    // The errors nats.js v3 throws, as it builds them.
    expect(requestError(new natsErrors.TimeoutError(), 'a.b', 100)).toBeInstanceOf(NatsTimeoutError);
    expect(requestError(new natsErrors.NoRespondersError('a.b'), 'a.b', 100)).toBeInstanceOf(NatsNoRespondersError);
    const wrapped = new natsErrors.RequestError('no responders', { cause: new natsErrors.NoRespondersError('a.b') });
    expect(requestError(wrapped, 'a.b', 100)).toBeInstanceOf(NatsNoRespondersError);
    expect(requestError(new natsErrors.RequestError('cancelled'), 'a.b', 100)).toBeInstanceOf(NatsNotConnectedError);
    expect(requestError(new natsErrors.ClosedConnectionError(), 'a.b', 100)).toBeInstanceOf(NatsNotConnectedError);
    expect(operationError(new natsErrors.DrainingConnectionError(), 'publish', 'a.b')).toBeInstanceOf(NatsNotConnectedError);
    const tooBig = natsErrors.InvalidArgumentError.format('payload', 'max_payload size exceeded');
    expect(operationError(tooBig, 'publish', 'a.b').code).toBe('NATS_MAX_PAYLOAD');
    expect(operationError(new natsErrors.InvalidSubjectError(''), 'publish', '')).toBeInstanceOf(SubjectError);
    const other = operationError(new Error('weird {"auth_token":"sec"}'), 'publish', 'a.b');
    expect(other.code).toBe('NATS_ERROR');
    expect(other.message).toBe('Could not publish on "a.b": weird {"auth_token":"[REDACTED]"}');
    const own = new SubjectError('x');
    expect(operationError(own, 'publish', 'a')).toBe(own);
  });
});
