/**
 * Request/reply: latency one at a time (p50/p90/p99) and throughput with 100 in flight. The responder runs on its
 * own connection in the same process; typed requests and replies are validated (InferenceRequest / InferenceAck).
 */
import { JSONCodec } from 'nats';
import { channels } from '../../generated/channels.js';
import type { InferenceRequest } from '../../generated/index.js';
import { closeAll, rawConnection, typedClient } from '../lib/connections.js';
import type { BenchContext } from '../lib/context.js';
import type { Figure } from '../lib/figures.js';
import { RAW_WORKER_ID, WORKER_ID, ack, inferenceRequest } from '../lib/payloads.js';
import { alternate, median, nowMs, percentile } from '../lib/stats.js';

const TIMEOUT_MS = 5000;

interface Latency {
  p50: number;
  p90: number;
  p99: number;
}

/** The four request figures. */
export async function requestFigures(ctx: BenchContext): Promise<Figure[]> {
  const channel = channels.workerInference;
  const params = { workerId: WORKER_ID };
  const rawSubject = channel.subject({ workerId: RAW_WORKER_ID });
  const payload = inferenceRequest(400);
  const jc = JSONCodec();
  const [nc, responder] = await Promise.all([rawConnection(ctx.url), rawConnection(ctx.url)]);
  const [client, replier] = await Promise.all([typedClient(ctx.url), typedClient(ctx.url)]);
  try {
    responder.subscribe(rawSubject, {
      callback: (err, msg) => {
        if (err !== null) return;
        msg.respond(jc.encode(ack(jc.decode(msg.data) as InferenceRequest)));
      },
    });
    await responder.flush();
    await channel.reply(replier, params, (request) => ack(request));

    const rawOnce = async (): Promise<void> => {
      const msg = await nc.request(rawSubject, jc.encode(payload), { timeout: TIMEOUT_MS });
      jc.decode(msg.data);
    };
    const typedOnce = async (): Promise<void> => {
      await channel.request(client, params, payload, { timeout: TIMEOUT_MS });
    };

    const latency = await alternate(
      ctx.sizes.rounds,
      () => sequence(ctx.sizes.requestsInSequence, rawOnce),
      () => sequence(ctx.sizes.requestsInSequence, typedOnce),
    );
    const inFlight = ctx.sizes.requestsInFlight;
    const total = ctx.sizes.requestTotal;
    const throughput = await alternate(
      ctx.sizes.rounds,
      () => concurrent(total, inFlight, rawOnce),
      () => concurrent(total, inFlight, typedOnce),
    );
    ctx.log(`request p50: raw ${latency.raw.map((l) => l.p50.toFixed(0)).join(', ')} / typed ${latency.typed.map((l) => l.p50.toFixed(0)).join(', ')} us`);
    ctx.log(`requests in flight: raw ${throughput.raw.map(Math.round).join(', ')} / typed ${throughput.typed.map(Math.round).join(', ')} req/s`);
    const pick = (key: keyof Latency, side: Latency[]): number => median(side.map((l) => l[key]));
    const note = `${ctx.sizes.requestsInSequence.toLocaleString('en-US')} requests per round, one at a time`;
    return [
      {
        metric: 'request/reply latency p50',
        unit: 'us',
        raw: pick('p50', latency.raw),
        typed: pick('p50', latency.typed),
        rounds: ctx.sizes.rounds,
        targets: [{ kind: 'ratioAtMost', value: 1.1, source: 'issue' }],
        note,
      },
      { metric: 'request/reply latency p90', unit: 'us', raw: pick('p90', latency.raw), typed: pick('p90', latency.typed), rounds: ctx.sizes.rounds, targets: [] },
      {
        metric: 'request/reply latency p99',
        unit: 'us',
        raw: pick('p99', latency.raw),
        typed: pick('p99', latency.typed),
        rounds: ctx.sizes.rounds,
        targets: [{ kind: 'typedBelow', value: 10_000, source: 'floor' }],
      },
      {
        metric: `request throughput, ${inFlight} in flight`,
        unit: 'req/s',
        raw: median(throughput.raw),
        typed: median(throughput.typed),
        rounds: ctx.sizes.rounds,
        targets: [],
        note: `${total.toLocaleString('en-US')} requests per round`,
      },
    ];
  } finally {
    await closeAll([nc, responder], [client, replier]);
  }
}

/** Latency percentiles of `n` requests sent one after the other, in microseconds. */
async function sequence(n: number, once: () => Promise<void>): Promise<Latency> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const started = nowMs();
    await once();
    samples[i] = (nowMs() - started) * 1000;
  }
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

/** Requests per second for `total` requests, `inFlight` at a time. */
async function concurrent(total: number, inFlight: number, once: () => Promise<void>): Promise<number> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      await once();
    }
  };
  const began = nowMs();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((nowMs() - began) / 1000);
}
