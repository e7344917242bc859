/**
 * A cluster node as a NATS micro service, so that `nats micro ls|info|stats` and every services client see it: the
 * contract's service name (`serviceNameOf`) and `info.version`, the node's role and worker id in the metadata, one
 * endpoint per typed reply subscription the node serves (a worker's `worker.<id>.inference`: the contract's
 * operations it receives with a reply, each with its address and message names), counted by the client. A worker's
 * STATS also carry what the protocol cannot see by itself in a stream: the `data` of its inference endpoint holds
 * the streams in flight, the streams and tokens so far, and the engine's time to first token.
 */
import type { Logger } from '../base/logger.js';
import { describe } from '../base/errors.js';
import type { NatsClient, RunningService } from '../client/index.js';
import { serviceNameOf } from '../contract/index.js';
import { channels, contract } from '../../generated/index.js';
import type { InferenceEngine } from './worker.js';

/** The NATS service name of every node of this contract. */
export const NODE_SERVICE_NAME = serviceNameOf(contract);

/** What a worker's inference endpoint reports in STATS `data`. Times in milliseconds. */
export interface StreamFigures {
  /** Generations running now. */
  streams_in_flight: number;
  /** Generations started since the node started. */
  streams: number;
  /** Tokens generated since the node started. */
  tokens: number;
  /** From the engine's call to its first token: the mean over every generation that produced one, and the last. */
  time_to_first_token_ms: { average: number; last: number } | null;
}

/** Counts a worker's generations by wrapping its engine. */
export class StreamMeter {
  private inFlight = 0;
  private started = 0;
  private tokens = 0;
  private firstTokens = 0;
  private firstTokenMsTotal = 0;
  private lastFirstTokenMs = 0;

  /** `engine`, counted. */
  engine(engine: InferenceEngine): InferenceEngine {
    return { generate: (request, signal) => this.count(engine.generate(request, signal)) };
  }

  /** The figures now. */
  figures(): StreamFigures {
    const round = (ms: number): number => Math.round(ms * 1000) / 1000;
    return {
      streams_in_flight: this.inFlight,
      streams: this.started,
      tokens: this.tokens,
      time_to_first_token_ms: this.firstTokens === 0 ? null : { average: round(this.firstTokenMsTotal / this.firstTokens), last: round(this.lastFirstTokenMs) },
    };
  }

  private async *count(tokens: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
    const start = performance.now();
    let first = true;
    this.started += 1;
    this.inFlight += 1;
    try {
      for await (const token of tokens) {
        if (first) {
          first = false;
          this.lastFirstTokenMs = performance.now() - start;
          this.firstTokenMsTotal += this.lastFirstTokenMs;
          this.firstTokens += 1;
        }
        this.tokens += 1;
        yield token;
      }
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Options of {@link registerNodeService}. */
export interface NodeServiceOptions {
  role: 'controller' | 'worker' | 'dual';
  /** The worker's id (worker and dual nodes). */
  workerId?: string;
  /** The worker's stream figures, reported in its inference endpoint's STATS `data`. */
  meter?: StreamMeter;
  logger: Logger;
}

/**
 * Registers the node's service on `client`; resolves to undefined (and logs why) when it cannot start, and logs the
 * reason when the server stops it later (e.g. the node's NATS permissions do not grant the `$SRV` subjects): a node
 * runs without discovery rather than not at all.
 */
export async function registerNodeService(client: NatsClient, options: NodeServiceOptions): Promise<RunningService | undefined> {
  const metadata: Record<string, string> = { role: options.role, contract: contract.id };
  if (options.workerId !== undefined) metadata.worker_id = options.workerId;
  const meter = options.meter;
  try {
    const service = await client.registerService({
      name: NODE_SERVICE_NAME,
      version: contract.version,
      description: contract.title,
      metadata,
      statsData: (endpoint) => (meter !== undefined && endpoint === channels.workerInference.id ? meter.figures() : undefined),
    });
    void service.stopped.then((error) => {
      if (error !== null)
        options.logger.warn(
          { error: describe(error), service: NODE_SERVICE_NAME },
          'The NATS service of this node stopped: nats micro no longer sees it (its NATS permissions must allow the $SRV subjects, see docs/services.md)',
        );
    });
    return service;
  } catch (error) {
    options.logger.warn({ error: describe(error), service: NODE_SERVICE_NAME }, 'The NATS service of this node could not start: nats micro will not see it');
    return undefined;
  }
}
