/**
 * Benchmark payloads, valid against the contract: a ~300-byte WorkerHeartbeat, a small and a ~100 KB
 * InferenceRequest (deterministic, prose-like text, so compression sees what a real prompt gives it), and the ack.
 */
import type { InferenceAck, InferenceRequest, WorkerHeartbeat } from '../../generated/index.js';

/** The typed side's worker. */
export const WORKER_ID = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
/** The raw (v3) side's worker: its own subject of the same length, so no side's subscriber sees another's traffic. */
export const RAW_WORKER_ID = '7d2e9f10-3a4b-4c5d-8e6f-a1b2c3d4e5f6';
/** The raw v2 side's worker, likewise. */
export const RAW_V2_WORKER_ID = 'c4a1e8b2-6d3f-4e7a-9b5c-0f1e2d3c4b5a';
const REQUEST_ID = '3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b';
const MODEL = 'mlx-community/Llama-3.2-3B-Instruct-4bit';

/** A heartbeat whose JSON is about 300 bytes. */
export function heartbeat(): WorkerHeartbeat {
  return {
    workerId: WORKER_ID,
    status: 'online',
    metrics: {
      cpuUsagePercent: 37.5,
      memoryUsedGB: 21.25,
      gpuUtilizationPercent: 64.2,
      activeRequests: 3,
      totalRequestsHandled: 182_734,
      avgLatencyMs: 412.7,
      modelsLoaded: [MODEL],
    },
    timestamp: 1_794_000_000_000,
  };
}

const WORDS = (
  'the a of to and in is that for it as with was on be by this are from at or an which have not but they one ' +
  'model token cluster worker request answer question summary context memory latency system user assistant please ' +
  'explain write code function data value result because however therefore example between during without'
).split(' ');

/** Deterministic prose of `bytes` ASCII characters (a small LCG picks words; sentences end now and then). */
export function prose(bytes: number): string {
  let state = 42;
  const parts: string[] = [];
  let length = 0;
  let sentence = 0;
  while (length < bytes) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    let word = WORDS[state % WORDS.length] ?? 'the';
    if (sentence === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
    sentence += 1;
    if (sentence > 8 + (state % 9)) {
      word += '.';
      sentence = 0;
    }
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ').slice(0, bytes);
}

/** An InferenceRequest whose prompt holds `promptBytes` characters. */
export function inferenceRequest(promptBytes: number): InferenceRequest {
  return {
    requestId: REQUEST_ID,
    modelId: MODEL,
    prompt: `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${prose(Math.max(0, promptBytes - 80))}<|eot_id|>`,
    maxTokens: 512,
    temperature: 0.7,
    topP: 0.9,
  };
}

/** The worker's acknowledgement of `request`. */
export function ack(request: InferenceRequest): InferenceAck {
  return { requestId: request.requestId, workerId: WORKER_ID, status: 'accepted', queuePosition: 0 };
}
