/**
 * The cluster configuration (config/cluster.yaml): its spec (schemas/cluster-config.schema.json plus the
 * cross-field rules) and the two entry points, typed with the `ClusterConfig` generated from that schema.
 */
import type { ClusterConfig } from '../../generated/index.js';
import { clusterRules } from './config-rules.js';
import { loadConfig, parseConfig, type ConfigSpec, type ParseOptions } from '../config/loader.js';
import { readSchemaFile } from '../config/schema-file.js';

/** File name of the cluster configuration schema inside `schemas/`. */
export const CLUSTER_CONFIG_SCHEMA_FILE = 'cluster-config.schema.json';

/** Path `loadClusterConfig()` reads when given none, relative to the working directory. */
export const DEFAULT_CLUSTER_CONFIG_PATH = 'config/cluster.yaml';

/** Schema and rules of the cluster configuration; its secrets are the shared secret keys (base/redaction.ts). */
export const clusterConfigSpec: ConfigSpec<ClusterConfig> = {
  schema: readSchemaFile(CLUSTER_CONFIG_SCHEMA_FILE),
  rules: clusterRules,
  nullMeansUnset: true,
};

/**
 * Reads `config/cluster.yaml` (or `path`), interpolates `${VAR}`, `${VAR:-default}` (and `$${` for a literal) from
 * the environment, validates it against schemas/cluster-config.schema.json and the cross-field rules, and fills
 * in every default. Resolves to a deeply frozen {@link ClusterConfig}; rejects with `ConfigValidationError`
 * listing every problem with its file, line and column.
 */
export function loadClusterConfig(path: string = DEFAULT_CLUSTER_CONFIG_PATH, options: Omit<ParseOptions, 'file'> = {}): Promise<ClusterConfig> {
  return loadConfig(path, clusterConfigSpec, options);
}

/** Like {@link loadClusterConfig}, for YAML text or an already-parsed object (objects are not interpolated). */
export function parseClusterConfig(input: string | object, options: ParseOptions = {}): ClusterConfig {
  return parseConfig(input, clusterConfigSpec, options);
}
