/** The simulated engine: the canned answer token by token, maxTokens, continuations, the delay, and cancellation at once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIMULATED_ANSWER, SIMULATED_TOKENS, simulatedEngine, simulatedText } from '../../../src/cluster/engines/simulated.js';
import type { InferenceRequest } from '../../../generated/index.js';

const request = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({ requestId: randomUUID(), modelId: 'm', prompt: 'p', ...over });

/** The engine's generation as an async generator (what it is), so a test can drive it step by step. */
function generate(request: InferenceRequest, signal = new AbortController().signal, tokenDelayMs = 0): AsyncGenerator<string> {
  return simulatedEngine({ tokenDelayMs }).generate(request, signal) as AsyncGenerator<string>;
}

async function collect(tokens: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const token of tokens) out.push(token);
  return out;
}

describe('simulatedEngine', () => {
  it('streams the whole answer, one word a token, when maxTokens is absent', async () => {
    const tokens = await collect(generate(request()));
    expect(tokens.join('')).toBe(SIMULATED_ANSWER);
    expect(tokens).toEqual(SIMULATED_TOKENS);
    expect(tokens.length).toBe(SIMULATED_ANSWER.split(' ').length);
    expect(simulatedText()).toBe(SIMULATED_ANSWER);
  });

  it('is deterministic', async () => {
    expect(await collect(generate(request({ prompt: 'a' })))).toEqual(await collect(generate(request({ prompt: 'b', temperature: 2 }))));
  });

  it.each([1, 5, 12])('stops after maxTokens = %i, giving simulatedText(maxTokens)', async (maxTokens) => {
    const tokens = await collect(generate(request({ maxTokens })));
    expect(tokens).toHaveLength(maxTokens);
    expect(tokens.join('')).toBe(simulatedText(maxTokens));
    expect(SIMULATED_ANSWER.startsWith(tokens.join(''))).toBe(true);
  });

  it('ends with the answer when maxTokens asks for more', async () => {
    const tokens = await collect(generate(request({ maxTokens: SIMULATED_TOKENS.length + 50 })));
    expect(tokens.join('')).toBe(SIMULATED_ANSWER);
  });

  it('resumes a continuation from its tokenCount, the continuation counting toward maxTokens', async () => {
    const continuation = { text: simulatedText(3), tokenCount: 3 };
    const tokens = await collect(generate(request({ maxTokens: 7, continuation })));
    expect(tokens).toHaveLength(4);
    expect(continuation.text + tokens.join('')).toBe(simulatedText(7));
  });

  it('makes nothing for a continuation that already used the budget', async () => {
    expect(await collect(generate(request({ maxTokens: 4, continuation: { text: simulatedText(4), tokenCount: 4 } })))).toEqual([]);
  });

  it('waits tokenDelayMs before each token, 15 ms by default', async () => {
    let started = performance.now();
    await collect(generate(request({ maxTokens: 3 }), undefined, 40));
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);

    started = performance.now();
    await collect(simulatedEngine().generate(request({ maxTokens: 4 }), new AbortController().signal) as AsyncIterable<string>);
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 15 - 5);
  });

  it('stops at once when aborted during the delay', async () => {
    const abort = new AbortController();
    const tokens = generate(request(), abort.signal, 10_000);
    const pending = tokens.next();
    setTimeout(() => {
      abort.abort();
    }, 20);
    const started = performance.now();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('yields no further token once aborted between tokens', async () => {
    const abort = new AbortController();
    const tokens = generate(request(), abort.signal, 1);
    expect((await tokens.next()).value).toBe(SIMULATED_TOKENS[0]);
    abort.abort();
    expect(await tokens.next()).toEqual({ done: true, value: undefined });
  });

  it('yields nothing when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await collect(generate(request(), abort.signal, 10_000))).toEqual([]);
  });
});
