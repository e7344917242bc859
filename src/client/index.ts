/**
 * The client's public face: what the rest of the runtime (contract face, metrics, cluster layer) and the package
 * entry may use. The other files of this folder are the client's internals.
 */
export { NatsClient } from './client.js';
export type * from './types.js';
export type { EmbeddedServerReload } from './embedded.js';
export { jsonSerializer, stringSerializer, bytesSerializer, type DecodeInfo, type Serializer } from './serializers.js';
export { GENERIC_LABEL, type ChannelCounts, type ClientMetricsSink } from './metrics-sink.js';
export { createNodeKey, nkeyPublicKey, seedFilePublicKey, NKEY_SEED_ERROR, type NodeKey } from './node-keys.js';
export { ERROR_CODE_HEADER, SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_CODES, SERVICE_ERROR_HEADER, serviceErrorCode } from './error-codes.js';
