/**
 * docs/deployment.md stays true to the code: its cluster YAML examples load with the real config loader (their
 * `${VAR}` placeholders filled from a test environment), the `x-mlx-*` headers it names are the gateway's, its exit
 * code table is `EXIT`, and the service files it shows exist, run `mlx-node`, and give the drain time to finish.
 * Each check returns the problems it finds; every check is also run on a doctored copy to show that it can fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { ROUTING_HEADERS } from '../../src/cluster/gateway/gateway.js';
import { EXIT } from '../../src/cluster/service/cli.js';
import type { ClusterConfig } from '../../generated/index.js';

const DOC_PATH = 'docs/deployment.md';
const PLIST_PATH = 'config/launchd/dev.mlx-serving.node.plist';
const UNIT_PATH = 'config/systemd/mlx-node.service';

const doc = readFileSync(DOC_PATH, 'utf8');

/** The variables the examples read (NATS_PASSWORD for an example with a shared credential, if any). */
const TEST_ENV = { NATS_PASSWORD: 'test-nats-password-1', MLX_API_KEY: 'test-api-key-2', UPSTREAM_API_KEY: 'test-upstream-key-3' };

interface Block {
  text: string;
  /** 1-based line of the block's first content line in the Markdown. */
  line: number;
}

/** The fenced code blocks of `markdown` in language `lang`. */
function fencedBlocks(markdown: string, lang: string): Block[] {
  const blocks: Block[] = [];
  const fence = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  for (const match of markdown.matchAll(fence)) {
    blocks.push({ text: match[1] ?? '', line: markdown.slice(0, match.index).split('\n').length + 1 });
  }
  return blocks;
}

/** The YAML blocks that are whole cluster configurations: their first line that is not a comment is `cluster:`. */
function clusterBlocks(markdown: string): Block[] {
  return fencedBlocks(markdown, 'yaml').filter((block) => block.text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) === 'cluster:');
}

/** Loads every cluster block; the problems are the loader's messages. */
function loadBlocks(markdown: string): { configs: ClusterConfig[]; problems: string[] } {
  const configs: ClusterConfig[] = [];
  const problems: string[] = [];
  for (const block of clusterBlocks(markdown)) {
    try {
      configs.push(parseClusterConfig(block.text, { env: TEST_ENV, file: `${DOC_PATH} (block at line ${block.line})` }));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { configs, problems };
}

/** Every `x-mlx-*` name in `markdown`, lower-cased. */
function headersNamed(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/x-mlx-[a-z0-9-]*[a-z0-9]/gi)].map((m) => m[0].toLowerCase()));
}

/** Headers named but not defined, and defined but not documented. */
function headerProblems(markdown: string): string[] {
  const defined = new Set<string>(Object.values(ROUTING_HEADERS));
  const named = headersNamed(markdown);
  return [
    ...[...named].filter((h) => !defined.has(h)).map((h) => `${h} is named in the guide but is not one of ROUTING_HEADERS`),
    ...[...defined].filter((h) => !named.has(h)).map((h) => `${h} (ROUTING_HEADERS) is not documented`),
  ];
}

