/**
 * Publish throughput: a 300-byte WorkerHeartbeat through the generated, validating channel, against raw nats.js v3
 * (`JSON.stringify`) and v2 (JSONCodec). A chunk is a slice of the round's messages plus the flush that follows it
 * (the server has them all); the three sides take turns chunk by chunk.
 */
import { channels } from '../../generated/channels.js';
import { closeAll, encodeV2, encodeV3, rawV2Connection, rawV3Connection, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { heartbeat } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';
import { nowMs } from '../lib/stats.js';

/** Messages per second, publish loop plus the final flush. */
export async function publishFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = perChunk(ctx.sizes.publish, ctx.sizes.chunks);
  const channel = channels.workerHeartbeat;
  const payload = heartbeat();
  const params = { workerId: payload.workerId };
  const subject = channel.subject(params);
  const [v2, v3, client] = await Promise.all([rawV2Connection(ctx.url), rawV3Connection(ctx.url), typedClient(ctx.url)]);
  try {
    const samples = await interleave(chunkedPlan(ctx.sizes), {
      raw3: async () => {
        const started = nowMs();
        for (let i = 0; i < n; i++) v3.publish(subject, encodeV3(payload));
        await v3.flush();
        return n / ((nowMs() - started) / 1000);
      },
      typed: async () => {
        const started = nowMs();
        for (let i = 0; i < n; i++) await channel.publish(client, params, payload);
        await client.flush();
        return n / ((nowMs() - started) / 1000);
      },
      raw2: async () => {
        const started = nowMs();
        for (let i = 0; i < n; i++) v2.publish(subject, encodeV2(payload));
        await v2.flush();
        return n / ((nowMs() - started) / 1000);
      },
    });
    const result = compare(samples.typed, samples.raw3, samples.raw2);
    ctx.log(
      `publish: raw3 ${Math.round(result.raw ?? 0)} / raw2 ${Math.round(result.rawV2 ?? 0)} / typed ${Math.round(result.typed ?? 0)} msg/s (chunk medians)`,
    );
    return [
      {
        metric: 'publish throughput (300 B heartbeat)',
        unit: 'msg/s',
        ...result,
        rounds: ctx.sizes.rounds,
        chunks: ctx.sizes.chunks,
        targets: [{ kind: 'ratioAtLeast', value: 1.3, source: 'issue' }],
        note: `${n.toLocaleString('en-US')} messages per chunk; typed awaits every publish (validated, backpressure on); stretch goal 1.5x raw`,
      },
    ];
  } finally {
    await closeAll([v2, v3], [client]);
  }
}
