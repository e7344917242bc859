/**
 * Large prompts: a 100 KB InferenceRequest from publisher to subscriber (validated both sides on the typed path),
 * without and with compression (`compressThreshold`), against raw JSONCodec. Bytes on the wire come from the
 * server's own counters (/varz in_bytes), so they include whatever the headers add.
 */
import { JSONCodec } from 'nats';
import { channels } from '../../generated/channels.js';
import { closeAll, rawConnection, typedClient } from '../lib/connections.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { count, counter, flowRound, type FlowResult } from '../lib/flow.js';
import { RAW_WORKER_ID, WORKER_ID, inferenceRequest } from '../lib/payloads.js';
import { alternate, median } from '../lib/stats.js';

const PROMPT_BYTES = 100 * 1024;
const CHUNK = 8;
const WINDOW = 32;
const COMPRESS_THRESHOLD = 16 * 1024;

interface Round extends FlowResult {
  bytesPerMessage: number;
}

/** Bytes the server has received so far, from its monitoring endpoint. */
async function inBytes(httpPort: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/varz`, { signal: AbortSignal.timeout(2000) });
  const varz = (await response.json()) as { in_bytes?: number };
  return varz.in_bytes ?? 0;
}

/** Large-prompt and compression figures. */
export async function largeFigures(ctx: BenchContext): Promise<Figure[]> {
  const channel = channels.workerInference;
  const params = { workerId: WORKER_ID };
  const rawSubject = channel.subject({ workerId: RAW_WORKER_ID });
  const payload = inferenceRequest(PROMPT_BYTES);
  const jc = JSONCodec();
  const timeoutMs = ctx.quick ? 15_000 : 60_000;
  const [pub, sub] = await Promise.all([rawConnection(ctx.url), rawConnection(ctx.url)]);
  const [client, zipClient, subClient] = await Promise.all([
    typedClient(ctx.url),
    typedClient(ctx.url, { compressThreshold: COMPRESS_THRESHOLD }),
    typedClient(ctx.url),
  ]);
  try {
    const rawCount = counter();
    sub.subscribe(rawSubject, {
      callback: (err, msg) => {
        if (err !== null) return;
        jc.decode(msg.data);
        count(rawCount);
      },
    });
    await sub.flush();
    const typedCount = counter();
    // One validating subscriber: it inflates compressed messages transparently.
    await channel.subscribe(subClient, params, () => {
      count(typedCount);
    });

    const measured = async (n: number, run: () => Promise<FlowResult>): Promise<Round> => {
      const before = await inBytes(ctx.httpPort);
      const result = await run();
      return { ...result, bytesPerMessage: ((await inBytes(ctx.httpPort)) - before) / n };
    };
    const rawRound = (n: number) => (): Promise<Round> =>
      measured(n, () =>
        flowRound(rawCount, n, CHUNK, WINDOW, (size) => {
          for (let i = 0; i < size; i++) pub.publish(rawSubject, jc.encode(payload));
        }, timeoutMs),
      );
    const typedRound = (n: number, publisher: typeof client) => (): Promise<Round> =>
      measured(n, () =>
        flowRound(typedCount, n, CHUNK, WINDOW, async (size) => {
          for (let i = 0; i < size; i++) await channel.publish(publisher, params, payload);
        }, timeoutMs),
      );

    const n = ctx.sizes.largePrompts;
    const plain = await alternate(ctx.sizes.rounds, rawRound(n), typedRound(n, client));
    const z = ctx.sizes.compressedPrompts;
    const zipped = await alternate(ctx.sizes.rounds, rawRound(z), typedRound(z, zipClient));
    ctx.log(`100 KB prompts: raw ${plain.raw.map((r) => Math.round(r.rate)).join(', ')} / typed ${plain.typed.map((r) => Math.round(r.rate)).join(', ')} msg/s`);
    ctx.log(`100 KB prompts compressed: raw ${zipped.raw.map((r) => Math.round(r.rate)).join(', ')} / typed ${zipped.typed.map((r) => Math.round(r.rate)).join(', ')} msg/s`);
    const missing = [...plain.raw, ...plain.typed, ...zipped.raw, ...zipped.typed].reduce((sum, r) => sum + r.missing, 0);
    const lost = missing === 0 ? 'nothing lost' : `${missing} message(s) MISSING`;
    const rate = (rounds: Round[]): number => median(rounds.map((r) => r.rate));
    const bytes = (rounds: Round[]): number => median(rounds.map((r) => r.bytesPerMessage));
    const plainTyped = rate(plain.typed);
    const zippedTyped = rate(zipped.typed);
    return [
      {
        metric: '100 KB prompt publish->subscribe (validated)',
        unit: 'msg/s',
        raw: rate(plain.raw),
        typed: plainTyped,
        rounds: ctx.sizes.rounds,
        targets: [],
        note: `${n} messages per round (${((JSON.stringify(payload).length * plainTyped) / 1e6).toFixed(0)} MB/s typed); ${lost}`,
      },
      {
        metric: '100 KB prompt publish->subscribe, compressed',
        unit: 'msg/s',
        raw: rate(zipped.raw),
        typed: zippedTyped,
        rounds: ctx.sizes.rounds,
        targets: [],
        note: `typed with compressThreshold ${COMPRESS_THRESHOLD} (gzip), raw uncompressed; ${z} messages per round; compression changes typed throughput by ${(zippedTyped / plainTyped).toFixed(2)}x on loopback`,
      },
      {
        metric: '100 KB prompt bytes on the wire, compressed',
        unit: 'bytes',
        raw: bytes(zipped.raw),
        typed: bytes(zipped.typed),
        rounds: ctx.sizes.rounds,
        targets: [],
        note: `server in_bytes per message; typed without compression: ${Math.round(bytes(plain.typed)).toLocaleString('en-US')} bytes`,
      },
    ];
  } finally {
    await closeAll([pub, sub], [client, zipClient, subClient]);
  }
}
