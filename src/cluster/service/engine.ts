/**
 * The engine `worker.engine` selects, wrapped so that operators can see what it did: every generation is counted by
 * how it ended (`completed`, `failed`, or `aborted` when the controller cancelled it or the client left).
 */
import { Counter, type Registry } from 'prom-client';
import { redactUrl } from '../../base/redaction.js';
import type { ClusterConfig } from '../../../generated/index.js';
import { CLUSTER_METRIC_PREFIX } from '../metrics.js';
import type { InferenceEngine } from '../worker.js';
import { openAiUpstreamEngine } from '../engines/openai-upstream.js';
import { simulatedEngine } from '../engines/simulated.js';

type EngineConfig = ClusterConfig['cluster']['worker']['engine'];

/** The engine of the configuration: the simulated one, or an upstream OpenAI-compatible server. */
export function engineFromConfig(engine: EngineConfig): InferenceEngine {
  if (engine.type === 'simulated') return simulatedEngine({ tokenDelayMs: engine.token_delay_ms });
  return openAiUpstreamEngine({
    url: engine.url ?? '',
    ...(typeof engine.api_key === 'string' ? { apiKey: engine.api_key } : {}),
    modelMap: engine.model_map,
    timeoutMs: engine.timeout_ms,
  });
}

/** A short description for the start-up summary, e.g. `openai engine at http://127.0.0.1:8090/v1`. */
export function describeEngine(engine: EngineConfig): string {
  return engine.type === 'simulated' ? `simulated engine (${engine.token_delay_ms} ms a token)` : `openai engine at ${redactUrl(engine.url ?? '?')}`;
}

/** `engine`, with its generations counted in `registry` as `mlx_distributed_engine_generations_total{outcome}`. */
export function countedEngine(engine: InferenceEngine, registry: Registry): InferenceEngine {
  const generations = new Counter({
    name: `${CLUSTER_METRIC_PREFIX}engine_generations_total`,
    help: 'Generations the engine ran, by how they ended: completed, failed, or aborted (cancelled by the controller, or the client left).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['completed', 'failed', 'aborted']) generations.labels(outcome).inc(0);
  return {
    async *generate(request, signal) {
      let outcome = 'completed';
      try {
        yield* engine.generate(request, signal);
        if (signal.aborted) outcome = 'aborted';
      } catch (error) {
        outcome = signal.aborted ? 'aborted' : 'failed';
        throw error;
      } finally {
        // A consumer that stopped early (return()) after an abort lands here too.
        if (signal.aborted) outcome = 'aborted';
        generations.labels(outcome).inc();
      }
    },
  };
}
