/**
 * Type tests for the generated contract (vitest typecheck): no generated type, channel payload or reply is or contains
 * `any` (checked over every export and every channel, whatever the contract declares), a wrong payload does not
 * compile, parameters are required, and the types the cluster layer is built on (InferenceAck as the reply of
 * `worker.{workerId}.inference`, StreamingResponse narrowing on `type`) stay what it expects.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type * as configModule from '../../generated/config.js';
import type * as schemaModule from '../../generated/schemas.js';
import type { ChannelTransport } from '../../src/contract/define-channel.js';
import {
  channels,
  type ClusterAnnouncement,
  type ClusterConfig,
  type ClusterConfigInput,
  type HardwareProfile,
  type InferenceAck,
  type InferenceRequest,
  type ModelTier,
  type StreamingResponse,
  type WorkerHeartbeat,
  type WorkerRegistration,
} from '../../generated/index.js';

declare const client: ChannelTransport;
declare const request: InferenceRequest;
declare const heartbeat: WorkerHeartbeat;
const workerId = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';

/** True when T is `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;
/** True when T is `any` or contains it anywhere in its properties, elements or union members. */
type HasAny<T, Depth extends unknown[] = []> = Depth['length'] extends 8
  ? false
  : IsAny<T> extends true
    ? true
    : T extends readonly (infer E)[]
      ? HasAny<E, [...Depth, 0]>
      : T extends object
        ? true extends { [K in keyof T]-?: HasAny<T[K], [...Depth, 0]> }[keyof T]
          ? true
          : false
        : false;

type Exports = typeof schemaModule & typeof configModule;
/** Whether the type inferred from some exported `*Schema` is or contains `any` (`false` only when none does). */
type AnyExportedSchemaHasAny = {
  [K in keyof Exports]: K extends `${string}Schema` ? (Exports[K] extends z.ZodType ? HasAny<z.infer<Exports[K]>> : never) : never;
}[keyof Exports];
type Channels = typeof channels;
/** Whether the payload or the reply of some generated channel is or contains `any`. */
type AnyChannelHasAny = {
  [K in keyof Channels]:
    | (Channels[K]['schema'] extends z.ZodType<infer T> ? HasAny<T> : true)
    | (Channels[K] extends { readonly replySchema: z.ZodType<infer R> } ? HasAny<R> : false);
}[keyof Channels];

describe('generated payload types', () => {
  it('contain no any, in any exported schema or any channel payload or reply', () => {
    expectTypeOf<AnyExportedSchemaHasAny>().toEqualTypeOf<false>();
    expectTypeOf<AnyChannelHasAny>().toEqualTypeOf<false>();
  });

  it('contain no any in the named types', () => {
    expectTypeOf<HasAny<WorkerRegistration>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<WorkerHeartbeat>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<InferenceRequest>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<InferenceAck>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<StreamingResponse>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<ClusterAnnouncement>>().toEqualTypeOf<false>();
    expectTypeOf<HasAny<ClusterConfig>>().toEqualTypeOf<false>();
    expectTypeOf<WorkerRegistration>().not.toBeAny();
    expectTypeOf<StreamingResponse>().not.toBeAny();
  });

  it('use the shared schemas by name', () => {
    expectTypeOf<WorkerRegistration['hardware']>().toEqualTypeOf<HardwareProfile>();
    expectTypeOf<WorkerRegistration['capabilities']['supportedModelTiers']>().toEqualTypeOf<ModelTier[]>();
    expectTypeOf<ModelTier>().toEqualTypeOf<'tiny' | 'small' | 'medium' | 'large' | 'xlarge'>();
  });

  it('narrow StreamingResponse on type', () => {
    const describeEvent = (event: StreamingResponse): string => {
      switch (event.type) {
        case 'token':
          expectTypeOf(event.token).toEqualTypeOf<string>();
          expectTypeOf(event.index).toEqualTypeOf<number>();
          return event.token;
        case 'done':
          expectTypeOf(event.totalTokens).toEqualTypeOf<number>();
          expectTypeOf(event).not.toHaveProperty('token');
          return 'done';
        case 'error':
          return event.error;
      }
    };
    expectTypeOf(describeEvent).returns.toEqualTypeOf<string>();
  });

  it('keep optional inputs apart from parsed config with defaults applied', () => {
    expectTypeOf<ClusterConfig['cluster']['nats']['reconnect']>().toEqualTypeOf<boolean>();
    expectTypeOf<ClusterConfigInput['cluster']['nats']['reconnect']>().toEqualTypeOf<boolean | undefined>();
  });
});

