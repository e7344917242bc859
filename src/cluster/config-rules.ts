/**
 * Cross-field rules of the cluster configuration: what one key's value means for another's, which a JSON Schema
 * cannot say well. Each returns findings pointing at the key to change. Each rule's text lives in the schema
 * (`x-rules`), under the id {@link clusterRuleChecks} keys its check by; the comments here say how it is checked.
 *
 * Controller settings are used only in controller and dual mode, worker settings only in worker and dual mode.
 * A section for the other role is not an error (one file can serve several nodes); it is simply not used, and
 * its ports do not count as taken.
 */
import { missingCredentialHalf } from '../base/credentials.js';
import type { ConfigRule, RuleFinding } from '../config/loader.js';
import type { ClusterConfig, ClusterConfigRuleId } from '../../generated/index.js';

type Rule = ConfigRule<ClusterConfig>;

/** External NATS needs somewhere to connect: `server_url` or a non-empty `servers` list. */
export const externalNeedsServer: Rule = ({ cluster }) => {
  const { nats } = cluster;
  if (nats.mode !== 'external') return [];
  if (typeof nats.server_url === 'string' || (nats.servers?.length ?? 0) > 0) return [];
  return [
    {
      path: ['cluster', 'nats', 'server_url'],
      expected: 'a NATS server URL such as nats://10.0.0.5:4222 (nats.mode is external; or list the cluster under nats.servers)',
      found: 'no such key',
      target: 'key',
      showsValue: false,
    },
  ];
};

/** A worker may miss a heartbeat or two before it is offline, so the timeout must exceed the interval. */
export const offlineAfterHeartbeat: Rule = ({ cluster }) => {
  const { heartbeat_interval_ms: interval, offline_timeout_ms: timeout } = cluster.discovery;
  if (timeout > interval) return [];
  return [
    {
      path: ['cluster', 'discovery', 'offline_timeout_ms'],
      expected: `a value greater than cluster.discovery.heartbeat_interval_ms (${interval})`,
      found: String(timeout),
    },
  ];
};

/** Two servers of one node cannot listen on one port: controller, dashboard, worker and embedded NATS. */
export const distinctPorts: Rule = ({ cluster }) => {
  const listening: { path: string[]; port: number }[] = [];
  if (cluster.mode !== 'worker') {
    listening.push({ path: ['cluster', 'controller', 'port'], port: cluster.controller.port });
    listening.push({ path: ['cluster', 'controller', 'dashboard_port'], port: cluster.controller.dashboard_port });
  }
  if (cluster.mode !== 'controller') listening.push({ path: ['cluster', 'worker', 'port'], port: cluster.worker.port });
  if (cluster.nats.mode === 'embedded') {
    listening.push({ path: ['cluster', 'nats', 'embedded', 'port'], port: cluster.nats.embedded.port });
    listening.push({ path: ['cluster', 'nats', 'embedded', 'http_port'], port: cluster.nats.embedded.http_port });
  }
  const findings: RuleFinding[] = [];
  listening.forEach((entry, index) => {
    const holder = listening.slice(0, index).find((earlier) => earlier.port === entry.port);
    if (holder === undefined) return;
    findings.push({
      path: entry.path,
      expected: `a port not already used by ${holder.path.join('.')} (${holder.port}) in ${cluster.mode} mode`,
      found: String(entry.port),
    });
  });
  return findings;
};

/** User and password only work together. */
export const userWithPassword: Rule = ({ cluster }) => {
  const missing = missingCredentialHalf(cluster.nats.user, cluster.nats.password);
  if (missing === undefined) return [];
  return [
    missing === 'password'
      ? { path: ['cluster', 'nats', 'password'], expected: 'a password (nats.user is set)', found: 'no password', target: 'key', showsValue: false }
      : { path: ['cluster', 'nats', 'user'], expected: 'a user name (nats.password is set)', found: 'no user', target: 'key', showsValue: false },
  ];
};

/** A client certificate is useless without its key, and the other way round. */
export const certWithKey: Rule = ({ cluster }) => {
  const tls = cluster.nats.tls;
  if (tls === undefined || (tls.cert === undefined) === (tls.key === undefined)) return [];
  return [
    tls.cert === undefined
      ? { path: ['cluster', 'nats', 'tls', 'cert'], expected: 'a client certificate (nats.tls.key is set)', found: 'no cert', target: 'key', showsValue: false }
      : { path: ['cluster', 'nats', 'tls', 'key'], expected: 'a client key (nats.tls.cert is set)', found: 'no key', target: 'key', showsValue: false },
  ];
};

