/**
 * Type tests (vitest typecheck) for channel parameters: a parameter has its schema's type, so an enum parameter is a
 * union of literals. A wrong value does not compile for publish, request, subject, subscribe or reply; `'*'` is accepted
 * where it means "every value" (subscribe, reply) and only there; a handler's `ctx.params` and `parse()` carry the
 * union. The channel is declared exactly as codegen emits one (`z.enum([...]) satisfies z.ZodType<string>`).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineChannel, type ChannelTransport, type ParameterPatterns, type ParameterValues } from '../../src/contract/index.js';

const ClusterEventsKindParameterSchema = z.enum(['scale', 'drain']) satisfies z.ZodType<string>;
const ClusterEventsNodeParameterSchema = z.guid() satisfies z.ZodType<string>;
const EventSchema = z.strictObject({ at: z.number().int().gt(0) });
const AckSchema = z.strictObject({ ok: z.boolean() });

const events = defineChannel({
  id: 'cluster-events',
  address: 'cluster.events.{kind}',
  parameters: { kind: ClusterEventsKindParameterSchema },
  message: { name: 'ClusterEvent', schema: EventSchema },
});
const commands = defineChannel({
  id: 'node-commands',
  address: 'node.{node}.{kind}',
  parameters: { node: ClusterEventsNodeParameterSchema, kind: ClusterEventsKindParameterSchema },
  message: { name: 'ClusterEvent', schema: EventSchema },
  reply: { name: 'Ack', schema: AckSchema },
});

declare const client: ChannelTransport;
const event = { at: 1 };
const node = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
type Kind = 'scale' | 'drain';

describe('enum parameters', () => {
  it('are the union of their literals in ParameterValues, plus "*" in ParameterPatterns', () => {
    expectTypeOf<ParameterValues<{ kind: typeof ClusterEventsKindParameterSchema }>>().toEqualTypeOf<{ readonly kind: Kind }>();
    expectTypeOf<ParameterPatterns<{ kind: typeof ClusterEventsKindParameterSchema }>>().toEqualTypeOf<{ readonly kind: Kind | '*' }>();
    expectTypeOf<ParameterValues<{ node: typeof ClusterEventsNodeParameterSchema }>>().toEqualTypeOf<{ readonly node: string }>();
  });

  it('reject a value outside the enum when publishing or building a subject', () => {
    void events.publish(client, { kind: 'scale' }, event);
    // @ts-expect-error 'bogus' is not a kind
    void events.publish(client, { kind: 'bogus' }, event);
    // @ts-expect-error '*' is a subscription pattern, not a subject to publish to
    void events.publish(client, { kind: '*' }, event);
    expectTypeOf(events.subject({ kind: 'drain' })).toEqualTypeOf<string>();
    // @ts-expect-error 'bogus' is not a kind
    events.subject({ kind: 'bogus' });
  });

  it('reject a value outside the enum when subscribing, and accept "*"', () => {
    void events.subscribe(client, { kind: 'drain' }, () => undefined);
    void events.subscribe(client, { kind: '*' }, () => undefined);
    // @ts-expect-error 'bogus' is not a kind
    void events.subscribe(client, { kind: 'bogus' }, () => undefined);
  });

  it('reject a value outside the enum when requesting or replying', () => {
    void commands.request(client, { node, kind: 'scale' }, event);
    // @ts-expect-error 'bogus' is not a kind
    void commands.request(client, { node, kind: 'bogus' }, event);
    void commands.reply(client, { node: '*', kind: '*' }, () => ({ ok: true }));
    // @ts-expect-error 'bogus' is not a kind
    void commands.reply(client, { node: '*', kind: 'bogus' }, () => ({ ok: true }));
  });

  it('give handlers and parse() the union, not string', () => {
    void events.subscribe(client, { kind: '*' }, (payload, ctx) => {
      expectTypeOf(ctx.params.kind).toEqualTypeOf<Kind>();
      expectTypeOf(payload).toEqualTypeOf<{ at: number }>();
    });
    void commands.reply(client, { node: '*', kind: 'scale' }, (_payload, ctx) => {
      expectTypeOf(ctx.params).toEqualTypeOf<{ readonly node: string; readonly kind: Kind }>();
      return { ok: ctx.params.kind === 'scale' };
    });
    expectTypeOf(events.parse('cluster.events.scale')).toEqualTypeOf<{ readonly kind: Kind } | undefined>();
  });
});
