/** Publish-to-subscribe throughput in one process, heartbeats validated on both sides of the typed path. */
import { JSONCodec } from 'nats';
import { channels } from '../../generated/channels.js';
import { closeAll, rawConnection, typedClient } from '../lib/connections.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { count, counter, flowRound, type FlowResult } from '../lib/flow.js';
import { heartbeat } from '../lib/payloads.js';
import { alternate, median } from '../lib/stats.js';

const CHUNK = 256;
const WINDOW = 8192;

/** Messages per second received at the subscriber; nothing may be lost. */
export async function pubsubFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.pubsub;
  const timeoutMs = ctx.quick ? 15_000 : 60_000;
  const channel = channels.workerHeartbeat;
  const subject = channel.subject();
  const payload = heartbeat();
  const jc = JSONCodec();
  const [pub, sub] = await Promise.all([rawConnection(ctx.url), rawConnection(ctx.url)]);
  const [client, subClient] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  try {
    // Each side subscribes for its own rounds only: both use the channel's subject, and neither subscriber may
    // do the other's work.
    const raw = async (): Promise<FlowResult> => {
      const c = counter();
      const s = sub.subscribe(subject, {
        callback: (err, msg) => {
          if (err !== null) return;
          jc.decode(msg.data);
          count(c);
        },
      });
      await sub.flush();
      try {
        return await flowRound(c, n, CHUNK, WINDOW, (size) => {
          for (let i = 0; i < size; i++) pub.publish(subject, jc.encode(payload));
        }, timeoutMs);
      } finally {
        s.unsubscribe();
        await sub.flush();
      }
    };
    const typed = async (): Promise<FlowResult> => {
      const c = counter();
      const s = await channel.subscribe(subClient, () => {
        count(c);
      });
      try {
        return await flowRound(c, n, CHUNK, WINDOW, async (size) => {
          for (let i = 0; i < size; i++) await channel.publish(client, payload);
        }, timeoutMs);
      } finally {
        await s.unsubscribe();
        await subClient.flush();
      }
    };
    const result = await alternate(ctx.sizes.rounds, raw, typed);
    ctx.log(`pub->sub: raw ${result.raw.map((r) => Math.round(r.rate)).join(', ')} / typed ${result.typed.map((r) => Math.round(r.rate)).join(', ')} msg/s`);
    const missing = [...result.raw, ...result.typed].reduce((sum, r) => sum + r.missing, 0);
    return [
      {
        metric: 'publish->subscribe throughput (validated both sides)',
        unit: 'msg/s',
        raw: median(result.raw.map((r) => r.rate)),
        typed: median(result.typed.map((r) => r.rate)),
        rounds: ctx.sizes.rounds,
        targets: [
          { kind: 'ratioAtLeast', value: 0.9, source: 'issue' },
          { kind: 'typedAbove', value: 10_000, source: 'floor' },
        ],
        note: `${n.toLocaleString('en-US')} messages per round, one process; ${missing === 0 ? 'nothing lost' : `${missing} message(s) MISSING`}`,
      },
    ];
  } finally {
    await closeAll([pub, sub], [client, subClient]);
  }
}