/** The rows of the "Exit codes" table: `| \`code\` | \`name\` | ... |`, code -> name. */
function exitCodeTable(markdown: string): Map<number, string> {
  const start = markdown.search(/^#{2,4} Exit codes$/m);
  if (start < 0) return new Map();
  const rest = markdown.slice(start).split('\n').slice(1).join('\n');
  const end = rest.search(/^#{1,4} /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return new Map([...section.matchAll(/^\| `(\d+)` \| `(\w+)` \|/gm)].map((m) => [Number(m[1]), m[2] ?? '']));
}

/** Differences between the guide's exit code table and `EXIT`. */
function exitCodeProblems(markdown: string): string[] {
  const table = exitCodeTable(markdown);
  const problems: string[] = [];
  for (const [name, code] of Object.entries(EXIT)) {
    if (table.get(code) !== name)
      problems.push(`EXIT.${name} = ${code}, the guide says ${table.has(code) ? `${code} is ${table.get(code) ?? ''}` : `nothing about ${code}`}`);
  }
  const codes = new Set<number>(Object.values(EXIT));
  for (const [code, name] of table) if (!codes.has(code)) problems.push(`the guide lists exit code ${code} (${name}), which EXIT does not define`);
  return problems;
}

/** The longest drain any documented configuration (or the defaults) can take: controller plus worker grace, in ms. */
function longestDrainMs(configs: readonly ClusterConfig[]): number {
  const defaults = parseClusterConfig({ cluster: { mode: 'dual', nats: { mode: 'embedded' } } });
  return Math.max(...[defaults, ...configs].map(({ cluster }) => cluster.controller.drain_timeout_ms + cluster.worker.drain_timeout_ms));
}

/** The XML element that follows `<key>name</key>` in a plist (comments removed), or undefined. */
function plistEntry(xml: string, name: string): string | undefined {
  const plain = xml.replace(/<!--[\s\S]*?-->/g, '');
  const at = plain.indexOf(`<key>${name}</key>`);
  if (at < 0) return undefined;
  const after = plain.slice(at + `<key>${name}</key>`.length).trimStart();
  const tag = /^<(\w+)\s*\/?>/.exec(after)?.[1];
  if (tag === undefined) return undefined;
  if (after.startsWith(`<${tag}/>`)) return `<${tag}/>`;
  const close = after.indexOf(`</${tag}>`);
  return close < 0 ? undefined : after.slice(0, close + `</${tag}>`.length);
}

/** What keeps the launchd job honest. */
function plistProblems(xml: string, drainMs: number): string[] {
  const problems: string[] = [];
  const args = [...(plistEntry(xml, 'ProgramArguments') ?? '').matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1] ?? '');
  if (!args.some((arg) => /(^|[\s/])mlx-node(\s|$)/.test(arg))) problems.push('ProgramArguments does not run mlx-node');
  if (!args.some((arg) => /\bexec mlx-node\b/.test(arg)) && args[0] !== 'mlx-node' && !(args[0] ?? '').endsWith('/mlx-node')) {
    problems.push('mlx-node is not the job’s process (a shell must `exec` it so that SIGTERM reaches it)');
  }
  const exitTimeout = Number(/<integer>(\d+)<\/integer>/.exec(plistEntry(xml, 'ExitTimeOut') ?? '')?.[1] ?? NaN);
  if (!(exitTimeout * 1000 > drainMs)) problems.push(`ExitTimeOut (${exitTimeout} s) is not longer than the longest drain (${drainMs} ms)`);
  const keepAlive = plistEntry(xml, 'KeepAlive') ?? '';
  if (plistEntry(keepAlive.replace(/^<dict>|<\/dict>$/g, ''), 'SuccessfulExit') !== '<false/>')
    problems.push('KeepAlive does not restart on failure only (SuccessfulExit false)');
  if (/<key>NATS_PASSWORD<\/key>|<key>MLX_API_KEY<\/key>/.test(xml)) problems.push('a secret is written in the plist');
  return problems;
}

/** `key=value` lines of a systemd unit (last one wins). */
function unitSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match !== null) settings.set(match[1] ?? '', match[2] ?? '');
  }
  return settings;
}

/** Seconds of a systemd time span such as `90`, `90s`, `2min` or `1min 30s`. */
function seconds(span: string): number {
  let total = 0;
  for (const [, value, unit] of span.matchAll(/(\d+)\s*(min|s)?/g)) total += Number(value) * (unit === 'min' ? 60 : 1);
  return total;
}

/** What keeps the systemd unit honest. */
function unitProblems(text: string, drainMs: number): string[] {
  const settings = unitSettings(text);
  const problems: string[] = [];
  if (!/(^|\/)mlx-node(\s|$)/.test(settings.get('ExecStart') ?? '')) problems.push('ExecStart does not run mlx-node');
  if (settings.get('KillSignal') !== 'SIGTERM') problems.push('KillSignal is not SIGTERM');
  if (settings.get('Restart') !== 'on-failure') problems.push('Restart is not on-failure');
  const prevented = new Set((settings.get('RestartPreventExitStatus') ?? '').split(/\s+/).filter(Boolean).map(Number));
  if (!prevented.has(EXIT.usage) || !prevented.has(EXIT.invalidConfig))
    problems.push('RestartPreventExitStatus does not name EXIT.usage and EXIT.invalidConfig');
  if (prevented.has(EXIT.failed)) problems.push('RestartPreventExitStatus stops restarts after EXIT.failed');
  const stop = seconds(settings.get('TimeoutStopSec') ?? '0');
  if (!(stop * 1000 > drainMs)) problems.push(`TimeoutStopSec (${stop} s) is not longer than the longest drain (${drainMs} ms)`);
  if (settings.has('Environment') && /PASSWORD|API_KEY/.test(settings.get('Environment') ?? '')) problems.push('a secret is written in the unit');
  return problems;
}

