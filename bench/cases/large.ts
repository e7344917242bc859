/**
 * Large prompts: a 100 KB InferenceRequest from publisher to subscriber (validated both sides on the typed path),
 * without and with compression (`compressThreshold`), against raw nats.js v3 only (`JSON.stringify`; v2 adds little
 * here and would cost a third of the group's time). A chunk is a flow-controlled slice of the round's messages; the
 * two sides take turns chunk by chunk. Bytes on the wire come from the server's own counters (/varz in_bytes, read
 * before and after each chunk, outside its timing), so they include whatever the headers add.
 */
import { channels } from '../../generated/channels.js';
import { closeAll, decodeV3, encodeV3, rawV3Connection, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { count, counter, flowRound, type FlowResult } from '../lib/flow.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { RAW_WORKER_ID, WORKER_ID, inferenceRequest } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';
import { median } from '../lib/stats.js';

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
  const timeoutMs = ctx.quick ? 15_000 : 60_000;
  const [pub, sub] = await Promise.all([rawV3Connection(ctx.url), rawV3Connection(ctx.url)]);
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
        decodeV3(msg);
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
        flowRound(
          rawCount,
          n,
          CHUNK,
          WINDOW,
          (size) => {
            for (let i = 0; i < size; i++) pub.publish(rawSubject, encodeV3(payload));
          },
          timeoutMs,
        ),
      );
    const typedRound = (n: number, publisher: typeof client) => (): Promise<Round> =>
      measured(n, () =>
        flowRound(
          typedCount,
          n,
          CHUNK,
          WINDOW,
          async (size) => {
            for (let i = 0; i < size; i++) await channel.publish(publisher, params, payload);
          },
          timeoutMs,
        ),
      );

    const plan = chunkedPlan(ctx.sizes);
    const n = perChunk(ctx.sizes.largePrompts, ctx.sizes.chunks);
    const plain = await interleave(plan, { raw3: rawRound(n), typed: typedRound(n, client) });
    const z = perChunk(ctx.sizes.compressedPrompts, ctx.sizes.chunks);
    const zipped = await interleave(plan, { raw3: rawRound(z), typed: typedRound(z, zipClient) });
    const missing = [...plain.raw3, ...plain.typed, ...zipped.raw3, ...zipped.typed].reduce((sum, r) => sum + r.missing, 0);
    const lost = missing === 0 ? 'nothing lost' : `${missing} message(s) MISSING`;
    const rates = (rounds: Round[]): number[] => rounds.map((r) => r.rate);
    const bytes = (rounds: Round[]): number[] => rounds.map((r) => r.bytesPerMessage);
    const plainRate = compare(rates(plain.typed), rates(plain.raw3));
    const zippedRate = compare(rates(zipped.typed), rates(zipped.raw3));
    const zippedBytes = compare(bytes(zipped.typed), bytes(zipped.raw3));
    const plainTyped = plainRate.typed ?? Number.NaN;
    const zippedTyped = zippedRate.typed ?? Number.NaN;
    ctx.log(
      `100 KB prompts: raw3 ${Math.round(plainRate.raw ?? 0)} / typed ${Math.round(plainTyped)} msg/s; compressed: raw3 ${Math.round(zippedRate.raw ?? 0)} / typed ${Math.round(zippedTyped)} msg/s (chunk medians)`,
    );
    const chunked = { rounds: ctx.sizes.rounds, chunks: ctx.sizes.chunks };
    return [
      {
        metric: '100 KB prompt publish->subscribe (validated)',
        unit: 'msg/s',
        ...plainRate,
        ...chunked,
        targets: [{ kind: 'ratioAtLeast', value: 0.95, source: 'issue' }],
        note: `${n} messages per chunk (${((JSON.stringify(payload).length * plainTyped) / 1e6).toFixed(0)} MB/s typed); ${lost}`,
      },
      {
        metric: '100 KB prompt publish->subscribe, compressed',
        unit: 'msg/s',
        ...zippedRate,
        ...chunked,
        targets: [],
        note: `typed with compressThreshold ${COMPRESS_THRESHOLD} (gzip), raw uncompressed; ${z} messages per chunk; compression changes typed throughput by ${(zippedTyped / plainTyped).toFixed(2)}x on loopback`,
      },
      {
        metric: '100 KB prompt bytes on the wire, compressed',
        unit: 'bytes',
        ...zippedBytes,
        ...chunked,
        targets: [],
        note: `server in_bytes per message; typed without compression: ${Math.round(median(bytes(plain.typed))).toLocaleString('en-US')} bytes`,
      },
    ];
  } finally {
    await closeAll([pub, sub], [client, zipClient, subClient]);
  }
}
