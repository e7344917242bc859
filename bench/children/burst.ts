/**
 * Child: client memory for one side. Heap growth across connect (after a full GC on both ends), then peak RSS
 * while publishing `n` heartbeats as fast as the API lets it: raw nats.js in a tight synchronous loop (what it
 * offers), typed through the generated channel, awaiting each publish (backpressure bounds the buffer).
 * Usage: burst.ts <raw|typed> <url> <n>. Needs --expose-gc.
 */
const [side, url, countText] = process.argv.slice(2);
const n = Number(countText);
if ((side !== 'raw' && side !== 'typed') || url === undefined || !Number.isInteger(n) || n <= 0) {
  throw new Error('usage: burst.ts <raw|typed> <url> <n>');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('burst.ts needs node --expose-gc');
const mb = (bytes: number): number => bytes / (1024 * 1024);

const { heartbeat } = await import('../lib/payloads.js');
const payload = heartbeat();
let result: Record<string, number>;
if (side === 'raw') {
  const { connect, JSONCodec } = await import('nats');
  const jc = JSONCodec();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const nc = await connect({ servers: url, noAsyncTraces: true });
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < n; i++) nc.publish('worker.heartbeat', jc.encode(payload));
  await nc.flush();
  const ms = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  await nc.close();
  result = { heapGrowthMB: mb(heapAfter - heapBefore), rssBeforeMB: mb(rssBefore), peakRssMB: mb(peak), rate: n / (ms / 1000) };
} else {
  const { NatsClient, channels } = await import('../../src/index.js');
  const channel = channels.workerHeartbeat;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const client = new NatsClient();
  await client.connect({ mode: 'external', serverUrl: url });
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < n; i++) await channel.publish(client, payload);
  await client.flush();
  const ms = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  await client.disconnect();
  result = { heapGrowthMB: mb(heapAfter - heapBefore), rssBeforeMB: mb(rssBefore), peakRssMB: mb(peak), rate: n / (ms / 1000) };
}
console.log(JSON.stringify(result));
