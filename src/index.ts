/**
 * @mlx-serving/distributed: the package entry. The one place that joins the contract-agnostic runtime (`src/`)
 * with the code generated from asyncapi.yaml (`generated/`).
 */
import { channels } from '../generated/index.js';
import type { ClusterConfig } from '../generated/index.js';
import { createInferenceStreaming } from './cluster/streaming.js';
import { loadClusterConfig as loadClusterConfigShape, parseClusterConfig as parseClusterConfigShape } from './cluster/config.js';
import type { ParseOptions } from './config/loader.js';

// Generated from the contract: Zod schemas, their types, `channels`, contract metadata, ClusterConfigSchema.
export * from '../generated/index.js';

// Runtime.
export { NatsClient } from './client/client.js';
export { EmbeddedNatsServer, type EmbeddedServerExit, type EmbeddedServerEvents, type EmbeddedNatsServerConfig } from './server/embedded-server.js';
export { findNatsServer } from './server/find-binary.js';
export type * from './client/types.js';
export type { EmbeddedServerOptions } from './server/index.js';
export { jsonSerializer, stringSerializer, bytesSerializer, type Serializer } from './client/serializers.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions, type LogLevel } from './base/logger.js';
export * from './base/errors.js';
export { isSafeToken, assertPublishSubject, assertSubscribeSubject, compileSubjectTemplate, type SubjectTemplate } from './base/subjects.js';
export {
  defineChannel,
  type Channel,
  type RequestReplyChannel,
  type ChannelSpec,
  type ChannelTransport,
  type ChannelHandler,
  type ChannelReplyHandler,
  type ChannelMessageContext,
  type ParameterSchemas,
  type ParameterValues,
} from './contract/define-channel.js';
export { validatingJsonSerializer } from './contract/typed-serializer.js';
export {
  createInferenceStreaming,
  type InferenceStream,
  type InferenceStreaming,
  type InferenceJobHandler,
  type StreamInferenceOptions,
} from './cluster/streaming.js';
export { toRuntimeOptions, type RuntimeOptions } from './cluster/runtime-options.js';
// Metrics (Prometheus): attach a ClientMetrics to a client, read metrics() or serve them on loopback.
export { ClientMetrics, OVERFLOW_LABEL, type ClientMetricsOptions } from './metrics/client-metrics.js';
export { serveMetrics, type MetricsServer, type MetricsServerOptions, type MetricsSource } from './metrics/http.js';
export { GENERIC_LABEL, type ChannelCounts, type ClientMetricsSink } from './client/metrics-sink.js';
export { clusterConfigSpec, DEFAULT_CLUSTER_CONFIG_PATH } from './cluster/config.js';
export type { ParseOptions } from './config/loader.js';

/**
 * Reads `config/cluster.yaml` (or `path`), interpolates `${VAR}` / `${VAR:-default}` from the environment,
 * validates it against schemas/cluster-config.schema.json and the cross-field rules, and fills in every default.
 * Resolves to a deeply frozen {@link ClusterConfig}; rejects with `ConfigValidationError` listing every problem
 * with its file, line and column.
 */
export function loadClusterConfig(path?: string, options?: Omit<ParseOptions, 'file'>): Promise<ClusterConfig> {
  return loadClusterConfigShape<ClusterConfig>(path, options);
}

/** Like {@link loadClusterConfig}, for YAML text or an already-parsed object. */
export function parseClusterConfig(input: string | object, options?: ParseOptions): ClusterConfig {
  return parseClusterConfigShape<ClusterConfig>(input, options);
}

const streaming = createInferenceStreaming({ inference: channels.workerInference, response: channels.response });

/**
 * Controller side of streaming inference: subscribes to `response.{requestId}`, sends the InferenceRequest to
 * `worker.{workerId}.inference`, and resolves once the worker accepted (a refusal rejects with
 * `InferenceRejectedError`). Iterate the result for StreamingResponse events; it ends after `done` or `error`,
 * fails with `NatsTimeoutError` when idle too long, and unsubscribes when you break out.
 */
export const streamInference = streaming.streamInference;

/**
 * Worker side of streaming inference: answers requests on `worker.{workerId}.inference` with the acknowledgement
 * `accept()` returns, then streams the tokens `generate()` yields as StreamingResponse events, ending with `done`
 * (or `error` if it throws).
 */
export const serveInference = streaming.serveInference;
