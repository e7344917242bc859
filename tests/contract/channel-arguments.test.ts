/**
 * channel-arguments.ts: one reading of `(params?, value, options?)` for every channel method, with and without
 * parameters. Elsewhere: each method through every generated channel, tests/contract/define-channel.test.ts; the
 * argument types a caller may pass, tests/contract/parameter-types.test-d.ts.
 */
import { describe, expect, it } from 'vitest';
import { NO_PARAMS, channelArguments } from '../../src/contract/channel-arguments.js';

describe('channelArguments', () => {
  const handler = (): void => undefined;

  it('with parameters: parameters first, then the payload or handler, then the options', () => {
    const args = channelArguments<{ id: string }>(true);
    const params = { id: 'w1' };
    const options = { timeout: 5 };
    expect(args.params(params)).toBe(params);
    expect(args.value(params, 'payload')).toBe('payload');
    expect(args.value(params, handler)).toBe(handler);
    expect(args.options(handler, options)).toBe(options);
    expect(args.options(handler, undefined)).toBeUndefined();
  });

  it('with parameters, missing ones read as the empty set, so the template names what is missing', () => {
    expect(channelArguments(true).params(undefined)).toBe(NO_PARAMS);
  });

  it('without parameters: the payload or handler first, then the options; the parameters are always the empty set', () => {
    const args = channelArguments<Record<string, never>>(false);
    const options = { headers: {} };
    expect(args.params('payload')).toBe(NO_PARAMS);
    expect(args.value('payload', options)).toBe('payload');
    expect(args.options(options, undefined)).toBe(options);
  });

  it('hands out one frozen empty set and one reader per kind', () => {
    expect(Object.isFrozen(NO_PARAMS)).toBe(true);
    expect(channelArguments(true)).toBe(channelArguments(true));
    expect(channelArguments(false)).toBe(channelArguments(false));
  });
});
