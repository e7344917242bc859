/**
 * The cluster configuration (config/cluster.yaml): its spec (schemas/cluster-config.schema.json plus the
 * cross-field rules) and the two entry points. The package entry re-exports these with the generated
 * `ClusterConfig` type; here they are typed with the hand-written {@link ClusterConfigShape}.
 */
import { clusterRules } from './config-rules.js';
import type { ClusterConfigShape } from './config-shape.js';
import { loadConfig, parseConfig, type ConfigSpec, type ParseOptions } from '../config/loader.js';
import { readSchemaFile } from '../config/schema-file.js';

export type { ClusterConfigShape } from './config-shape.js';

/** File name of the cluster configuration schema inside `schemas/`. */
export const CLUSTER_CONFIG_SCHEMA_FILE = 'cluster-config.schema.json';

/** Path `loadClusterConfig()` reads when given none, relative to the working directory. */
export const DEFAULT_CLUSTER_CONFIG_PATH = 'config/cluster.yaml';

/** Schema, rules and secret keys of the cluster configuration. */
export const clusterConfigSpec: ConfigSpec<ClusterConfigShape> = {
  schema: readSchemaFile(CLUSTER_CONFIG_SCHEMA_FILE),
  rules: clusterRules,
  secretKeys: ['password', 'token', 'tls'],
  nullMeansUnset: true,
};

/**
 * Reads, interpolates (`${VAR}`, `${VAR:-default}`, `$${` for a literal) and validates a cluster configuration
 * file. Resolves to a deeply frozen object with every default filled in; rejects with ConfigValidationError
 * listing every problem with its line and column. `T` lets the package entry bind the generated `ClusterConfig`
 * type (it must be assignable to {@link ClusterConfigShape}, which checks that the two agree).
 */
export function loadClusterConfig<T extends ClusterConfigShape = ClusterConfigShape>(
  path: string = DEFAULT_CLUSTER_CONFIG_PATH,
  options: Omit<ParseOptions, 'file'> = {},
): Promise<T> {
  return loadConfig<T>(path, clusterConfigSpec, options);
}

/** Like {@link loadClusterConfig}, for YAML text or an already-parsed object (objects are not interpolated). */
// T lets the package entry bind the generated ClusterConfig type, which the schema validation guarantees.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function parseClusterConfig<T extends ClusterConfigShape = ClusterConfigShape>(input: string | object, options: ParseOptions = {}): T {
  return parseConfig<T>(input, clusterConfigSpec, options);
}
