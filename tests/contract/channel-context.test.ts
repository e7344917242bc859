/**
 * channel-context.ts: the handler's context for concrete and wildcard subscriptions, and the sender's contract
 * version read from the headers only when asked. Elsewhere: parameters in the contexts of a channel's handlers,
 * tests/contract/channel-fast-path.test.ts; wildcard subscriptions on a real server,
 * tests/contract/subject-parameters.test.ts; the version header on the wire, tests/contract/contract-version.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileSubjectTemplate } from '../../src/base/subjects.js';
import type { MessageContext } from '../../src/client/index.js';
import { channelContexts, isPattern } from '../../src/contract/channel-context.js';
import type { ParameterSchemas } from '../../src/contract/define-channel.js';

const template = compileSubjectTemplate<string>('worker.{workerId}.inference');

/** A client context whose headers count how often they are read. */
function clientContext(subject: string, headers?: Record<string, string>): MessageContext & { reads: number } {
  const context = {
    subject,
    reply: '_INBOX.1',
    size: 3,
    reads: 0,
    get headers(): ReadonlyMap<string, readonly string[]> | undefined {
      context.reads += 1;
      return headers === undefined ? undefined : new Map(Object.entries(headers).map(([k, v]) => [k, [v]]));
    },
  };
  return context;
}

describe('isPattern', () => {
  it("is true when a parameter is '*'", () => {
    expect(isPattern(template, { workerId: '*' })).toBe(true);
    expect(isPattern(template, { workerId: 'w1' })).toBe(false);
    expect(isPattern(compileSubjectTemplate('cluster.announce'), {})).toBe(false);
  });
});

describe('channelContexts', () => {
  it('a concrete subscription fixes its parameters once, frozen, and copies subject, reply and size', () => {
    const make = channelContexts<ParameterSchemas>(template, { workerId: 'w1' });
    const first = make(clientContext('worker.w1.inference'));
    const second = make(clientContext('worker.w1.inference'));
    expect(first.params).toEqual({ workerId: 'w1' });
    expect(first.params).toBe(second.params);
    expect(Object.isFrozen(first.params)).toBe(true);
    expect([first.subject, first.reply, first.size]).toEqual(['worker.w1.inference', '_INBOX.1', 3]);
  });

  it('a wildcard subscription parses each message subject', () => {
    const make = channelContexts<ParameterSchemas>(template, { workerId: '*' });
    expect(make(clientContext('worker.a.inference')).params).toEqual({ workerId: 'a' });
    expect(make(clientContext('worker.b.inference')).params).toEqual({ workerId: 'b' });
  });

  it('reads the headers, and the contract version from them (any case), only when asked', () => {
    const make = channelContexts<ParameterSchemas>(template, { workerId: 'w1' });
    const base = clientContext('worker.w1.inference', { 'contract-version': '1.2.0' });
    const context = make(base);
    expect(base.reads).toBe(0);
    expect(context.contractVersion).toBe('1.2.0');
    expect(make(clientContext('worker.w1.inference', { 'Contract-Version': '2.0.0' })).contractVersion).toBe('2.0.0');
    expect(make(clientContext('worker.w1.inference')).contractVersion).toBeUndefined();
    expect(context.headers?.get('contract-version')).toEqual(['1.2.0']);
  });
});
