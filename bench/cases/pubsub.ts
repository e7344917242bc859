/**
 * Publish-to-subscribe throughput in one process, heartbeats validated on both sides of the typed path, against raw
 * nats.js v3 and v2 (publisher and subscriber connections of their own). A chunk is one flow-controlled run of a
 * slice of the round's messages; the sides take turns chunk by chunk.
 */
import { channels } from '../../generated/channels.js';
import { closeAll, decodeV2, decodeV3, encodeV2, encodeV3, rawV2Connection, rawV3Connection, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { count, counter, flowRound, type FlowResult } from '../lib/flow.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { heartbeat } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';

const CHUNK = 256;
const PARAMS = { workerId: heartbeat().workerId };
const SUBJECT = channels.workerHeartbeat.subject(PARAMS);
const WINDOW = 8192;

/** What a raw subscriber connection of either nats.js version offers the benchmark. */
interface RawSubscriber<M> {
  subscribe(subject: string, options: { callback: (err: Error | null, msg: M) => void }): { unsubscribe(): void };
  flush(): Promise<void>;
}

/**
 * One raw chunk: subscribe for it only (outside the timed part), decode and count each message, run `flow`, and
 * unsubscribe again, so no other side's subscriber does this side's work.
 */
async function rawChunk<M>(sub: RawSubscriber<M>, decode: (msg: M) => void, flow: (c: ReturnType<typeof counter>) => Promise<FlowResult>): Promise<FlowResult> {
  const c = counter();
  const s = sub.subscribe(SUBJECT, {
    callback: (err, msg) => {
      if (err !== null) return;
      decode(msg);
      count(c);
    },
  });
  await sub.flush();
  try {
    return await flow(c);
  } finally {
    s.unsubscribe();
    await sub.flush();
  }
}

/** Messages per second received at the subscriber; nothing may be lost. */
export async function pubsubFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = perChunk(ctx.sizes.pubsub, ctx.sizes.chunks);
  const timeoutMs = ctx.quick ? 15_000 : 60_000;
  const channel = channels.workerHeartbeat;
  const subject = SUBJECT;
  const payload = heartbeat();
  const [pub2, sub2, pub3, sub3] = await Promise.all([rawV2Connection(ctx.url), rawV2Connection(ctx.url), rawV3Connection(ctx.url), rawV3Connection(ctx.url)]);
  const [client, subClient] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  try {
    // Each side subscribes for its own chunk only (outside the timed part): all use the channel's subject, and no
    // subscriber may do another side's work.
    const samples = await interleave(chunkedPlan(ctx.sizes), {
      raw3: () =>
        rawChunk(
          sub3,
          (msg) => decodeV3(msg),
          (c) =>
            flowRound(
              c,
              n,
              CHUNK,
              WINDOW,
              (size) => {
                for (let i = 0; i < size; i++) pub3.publish(subject, encodeV3(payload));
              },
              timeoutMs,
            ),
        ),
      typed: async (): Promise<FlowResult> => {
        const c = counter();
        const s = await channel.subscribe(subClient, PARAMS, () => {
          count(c);
        });
        try {
          return await flowRound(
            c,
            n,
            CHUNK,
            WINDOW,
            async (size) => {
              for (let i = 0; i < size; i++) await channel.publish(client, PARAMS, payload);
            },
            timeoutMs,
          );
        } finally {
          await s.unsubscribe();
          await subClient.flush();
        }
      },
      raw2: () =>
        rawChunk(
          sub2,
          (msg) => decodeV2(msg.data),
          (c) =>
            flowRound(
              c,
              n,
              CHUNK,
              WINDOW,
              (size) => {
                for (let i = 0; i < size; i++) pub2.publish(subject, encodeV2(payload));
              },
              timeoutMs,
            ),
        ),
    });
    const rate = (results: FlowResult[]): number[] => results.map((r) => r.rate);
    const result = compare(rate(samples.typed), rate(samples.raw3), rate(samples.raw2));
    ctx.log(
      `pub->sub: raw3 ${Math.round(result.raw ?? 0)} / raw2 ${Math.round(result.rawV2 ?? 0)} / typed ${Math.round(result.typed ?? 0)} msg/s (chunk medians)`,
    );
    const missing = [...samples.raw3, ...samples.raw2, ...samples.typed].reduce((sum, r) => sum + r.missing, 0);
    return [
      {
        metric: 'publish->subscribe throughput (validated both sides)',
        unit: 'msg/s',
        ...result,
        rounds: ctx.sizes.rounds,
        chunks: ctx.sizes.chunks,
        targets: [
          { kind: 'ratioAtLeast', value: 1.0, source: 'issue' },
          { kind: 'typedAbove', value: 10_000, source: 'floor' },
        ],
        note: `${n.toLocaleString('en-US')} messages per chunk, one process; ${missing === 0 ? 'nothing lost' : `${missing} message(s) MISSING`}`,
      },
    ];
  } finally {
    await closeAll([pub2, sub2, pub3, sub3], [client, subClient]);
  }
}
