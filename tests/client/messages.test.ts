/**
 * messages.ts: handler contexts, header values, remote errors, decode errors, and the Subscription handle.
 * Elsewhere: headers of frozen records and headers read without decoding them, tests/client/nats-internals.test.ts;
 * error replies on the wire, tests/client/outbound.test.ts; the services convention's numbers,
 * tests/base/error-codes.test.ts.
 */
import { headers as natsHeaders, type Msg } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { MessageDecodeError, ValidationError } from '../../src/base/errors.js';
import { ManagedSubscription, headerValue, inboundError, messageContext, remoteErrorOf, toNatsHeaders } from '../../src/client/messages.js';

describe('message helpers', () => {
  const fakeMsg = (init: Partial<Msg>): Msg => ({ subject: 's.x', reply: '', data: new Uint8Array(0), headers: undefined, ...init }) as Msg;

  it('builds contexts with subject, reply and headers only when present', () => {
    const bare = messageContext(fakeMsg({}));
    expect(bare.subject).toBe('s.x');
    expect(bare.reply).toBeUndefined();
    expect(bare.headers).toBeUndefined();
    const h = toNatsHeaders({ a: 'b' });
    const ctx = messageContext(fakeMsg({ reply: '_INBOX.1', headers: h }));
    expect(ctx.reply).toBe('_INBOX.1');
    expect(ctx.headers?.get('a')).toEqual(['b']);
  });

  it('keeps header values on one bounded line', () => {
    expect(headerValue('a\r\nb')).toBe('a b');
    expect(headerValue('x'.repeat(5000)).length).toBe(2000);
  });

  it('reads remote errors, defaulting the code', () => {
    const h = natsHeaders();
    h.set('Nats-Service-Error', 'boom');
    expect(remoteErrorOf(fakeMsg({ headers: h }), 'q')?.remoteCode).toBe('UNKNOWN');
    expect(remoteErrorOf(fakeMsg({}), 'q')).toBeUndefined();
  });

  it('passes decode errors through and wraps anything else', () => {
    const own = new ValidationError('inbound', 's', []);
    expect(inboundError(own, 's', 1)).toBe(own);
    const wrapped = inboundError(new TypeError('odd'), 's.y', 3);
    expect(wrapped).toBeInstanceOf(MessageDecodeError);
    expect(wrapped.message).toContain('s.y');
  });

  it('ManagedSubscription unsubscribes once and survives a closed inner subscription', async () => {
    const closed: unknown[] = [];
    const sub = new ManagedSubscription('a.b', (s) => closed.push(s));
    expect(sub.isClosed()).toBe(false);
    await sub.unsubscribe();
    await sub.unsubscribe();
    expect(closed).toHaveLength(1);
    expect(sub.isClosed()).toBe(true);
    const broken = new ManagedSubscription('a.c', () => undefined);
    broken.attach({
      unsubscribe: () => {
        throw new Error('closed');
      },
      isClosed: () => true,
    } as never);
    expect(broken.isClosed()).toBe(true);
    await expect(broken.unsubscribe()).resolves.toBeUndefined();
  });
});
