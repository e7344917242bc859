/**
 * Tracing on and off: what trace context costs the typed path. One server, one pair of typed clients; the sides
 * differ only in what OpenTelemetry state the process has while they run, set up before each of their chunks:
 *
 * - NONE: no OpenTelemetry registered (the default; the same code path as `@opentelemetry/api` not installed: its
 *   global slot is empty, and nothing is loaded);
 * - NONE2: the same again, the noise reference measured in the same run;
 * - API: the API with a context manager and the W3C propagator registered, but no tracer provider (an application
 *   that loads OpenTelemetry and traces nothing);
 * - OFF: an SDK whose sampler drops every span (AlwaysOffSampler): spans are made but not recorded, and the
 *   unsampled context is still written into every message's headers, as W3C asks;
 * - ON: an SDK recording every span into a processor that drops it (the cost of recording, without an exporter's).
 *
 * The worker publishes the contract's heartbeat (its channel set to `spans` for the group: the cluster sends
 * heartbeats untraced) and acks `workerInference` requests from the controller. Sides take turns chunk by chunk
 * (bench/lib/interleave.ts). The table puts NONE in the raw v3 column and the other side in the typed one, so
 * typed/raw v3 reads SIDE/NONE. Targets: NONE2/NONE is the noise; API no worse than NONE by more than max(10%,
 * |NONE2/NONE - 1|); OFF and ON are reported.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, NoopSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { channels } from '../../generated/channels.js';
import type { NatsClient } from '../../src/client/client.js';
import { channelTracing, setChannelTracing } from '../../src/observability/index.js';
import { closeAll, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure, Target } from '../lib/figures.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { concurrent, sequence, type Latency } from '../lib/latency.js';
import { WORKER_ID, ack, heartbeat, inferenceRequest } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';

const TIMEOUT_MS = 5000;
const NOISE_FLOOR = 0.1;

/** The OpenTelemetry state of one side. */
type State = 'none' | 'api' | 'off' | 'on';
const SIDES = { none: 'none', none2: 'none', api: 'api', off: 'off', on: 'on' } as const satisfies Record<string, State>;
type Side = keyof typeof SIDES;

/** Unregisters everything, then registers what `state` needs. */
function enter(state: State): void {
  trace.disable();
  context.disable();
  propagation.disable();
  if (state === 'none') return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (state === 'api') return;
  const sampler: Sampler = state === 'off' ? new AlwaysOffSampler() : new AlwaysOnSampler();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler, spanProcessors: [new NoopSpanProcessor()] }));
}

function noiseTarget(noise: number | null, higherIsBetter: boolean): Target {
  const width = Math.max(NOISE_FLOOR, noise === null ? 0 : Math.abs(noise - 1));
  return higherIsBetter ? { kind: 'ratioAtLeast', value: 1 - width, source: 'noise' } : { kind: 'ratioAtMost', value: 1 + width, source: 'noise' };
}

const LABEL: Record<Side, string> = {
  none: 'no SDK',
  none2: 'no SDK (again)',
  api: 'API, no tracer provider',
  off: 'SDK, sampler drops all',
  on: 'SDK, every span recorded',
};

