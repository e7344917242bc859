/**
 * Child: client memory for one side. Heap growth across connect (after a full GC on both ends), then peak RSS
 * while publishing `n` heartbeats as fast as the API lets it: raw nats.js v2 (JSONCodec) and v3 (`JSON.stringify`)
 * in a tight synchronous loop (what they offer), typed through the generated channel, awaiting each publish
 * (backpressure bounds the buffer). Usage: burst.ts <raw2|raw3|typed> <url> <n>. Needs --expose-gc.
 */
const SIDES = ['raw2', 'raw3', 'typed'];
const [side, url, countText] = process.argv.slice(2);
const n = Number(countText);
if (side === undefined || !SIDES.includes(side) || url === undefined || !Number.isInteger(n) || n <= 0) {
  throw new Error('usage: burst.ts <raw2|raw3|typed> <url> <n>');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('burst.ts needs node --expose-gc');
const mb = (bytes: number): number => bytes / (1024 * 1024);

const { heartbeat } = await import('../lib/payloads.js');
const payload = heartbeat();
const subject = `worker.${payload.workerId}.heartbeat`;

/** The one side's client, reduced to what the burst needs. */
interface Side {
  connect(): Promise<void>;
  /** Publishes all `n` heartbeats and flushes. */
  burst(): Promise<void>;
  close(): Promise<void>;
}

async function load(name: string): Promise<Side> {
  if (name === 'raw2') {
    const { connect, JSONCodec } = await import('nats');
    const jc = JSONCodec();
    let nc: Awaited<ReturnType<typeof connect>> | undefined;
    return {
      connect: async () => void (nc = await connect({ servers: url, noAsyncTraces: true })),
      burst: async () => {
        if (nc === undefined) return;
        for (let i = 0; i < n; i++) nc.publish(subject, jc.encode(payload));
        await nc.flush();
      },
      close: async () => nc?.close(),
    };
  }
  if (name === 'raw3') {
    const { connect } = await import('@nats-io/transport-node');
    let nc: Awaited<ReturnType<typeof connect>> | undefined;
    return {
      connect: async () => void (nc = await connect({ servers: url, noAsyncTraces: true })),
      burst: async () => {
        if (nc === undefined) return;
        for (let i = 0; i < n; i++) nc.publish(subject, JSON.stringify(payload));
        await nc.flush();
      },
      close: async () => nc?.close(),
    };
  }
  const { NatsClient, channels } = await import('../../src/index.js');
  const channel = channels.workerHeartbeat;
  let client: InstanceType<typeof NatsClient> | undefined;
  return {
    connect: async () => {
      client = new NatsClient();
      await client.connect({ mode: 'external', serverUrl: url });
    },
    burst: async () => {
      if (client === undefined) return;
      for (let i = 0; i < n; i++) await channel.publish(client, { workerId: payload.workerId }, payload);
      await client.flush();
    },
    close: async () => client?.disconnect(),
  };
}

const chosen = await load(side);
gc();
const heapBefore = process.memoryUsage().heapUsed;
await chosen.connect();
gc();
const heapAfter = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
await chosen.burst();
const ms = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;
await chosen.close();
console.log(JSON.stringify({ heapGrowthMB: mb(heapAfter - heapBefore), rssBeforeMB: mb(rssBefore), peakRssMB: mb(peak), rate: n / (ms / 1000) }));