describe('generated channels', () => {
  it('accept only the channel payload', () => {
    void channels.workerHeartbeat.publish(client, { workerId }, heartbeat);
    // @ts-expect-error an InferenceRequest is not a heartbeat
    void channels.workerHeartbeat.publish(client, { workerId }, request);
    // @ts-expect-error a heartbeat with a field missing
    void channels.workerHeartbeat.publish(client, { workerId }, { workerId, status: 'online', timestamp: 1 });
    // @ts-expect-error status must be one of the enum values
    void channels.workerHeartbeat.publish(client, { workerId }, { ...heartbeat, status: 'sleeping' });
  });

  it('require parameters where the address has them, and only there', () => {
    expectTypeOf(channels.workerInference.subject({ workerId })).toEqualTypeOf<string>();
    // @ts-expect-error the workerId parameter is required
    channels.workerInference.subject();
    // @ts-expect-error the workerId parameter is required
    channels.workerInference.subject({});
    // @ts-expect-error parameters come before the payload
    void channels.workerInference.publish(client, request);
    void channels.workerInference.publish(client, { workerId }, request);
    expectTypeOf(channels.clusterAnnounce.subject()).toEqualTypeOf<string>();
    // A message that speaks for a worker names it in the subject.
    expectTypeOf(channels.workerHeartbeat.subject({ workerId })).toEqualTypeOf<string>();
    // @ts-expect-error the sender's workerId is required
    channels.workerHeartbeat.subject();
    // @ts-expect-error the sender comes before the payload
    void channels.workerRegister.publish(client, heartbeat);
    expectTypeOf(channels.response.parse('response.w.x')).toEqualTypeOf<{ readonly workerId: string; readonly requestId: string } | undefined>();
  });

  // src/cluster/streaming.ts is built on these: the reply of an inference request is an InferenceAck.
  it('type request and reply with the declared acknowledgement, only where a reply is declared', () => {
    expectTypeOf(channels.workerInference.request(client, { workerId }, request)).toEqualTypeOf<Promise<InferenceAck>>();
    void channels.workerInference.reply(client, { workerId: '*' }, (payload, context) => {
      expectTypeOf(payload).toEqualTypeOf<InferenceRequest>();
      expectTypeOf(context.params.workerId).toEqualTypeOf<string>();
      return { requestId: payload.requestId, workerId: context.params.workerId, status: 'accepted' as const, queuePosition: 0 };
    });
    // The heartbeat channel declares no reply, so it has no request/reply.
    expectTypeOf(channels.workerHeartbeat).not.toHaveProperty('request');
    expectTypeOf(channels.workerHeartbeat).not.toHaveProperty('reply');
  });

  it('hand typed payloads and parameters to subscribers', () => {
    void channels.response.subscribe(client, { workerId: '*', requestId: '*' }, (event, context) => {
      expectTypeOf(event).toEqualTypeOf<StreamingResponse>();
      expectTypeOf(context.params).toEqualTypeOf<{ readonly workerId: string; readonly requestId: string }>();
    });
    void channels.workerRegister.subscribe(client, { workerId: '*' }, (registration) => {
      expectTypeOf(registration).toEqualTypeOf<WorkerRegistration>();
    });
  });
});