/** The tracing group: publish throughput and request/reply, each OpenTelemetry state against none. */
export async function tracingFigures(ctx: BenchContext): Promise<Figure[]> {
  const heartbeatMode = channelTracing(channels.workerHeartbeat.id);
  setChannelTracing(channels.workerHeartbeat.id, 'spans');
  let controller: NatsClient | undefined;
  let worker: NatsClient | undefined;
  try {
    controller = await typedClient(ctx.url, { name: 'bench-tracing-controller' });
    worker = await typedClient(ctx.url, { name: 'bench-tracing-worker' });
    const errors: string[] = [];
    for (const client of [controller, worker]) client.on('error', (error) => errors.push(error.message));
    const plan = chunkedPlan(ctx.sizes);
    const sides = Object.keys(SIDES) as Side[];
    /** Each side's chunk runs in its own OpenTelemetry state. */
    const inState = <T>(run: () => Promise<T>): Record<Side, () => Promise<T>> =>
      Object.fromEntries(
        sides.map((side) => [
          side,
          () => {
            enter(SIDES[side]);
            return run();
          },
        ]),
      ) as Record<Side, () => Promise<T>>;

    const hb = channels.workerHeartbeat;
    const beat = heartbeat();
    const hbParams = { workerId: beat.workerId };
    const n = perChunk(ctx.sizes.publish, ctx.sizes.chunks);
    const publisher = worker;
    const published = await interleave(
      plan,
      inState(async () => {
        const started = performance.now();
        for (let i = 0; i < n; i++) await hb.publish(publisher, hbParams, beat);
        await publisher.flush();
        return n / ((performance.now() - started) / 1000);
      }),
    );

    const inference = channels.workerInference;
    const params = { workerId: WORKER_ID };
    const payload = inferenceRequest(400);
    await inference.reply(worker, params, (request) => ack(request));
    const requester = controller;
    const once = async (): Promise<void> => {
      await inference.request(requester, params, payload, { timeout: TIMEOUT_MS });
    };
    const block = perChunk(ctx.sizes.requestsInSequence, ctx.sizes.chunks);
    const latency = await interleave(
      plan,
      inState(() => sequence(block, once)),
    );
    const inFlight = ctx.sizes.requestsInFlight;
    const slice = perChunk(ctx.sizes.requestTotal, ctx.sizes.chunks);
    const throughput = await interleave(
      plan,
      inState(() => concurrent(slice, inFlight, once)),
    );
    enter('none');
    if (errors.length > 0) throw new Error(`${errors.length} client error(s) while measuring, first: ${errors[0] ?? ''}`);

    const chunked = { rounds: ctx.sizes.rounds, chunks: ctx.sizes.chunks };
    const figures: Figure[] = [];
    const ratio = (value: number | null): string => (value === null ? '-' : `${value.toFixed(2)}x`);
    const add = (metric: string, unit: string, higherIsBetter: boolean, samples: Record<Side, number[]>, note: string): void => {
      const noise = compare(samples.none2, samples.none);
      ctx.log(
        `tracing ${metric}: ${sides
          .filter((side) => side !== 'none')
          .map((side) => `${side.toUpperCase()}/NONE ${ratio(compare(samples[side], samples.none).ratio)}`)
          .join(', ')}`,
      );
      for (const side of sides) {
        if (side === 'none') continue;
        const targets = side === 'api' ? [noiseTarget(noise.ratio, higherIsBetter)] : [];
        figures.push({
          metric: `tracing ${LABEL[side]} / no SDK: ${metric}`,
          unit,
          ...compare(samples[side], samples.none),
          ...chunked,
          targets,
          note: `${note}; raw v3 column: no SDK, typed: ${LABEL[side]}${side === 'none2' ? ' (the noise)' : ''}`,
        });
      }
    };
    const pick = (key: keyof Latency): Record<Side, number[]> =>
      Object.fromEntries(sides.map((side) => [side, latency[side].map((l) => l[key])])) as Record<Side, number[]>;
    add('publish throughput (heartbeat)', 'msg/s', true, published, `${n.toLocaleString('en-US')} typed heartbeats per chunk, then a flush`);
    add('request/reply latency p50', 'us', false, pick('p50'), `blocks of ${block.toLocaleString('en-US')} typed requests, one at a time`);
    add('request/reply latency p99', 'us', false, pick('p99'), `p99 of each block of ${block.toLocaleString('en-US')}`);
    add(`request throughput, ${inFlight} in flight`, 'req/s', true, throughput, `${slice.toLocaleString('en-US')} typed requests per chunk`);
    return figures;
  } finally {
    enter('none');
    setChannelTracing(channels.workerHeartbeat.id, heartbeatMode);
    await closeAll([], [controller, worker]);
  }
}
