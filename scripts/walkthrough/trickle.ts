/**
 * `npm start -- --serve`: a trickle of requests through the controller, so whoever opens the dashboard sees requests
 * in flight, finishing on different workers, and the charts moving. A few requests at a time at most, each of a
 * different length; it stops when `stop()` is called and resolves once the last request ended.
 */
import { randomUUID } from 'node:crypto';
import type { Controller } from '../../src/index.js';

/** A running trickle. */
export interface Trickle {
  /** Requests sent so far. */
  readonly sent: number;
  /** Requests that failed (no worker, a worker lost with nowhere to go): shown on the dashboard, not fatal here. */
  readonly failed: number;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>;
}

const PROMPTS = ['What is NATS?', 'Why validate every message?', 'How do tokens stream back?', 'Which worker answered?', 'What does the dashboard show?'];

/** Sends a request every `everyMs` (lengths 6 to 40 tokens) to `model` until stopped. */
export function startTrickle(controller: Controller, model: string, everyMs: number): Trickle {
  const running = new Set<Promise<void>>();
  let sent = 0;
  let failed = 0;
  const one = async (): Promise<void> => {
    try {
      const stream = await controller.infer({
        requestId: randomUUID(),
        modelId: model,
        prompt: PROMPTS[sent % PROMPTS.length] ?? 'Hi',
        maxTokens: 6 + ((sent * 7) % 35),
      });
      for await (const event of stream) if (event.type === 'error') failed += 1;
    } catch {
      failed += 1;
    }
  };
  const timer = setInterval(() => {
    sent += 1;
    const request = one().finally(() => running.delete(request));
    running.add(request);
  }, everyMs);
  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(running);
    },
  };
}
