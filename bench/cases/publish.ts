/** Publish throughput: a 300-byte WorkerHeartbeat, raw JSONCodec publish against the generated, validating channel. */
import { JSONCodec } from 'nats';
import { channels } from '../../generated/channels.js';
import { closeAll, rawConnection, typedClient } from '../lib/connections.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { heartbeat } from '../lib/payloads.js';
import { alternate, median, nowMs } from '../lib/stats.js';

/** Messages per second, publish loop plus the final flush (the server has them all). */
export async function publishFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.publish;
  const channel = channels.workerHeartbeat;
  const subject = channel.subject();
  const payload = heartbeat();
  const jc = JSONCodec();
  const nc = await rawConnection(ctx.url);
  const client = await typedClient(ctx.url);
  try {
    const raw = async (): Promise<number> => {
      const started = nowMs();
      for (let i = 0; i < n; i++) nc.publish(subject, jc.encode(payload));
      await nc.flush();
      return n / ((nowMs() - started) / 1000);
    };
    const typed = async (): Promise<number> => {
      const started = nowMs();
      for (let i = 0; i < n; i++) await channel.publish(client, payload);
      await client.flush();
      return n / ((nowMs() - started) / 1000);
    };
    const result = await alternate(ctx.sizes.rounds, raw, typed);
    ctx.log(`publish: raw ${result.raw.map(Math.round).join(', ')} / typed ${result.typed.map(Math.round).join(', ')} msg/s`);
    return [
      {
        metric: 'publish throughput (300 B heartbeat)',
        unit: 'msg/s',
        raw: median(result.raw),
        typed: median(result.typed),
        rounds: ctx.sizes.rounds,
        targets: [{ kind: 'ratioAtLeast', value: 1.0, source: 'issue' }],
        note: `${n.toLocaleString('en-US')} messages per round; typed awaits every publish (validated, backpressure on)`,
      },
    ];
  } finally {
    await closeAll([nc], [client]);
  }
}
