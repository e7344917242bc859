/** Sizes of a run (full or --quick) and what every case gets: the server, the sizes, a progress logger. */

/** How much work each figure does. */
export interface Sizes {
  /** Timed rounds per side-by-side figure (after one warm-up per side). */
  rounds: number;
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

/** A full run: about a minute and a half on a 2-core machine. */
export const FULL: Sizes = {
  rounds: 5,
  publish: 200_000,
  pubsub: 100_000,
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

/** --quick: a smoke run of about 20 s; same figures, fewer messages, one round of the fresh-process figures. */
export const QUICK: Sizes = {
  rounds: 3,
  publish: 30_000,
  pubsub: 20_000,
  requestsInSequence: 400,
  requestsInFlight: 100,
  requestTotal: 3000,
  largePrompts: 100,
  compressedPrompts: 40,
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
