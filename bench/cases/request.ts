/**
 * Request/reply: latency one at a time (p50/p90/p99) and throughput with 100 in flight, typed against raw nats.js
 * v3 and v2. Each side's responder runs on its own connection and subject in the same process; typed requests and
 * replies are validated (InferenceRequest / InferenceAck). For latency a chunk is a block of sequential requests
 * with its own percentiles; for throughput a chunk is a slice of the round's requests. Sides take turns by chunk.
 */
import { channels } from '../../generated/channels.js';
import type { InferenceRequest } from '../../generated/index.js';
import { closeAll, decodeV2, decodeV3, encodeV2, encodeV3, rawV2Connection, rawV3Connection, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { concurrent, sequence, type Latency } from '../lib/latency.js';
import { RAW_V2_WORKER_ID, RAW_WORKER_ID, WORKER_ID, ack, inferenceRequest } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';

const TIMEOUT_MS = 5000;

/** The four request figures. */
export async function requestFigures(ctx: BenchContext): Promise<Figure[]> {
  const channel = channels.workerInference;
  const params = { workerId: WORKER_ID };
  const subject3 = channel.subject({ workerId: RAW_WORKER_ID });
  const subject2 = channel.subject({ workerId: RAW_V2_WORKER_ID });
  const payload = inferenceRequest(400);
  const [nc2, responder2, nc3, responder3] = await Promise.all([
    rawV2Connection(ctx.url),
    rawV2Connection(ctx.url),
    rawV3Connection(ctx.url),
    rawV3Connection(ctx.url),
  ]);
  const [client, replier] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  try {
    responder3.subscribe(subject3, {
      callback: (err, msg) => {
        if (err !== null) return;
        msg.respond(encodeV3(ack(decodeV3(msg) as InferenceRequest)));
      },
    });
    responder2.subscribe(subject2, {
      callback: (err, msg) => {
        if (err !== null) return;
        msg.respond(encodeV2(ack(decodeV2(msg.data) as InferenceRequest)));
      },
    });
    await Promise.all([responder3.flush(), responder2.flush()]);
    await channel.reply(replier, params, (request) => ack(request));

    const once = {
      raw3: async (): Promise<void> => {
        decodeV3(await nc3.request(subject3, encodeV3(payload), { timeout: TIMEOUT_MS }));
      },
      typed: async (): Promise<void> => {
        await channel.request(client, params, payload, { timeout: TIMEOUT_MS });
      },
      raw2: async (): Promise<void> => {
        decodeV2((await nc2.request(subject2, encodeV2(payload), { timeout: TIMEOUT_MS })).data);
      },
    };
    const plan = chunkedPlan(ctx.sizes);
    const block = perChunk(ctx.sizes.requestsInSequence, ctx.sizes.chunks);
    const latency = await interleave(plan, {
      raw3: () => sequence(block, once.raw3),
      typed: () => sequence(block, once.typed),
      raw2: () => sequence(block, once.raw2),
    });
    const inFlight = ctx.sizes.requestsInFlight;
    const slice = perChunk(ctx.sizes.requestTotal, ctx.sizes.chunks);
    const throughput = await interleave(plan, {
      raw3: () => concurrent(slice, inFlight, once.raw3),
      typed: () => concurrent(slice, inFlight, once.typed),
      raw2: () => concurrent(slice, inFlight, once.raw2),
    });
    const pick = (key: keyof Latency) =>
      compare(
        latency.typed.map((l) => l[key]),
        latency.raw3.map((l) => l[key]),
        latency.raw2.map((l) => l[key]),
      );
    const p50 = pick('p50');
    const inFlightResult = compare(throughput.typed, throughput.raw3, throughput.raw2);
    ctx.log(`request p50: raw3 ${(p50.raw ?? 0).toFixed(0)} / raw2 ${(p50.rawV2 ?? 0).toFixed(0)} / typed ${(p50.typed ?? 0).toFixed(0)} us (chunk medians)`);
    ctx.log(
      `requests in flight: raw3 ${Math.round(inFlightResult.raw ?? 0)} / raw2 ${Math.round(inFlightResult.rawV2 ?? 0)} / typed ${Math.round(inFlightResult.typed ?? 0)} req/s (chunk medians)`,
    );
    const chunked = { rounds: ctx.sizes.rounds, chunks: ctx.sizes.chunks };
    return [
      {
        metric: 'request/reply latency p50',
        unit: 'us',
        ...p50,
        ...chunked,
        targets: [{ kind: 'ratioAtMost', value: 1.05, source: 'issue' }],
        note: `blocks of ${block.toLocaleString('en-US')} requests one at a time; percentiles per block, the median block shown`,
      },
      { metric: 'request/reply latency p90', unit: 'us', ...pick('p90'), ...chunked, targets: [] },
      {
        metric: 'request/reply latency p99',
        unit: 'us',
        ...pick('p99'),
        ...chunked,
        targets: [
          { kind: 'ratioAtMost', value: 1.3, source: 'issue' },
          { kind: 'typedBelow', value: 10_000, source: 'floor' },
        ],
      },
      {
        metric: `request throughput, ${inFlight} in flight`,
        unit: 'req/s',
        ...inFlightResult,
        ...chunked,
        targets: [{ kind: 'ratioAtLeast', value: 0.95, source: 'issue' }],
        note: `${slice.toLocaleString('en-US')} requests per chunk`,
      },
    ];
  } finally {
    await closeAll([nc2, responder2, nc3, responder3], [client, replier]);
  }
}
