/**
 * @mlx-serving/distributed: the package entry, the one face users import. It joins the contract-agnostic runtime
 * (client, server, contract face, config loader, metrics), the code generated from asyncapi.yaml, and the cluster
 * layer built on both.
 *
 * Every runtime name is listed here by hand: a name becomes public only by being added to this file (and to the
 * README's list, which tests/public-face.test.ts holds to it). The generated names are the contract's own (its
 * messages, `channels`, contract metadata) and follow asyncapi.yaml, so they are re-exported whole.
 */

// Generated from the contract: Zod schemas, their types, `channels`, contract metadata, ClusterConfigSchema.
export * from '../generated/index.js';

// Runtime.
export { NatsClient, jsonSerializer, stringSerializer, bytesSerializer, type Serializer } from './client/index.js';
export { createNodeKey, nkeyPublicKey, seedFilePublicKey, type NodeKey } from './client/index.js';
export { EmbeddedNatsServer, type EmbeddedServerExit, type EmbeddedServerEvents, type EmbeddedNatsServerConfig } from './server/index.js';
export { findNatsServer } from './server/index.js';
export type {
  ClientEventName,
  ClientEvents,
  ClientHealth,
  ConnectionState,
  EndpointInfoDocument,
  EndpointStatsDocument,
  MessageContext,
  MessageHandler,
  NatsClientOptions,
  PublishOptions,
  ReplyHandler,
  ReplyOptions,
  RequestOptions,
  RunningService,
  ServiceEndpoint,
  ServiceInfoDocument,
  ServiceOptions,
  ServiceStatsDocument,
  SubscribeOptions,
  Subscription,
  TlsOptions,
} from './client/types.js';
export type { EmbeddedAuthorization, EmbeddedNkeyUser, EmbeddedServerOptions, EmbeddedServerReload } from './server/index.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions, type LogLevel } from './base/logger.js';
export {
  ConfigValidationError,
  DistributedError,
  HandlerError,
  MessageDecodeError,
  NatsBackpressureError,
  NatsConnectionError,
  NatsNoRespondersError,
  NatsNotConnectedError,
  NatsPortInUseError,
  NatsRemoteError,
  NatsServerExitError,
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsSlowConsumerError,
  NatsTimeoutError,
  SubjectError,
  ValidationError,
  type ConfigProblem,
  type DistributedErrorOptions,
  type ValidationIssue,
} from './base/errors.js';
export { ERROR_CODES, isErrorCode, type ErrorCode } from './base/error-codes.js';
export { MIN_SERVER_VERSION, SERVER_ADVISORIES, SERVER_FEATURES, NatsServerVersionError, serverSupports, type ServerFeature } from './base/server-version.js';
export { isSafeToken, assertPublishSubject, assertSubscribeSubject, compileSubjectTemplate, type SubjectTemplate } from './base/subjects.js';
export {
  defineChannel,
  validatingJsonSerializer,
  type Channel,
  type RequestReplyChannel,
  type ChannelSpec,
  type ChannelTransport,
  type ChannelHandler,
  type ChannelReplyHandler,
  type ChannelMessageContext,
  type ParameterSchemas,
  type ParameterValues,
} from './contract/index.js';
// Metrics (Prometheus): attach a ClientMetrics to a client, read metrics() or serve them on loopback.
export { OVERFLOW_LABEL, type ClientMetricsOptions } from './metrics/client-metrics.js';
export { serveMetrics, type MetricsServer, type MetricsServerOptions, type MetricsSource } from './metrics/http.js';
export { GENERIC_LABEL, type ChannelCounts, type ClientMetricsSink } from './client/index.js';
export { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_CODES, SERVICE_ERROR_HEADER, serviceErrorCode } from './client/index.js';
// Tracing (OpenTelemetry, optional): typed channels carry W3C trace context; see docs/tracing.md.
export {
  MESSAGING_SYSTEM,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  TRACER_NAME,
  channelTracing,
  setChannelTracing,
  type ChannelTracing,
} from './observability/index.js';
export { SERVICE_API_PREFIX, SERVICE_VERBS, serviceNameOf, serviceSubjects } from './contract/index.js';
export type { ParseOptions } from './config/loader.js';

// Cluster layer.
export { ClientMetrics } from './cluster/metrics.js';
export { InferenceRejectedError, NoWorkerAvailableError, StreamGapError, WorkerLostError, type NoWorkerReason } from './cluster/errors.js';
export { clusterConfigSpec, DEFAULT_CLUSTER_CONFIG_PATH, loadClusterConfig, parseClusterConfig } from './cluster/config.js';
export { toRuntimeOptions, type RuntimeOptions } from './cluster/runtime-options.js';
export { loadNodeIdentity, type NodeIdentity } from './cluster/identity.js';
export { readUsersFile, usersAuthorization, type NodeRole, type NodeUser } from './cluster/users-file.js';
export { WorkerRegistry, type WorkerRegistryOptions, type WorkerRegistryEvents, type StaticWorker } from './cluster/registry.js';
export type { OfflineReason, WorkerInfo, WorkerState } from './cluster/worker-info.js';
export {
  route,
  requirementFromModelId,
  type StrategyName,
  type ModelRequirement,
  type RouteInput,
  type RouteChoice,
  type RouterMemory,
} from './cluster/routing.js';
export { Controller, type ControllerOptions, type ControllerStream } from './cluster/controller.js';
export type { AttemptOutcome, InferAttempt, InferenceObserver, ObservedRequest, RequestOutcome } from './cluster/inference-observer.js';
export { Worker, type WorkerOptions, type InferenceEngine, type WorkerMetricsSample } from './cluster/worker.js';
export { InferenceMetrics, GEN_AI_BUCKETS, NO_WORKER_LABEL, type InferenceMetricsOptions, type InferenceSource } from './cluster/inference-metrics.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './cluster/dashboard/server.js';
export { ClusterView, type ClusterViewOptions } from './cluster/dashboard/cluster-view.js';
export type {
  AttemptView,
  DashboardSnapshot,
  DashboardUpdate,
  EndedRequestView,
  FeedEvent,
  RequestView,
  SeriesPoint,
  StateChange,
  Totals,
  WorkerView,
} from './cluster/dashboard/views.js';
export { startNode, type ClusterNode, type NodeOptions } from './cluster/node.js';
export { NODE_SERVICE_NAME, StreamMeter, registerNodeService, type NodeServiceOptions, type StreamFigures } from './cluster/node-service.js';
// The node as a service: mlx-node's parts, for programs that embed them.
export { runNode, type RunningNode } from './cluster/service/run-node.js';
export { runMlxNode, type CliIo } from './cluster/service/cli.js';
export { startGateway, ROUTING_HEADERS, type Gateway, type GatewayOptions } from './cluster/gateway/gateway.js';
export { simulatedEngine, simulatedText, SIMULATED_TOKENS, type SimulatedEngineOptions } from './cluster/engines/simulated.js';
export { openAiUpstreamEngine, type OpenAiUpstreamOptions } from './cluster/engines/openai-upstream.js';
export { cutAtStop } from './cluster/stop-sequences.js';
export {
  createInferenceStreaming,
  streamInference,
  serveInference,
  type InferenceChannels,
  type InferenceStream,
  type InferenceStreaming,
  type InferenceJobHandler,
  type InferenceService,
  type ServeInferenceOptions,
  type StreamInferenceOptions,
} from './cluster/streaming.js';