describe('docs/deployment.md: the cluster YAML examples', () => {
  const { configs, problems } = loadBlocks(doc);

  it('every block that starts with cluster: loads with parseClusterConfig', () => {
    expect(clusterBlocks(doc).length).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
    expect(configs).toHaveLength(clusterBlocks(doc).length);
  });

  it('has a controller reachable on the LAN, with embedded NATS admitting a key per node, and its API key from the environment', () => {
    const controller = configs.find((c) => c.cluster.mode === 'controller');
    expect(controller?.cluster.nats.mode).toBe('embedded');
    expect(controller?.cluster.nats.embedded.host).toBe('0.0.0.0');
    expect(controller?.cluster.controller.bind_address).toBe('0.0.0.0');
    expect(controller?.cluster.controller.api_key).toBe(TEST_ENV.MLX_API_KEY);
    expect(controller?.cluster.nats.nkey_seed_file).toMatch(/\.nk$/);
    expect(controller?.cluster.nats.embedded.users_file).toMatch(/\.json$/);
    expect(controller?.cluster.nats.password).toBeUndefined();
  });

  it('has a worker in external mode in front of an openai upstream, with a key of its own and the id it was issued for', () => {
    const worker = configs.find((c) => c.cluster.mode === 'worker' && c.cluster.worker.engine.url === 'http://127.0.0.1:8090/v1');
    expect(worker?.cluster.nats.mode).toBe('external');
    expect(worker?.cluster.nats.nkey_seed_file).toMatch(/\.nk$/);
    expect(worker?.cluster.worker.worker_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(worker?.cluster.worker.engine.type).toBe('openai');
    expect(worker?.cluster.worker.models?.length).toBeGreaterThan(0);
    expect(configs.some((c) => Object.keys(c.cluster.worker.engine.model_map).length > 0)).toBe(true);
  });

  it('the check can fail: a broken block or an unset variable is reported', () => {
    const broken = doc.replace('```yaml\ncluster:\n  mode: controller', '```yaml\ncluster:\n  mode: controler');
    expect(broken).not.toBe(doc);
    expect(loadBlocks(broken).problems.join('\n')).toContain('cluster.mode');
    const unset = doc.replace('api_key: ${MLX_API_KEY}', 'api_key: ${MLX_API_KEY_NOT_SET_IN_TEST}');
    expect(unset).not.toBe(doc);
    expect(loadBlocks(unset).problems.join('\n')).toContain('MLX_API_KEY_NOT_SET_IN_TEST');
  });
});

describe('docs/deployment.md: headers and exit codes', () => {
  it('names exactly the x-mlx-* headers ROUTING_HEADERS defines', () => {
    expect(headersNamed(doc).size).toBeGreaterThan(0);
    expect(headerProblems(doc)).toEqual([]);
    expect(headerProblems(`${doc}\nx-mlx-worker-id`)).toEqual(['x-mlx-worker-id is named in the guide but is not one of ROUTING_HEADERS']);
    expect(headerProblems(doc.replaceAll('x-mlx-route', 'the route'))).toEqual(['x-mlx-route (ROUTING_HEADERS) is not documented']);
  });

  it('lists every exit code of EXIT under its name, and no other', () => {
    expect(exitCodeTable(doc).size).toBe(Object.keys(EXIT).length);
    expect(exitCodeProblems(doc)).toEqual([]);
    expect(exitCodeProblems(doc.replace('| `3` | `invalidConfig` |', '| `4` | `invalidConfig` |'))).toHaveLength(2);
  });
});

describe('the service files', () => {
  const drainMs = longestDrainMs(loadBlocks(doc).configs);

  it('the launchd plist exists, runs mlx-node, restarts on failure only and outlasts the drain', () => {
    expect(existsSync(PLIST_PATH)).toBe(true);
    const xml = readFileSync(PLIST_PATH, 'utf8');
    expect(plistEntry(xml, 'Label')).toBe('<string>dev.mlx-serving.node</string>');
    expect(plistProblems(xml, drainMs)).toEqual([]);
    expect(plistProblems(xml.replace(/exec mlx-node/g, 'exec other-node'), drainMs)).toContain('ProgramArguments does not run mlx-node');
    expect(plistProblems(xml.replace(/(<key>ExitTimeOut<\/key>\s*<integer>)\d+/, '$120'), drainMs)[0]).toMatch(/^ExitTimeOut \(20 s\)/);
  });

  it('the systemd unit exists, runs mlx-node, stops with SIGTERM and outlasts the drain', () => {
    expect(existsSync(UNIT_PATH)).toBe(true);
    const unit = readFileSync(UNIT_PATH, 'utf8');
    expect(unitProblems(unit, drainMs)).toEqual([]);
    expect(unitProblems(unit.replace('KillSignal=SIGTERM', 'KillSignal=SIGKILL'), drainMs)).toEqual(['KillSignal is not SIGTERM']);
    expect(unitProblems(unit.replace(/^TimeoutStopSec=.*$/m, 'TimeoutStopSec=30s'), drainMs)[0]).toMatch(/^TimeoutStopSec \(30 s\)/);
  });

  it('the guide shows both files as they are', () => {
    for (const path of [PLIST_PATH, UNIT_PATH]) {
      expect(doc).toContain(readFileSync(path, 'utf8').trimEnd());
      expect(doc).toContain(`](../${path})`);
    }
  });
});
