/** Sizes of a run (full or --quick) and what every case gets: the server, the sizes, a progress logger. */
import type { Plan } from './interleave.js';

/** How much work each figure does. Counts are per round and per side; a round is cut into `chunks` chunks. */
export interface Sizes {
  /** Timed rounds per side-by-side figure (after one warm-up round, interleaved the same way and discarded). */
  rounds: number;
  /** Chunks per round: each side measures one chunk per turn (bench/lib/interleave.ts). */
  chunks: number;
  publish: number;
  pubsub: number;
  requestsInSequence: number;
  requestsInFlight: number;
  requestTotal: number;
  largePrompts: number;
  compressedPrompts: number;
  burst: number;
  burstRounds: number;
  embeddedRounds: number;
  configRounds: number;
  codegenRounds: number;
  /** Runs of `npm run codegen -- --check` as a whole process. */
  checkRounds: number;
}

/** A full run: about five and a half minutes on a busy 2-core machine (load average 7). */
export const FULL: Sizes = {
  rounds: 5,
  chunks: 10,
  publish: 200_000,
  pubsub: 100_000,
  // 300 requests per chunk: a chunk's p99 (nearest rank) is its fourth-largest latency.
  requestsInSequence: 3000,
  requestsInFlight: 100,
  requestTotal: 20_000,
  largePrompts: 1000,
  compressedPrompts: 400,
  burst: 1_000_000,
  burstRounds: 3,
  embeddedRounds: 5,
  configRounds: 3,
  codegenRounds: 3,
  checkRounds: 5,
};

/** --quick: a smoke run of about a minute on a busy 2-core machine; same figures, fewer messages and rounds. */
export const QUICK: Sizes = {
  rounds: 2,
  chunks: 10,
  publish: 30_000,
  pubsub: 20_000,
  // 100 requests per chunk: a chunk's p99 (nearest rank) is its second-largest latency.
  requestsInSequence: 1000,
  requestsInFlight: 100,
  // 600 per chunk: six times the in-flight window, so a chunk is mostly steady state.
  requestTotal: 6000,
  largePrompts: 200,
  compressedPrompts: 80,
  burst: 150_000,
  // Figures measured in fresh processes cost a process start each (about 1 s under tsx): one round in --quick.
  burstRounds: 1,
  embeddedRounds: 3,
  configRounds: 1,
  codegenRounds: 1,
  checkRounds: 3,
};

/** What a case needs. */
export interface BenchContext {
  /** nats-server client URL. */
  url: string;
  /** nats-server monitoring port (for /varz byte counts). */
  httpPort: number;
  quick: boolean;
  sizes: Sizes;
  /** Progress, to stderr. */
  log(line: string): void;
}

/** The interleaved plan of a side-by-side figure: the run's rounds and chunks, after one warm-up round. */
export function chunkedPlan(sizes: Sizes): Plan {
  return { rounds: sizes.rounds, chunks: sizes.chunks, warmUp: true };
}
