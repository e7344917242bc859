/**
 * The `simulated` engine: a stand-in for a model in demos and tests. It streams one canned answer word by word,
 * the same for every request, so a test can predict the whole text from `maxTokens` alone, and it honours what a
 * real engine must: the token budget, a continuation that resumes mid-answer, and cancellation at any moment.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { InferenceEngine } from '../worker.js';

/** The whole canned answer. */
export const SIMULATED_ANSWER =
  'NATS carries every token from the worker to the controller as a typed, validated message, numbered so that the reader sees no gap and no duplicate, even when the request moves to another worker in the middle of its stream.';

/** The answer's tokens: its words, each after the first with its leading space, so that they join into the answer. */
export const SIMULATED_TOKENS: readonly string[] = Object.freeze(SIMULATED_ANSWER.split(/(?= )/));

/** The text the engine produces for a request with this `maxTokens` (absent: the whole answer). */
export function simulatedText(maxTokens?: number): string {
  return SIMULATED_TOKENS.slice(0, maxTokens).join('');
}

/** Options of {@link simulatedEngine}. */
export interface SimulatedEngineOptions {
  /** Time before each token, in ms. Default 15. */
  tokenDelayMs?: number;
}

/**
 * An engine that streams {@link SIMULATED_TOKENS}, `tokenDelayMs` apart: from `continuation.tokenCount` on, up to
 * `maxTokens` tokens in all (the continuation's included), and not one more once `signal` aborts, even mid-delay.
 */
export function simulatedEngine(options: SimulatedEngineOptions = {}): InferenceEngine {
  const delayMs = options.tokenDelayMs ?? 15;
  return {
    async *generate(request, signal) {
      const end = Math.min(request.maxTokens ?? SIMULATED_TOKENS.length, SIMULATED_TOKENS.length);
      for (let index = request.continuation?.tokenCount ?? 0; index < end; index++) {
        // The delay rejects as soon as the signal aborts; the job then ends without another token.
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return;
        yield SIMULATED_TOKENS[index] ?? '';
      }
    },
  };
}