/** An upstream engine needs the upstream's address. Checked in every mode: one file may serve several nodes. */
export const upstreamNeedsUrl: Rule = ({ cluster }) => {
  const engine = cluster.worker.engine;
  if (engine.type !== 'openai' || engine.url !== undefined) return [];
  return [
    {
      path: ['cluster', 'worker', 'engine', 'url'],
      expected: 'the upstream API base URL, such as http://127.0.0.1:8080/v1 (worker.engine.type is openai)',
      found: 'no such key',
      target: 'key',
      showsValue: false,
    },
  ];
};

/** A node signs with its own key or uses a shared credential, not both: the server admits one kind of user. */
export const oneCredential: Rule = ({ cluster }) => {
  const { nats } = cluster;
  if (typeof nats.nkey_seed_file !== 'string') return [];
  const shared = typeof nats.user === 'string' ? 'user' : typeof nats.token === 'string' ? 'token' : undefined;
  if (shared === undefined) return [];
  return [
    {
      path: ['cluster', 'nats', shared],
      expected: `no shared credential (nats.nkey_seed_file is set: this node signs with its own key; remove nats.${shared === 'user' ? 'user and nats.password' : 'token'})`,
      found: `nats.${shared} set`,
      target: 'key',
      showsValue: false,
    },
  ];
};

/**
 * A node's key is bound to an id: a worker's is its `worker_id`; a controller (or dual node) finds its own in the
 * users file of its embedded server, which in turn admits only its users, this node included.
 */
export const keyWithIdentity: Rule = ({ cluster }) => {
  const { nats, mode } = cluster;
  const usersFile = nats.mode === 'embedded' && typeof nats.embedded.users_file === 'string';
  if (usersFile && typeof nats.nkey_seed_file !== 'string') {
    return [
      {
        path: ['cluster', 'nats', 'nkey_seed_file'],
        expected: "this node's own seed file (nats.embedded.users_file is set: the embedded server admits only the nodes listed there, this one too)",
        found: 'no such key',
        target: 'key',
        showsValue: false,
      },
    ];
  }
  if (typeof nats.nkey_seed_file !== 'string' || usersFile) return [];
  if (mode === 'worker') {
    if (typeof cluster.worker.worker_id === 'string') return [];
    return [
      {
        path: ['cluster', 'worker', 'worker_id'],
        expected: 'the worker id its key was issued for (nats.nkey_seed_file is set): the worker_id line mlx-node credentials add-worker printed',
        found: 'no such key',
        target: 'key',
        showsValue: false,
      },
    ];
  }
  return [
    {
      path: ['cluster', 'nats', 'nkey_seed_file'],
      expected: `a key for a worker only, or for a ${mode} node whose embedded server has nats.embedded.users_file (it finds its own id there)`,
      found: `a key in ${mode} mode with ${nats.mode === 'embedded' ? 'no users file' : 'external NATS'}`,
      showsValue: false,
    },
  ];
};

/**
 * Every cross-field rule of the cluster configuration, keyed by the id the schema lists it under (`x-rules` of
 * schemas/cluster-config.schema.json, where each rule's text is, and which docs/configuration.md shows): the type
 * `ClusterConfigRuleId` is generated from that list, so a rule the schema lists without a check here, or a check
 * the schema does not list, does not compile.
 */
export const clusterRuleChecks: Readonly<Record<ClusterConfigRuleId, Rule>> = {
  'external-needs-server': externalNeedsServer,
  'offline-after-heartbeat': offlineAfterHeartbeat,
  'distinct-ports': distinctPorts,
  'user-with-password': userWithPassword,
  'cert-with-key': certWithKey,
  'upstream-needs-url': upstreamNeedsUrl,
  'one-credential': oneCredential,
  'key-with-identity': keyWithIdentity,
};

/** Every cross-field rule, in the order they are checked (the order the schema lists them). */
export const clusterRules: readonly Rule[] = Object.values(clusterRuleChecks);
