/**
 * Stream integrity on a real nats-server. The "worker" is a foreign publisher (plain nats.js, no package code)
 * that acknowledges the request and then sends whatever token sequence the test wants: skipped, duplicated or
 * reordered indexes. The reader must never hand a corrupted sequence out as text.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamGapError, streamInference, type StreamingResponse } from '../../src/index.js';
import { useServerWithClients } from '../helpers/client.js';

const shared = useServerWithClients();

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** A foreign worker that accepts one request and then publishes `events` (built from the request id). */
function foreignWorker(workerId: string, events: (requestId: string) => Record<string, unknown>[]): void {
  const sub = shared.raw.subscribe(`worker.${workerId}.inference`, { max: 1 });
  void (async () => {
    for await (const msg of sub) {
      const request = JSON.parse(new TextDecoder().decode(msg.data)) as { requestId: string };
      msg.respond(json({ requestId: request.requestId, workerId, status: 'accepted' }));
      for (const event of events(request.requestId))
        shared.raw.publish(`response.${workerId}.${request.requestId}`, json({ requestId: request.requestId, ...event }));
    }
  })();
}

const token = (index: number, text = `t${index}`): Record<string, unknown> => ({ type: 'token', token: text, index });
const done = (totalTokens: number): Record<string, unknown> => ({ type: 'done', totalTokens, latencyMs: 1 });

async function run(events: (requestId: string) => Record<string, unknown>[]): Promise<{ events: StreamingResponse[]; error?: unknown }> {
  const workerId = randomUUID();
  foreignWorker(workerId, events);
  await shared.raw.flush();
  const stream = await streamInference(
    shared.client,
    workerId,
    { requestId: randomUUID(), modelId: 'm', prompt: 'p' },
    { reorderTimeoutMs: 300, idleTimeoutMs: 5000 },
  );
  const seen: StreamingResponse[] = [];
  try {
    for await (const event of stream) seen.push(event);
  } catch (error) {
    return { events: seen, error };
  }
  return { events: seen };
}

const texts = (events: StreamingResponse[]): string[] => events.flatMap((e) => (e.type === 'token' ? [e.token] : []));

describe('stream integrity', () => {
  it('a skipped index fails the stream with StreamGapError naming it; the tokens after the gap are never delivered', async () => {
    const result = await run(() => [token(0), token(1), token(3), token(4), done(5)]);
    expect(texts(result.events)).toEqual(['t0', 't1']);
    expect(result.error).toBeInstanceOf(StreamGapError);
    expect((result.error as StreamGapError).missing).toEqual([2]);
    expect((result.error as StreamGapError).code).toBe('STREAM_GAP');
  });

  it('a duplicate index is dropped', async () => {
    const result = await run(() => [token(0), token(1), token(1, 'again'), token(2), done(3)]);
    expect(result.error).toBeUndefined();
    expect(texts(result.events)).toEqual(['t0', 't1', 't2']);
    expect(result.events.at(-1)).toMatchObject({ type: 'done', totalTokens: 3 });
  });

  it('out-of-order tokens inside the window arrive in order', async () => {
    const result = await run(() => [token(1), token(0), token(3), token(2), token(4), done(5)]);
    expect(result.error).toBeUndefined();
    expect(texts(result.events)).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('done arriving before its last token waits for it', async () => {
    const result = await run(() => [token(0), done(2), token(1)]);
    expect(result.error).toBeUndefined();
    expect(texts(result.events)).toEqual(['t0', 't1']);
  });

  it('done.totalTokens must equal the tokens delivered', async () => {
    const result = await run(() => [token(0), token(1), done(3)]);
    expect(result.error).toBeInstanceOf(StreamGapError);
    expect((result.error as StreamGapError).missing).toEqual([2]);
    expect(result.events.some((e) => e.type === 'done')).toBe(false);
  });

  it('events that name another worker are ignored', async () => {
    const result = await run(() => [token(0), { ...token(1, 'intruder'), workerId: randomUUID() }, token(1), done(2)]);
    expect(result.error).toBeUndefined();
    expect(texts(result.events)).toEqual(['t0', 't1']);
  });
});
