/**
 * The generator's own dependencies that the runtime does not need: `@asyncapi/parser` and `prettier` are optional
 * peer dependencies of the package, so a project that only uses the runtime never installs them. The `mlx-codegen`
 * bin checks for them before loading anything else and, when one is missing, says which and how to install it.
 * The check only resolves the names (nothing is loaded), from where this file is: where the generator will import
 * them from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The packages the generator imports that the package's runtime does not. */
export const GENERATOR_PEERS = ['@asyncapi/parser', 'prettier'] as const;

/**
 * The peers a command line needs: generating needs both; `docs` needs the parser (its page renderer is checked by
 * the docs command itself); the gate (`--against`) and `--help` need neither.
 */
export function peersFor(argv: readonly string[]): readonly string[] {
  if (argv.includes('--help') || argv.includes('--against') || argv.some((a) => a.startsWith('--against='))) return [];
  if (argv[0] === 'docs') return ['@asyncapi/parser'];
  return GENERATOR_PEERS;
}

/** The peers that cannot be resolved; `resolve` throws for a specifier it cannot find (like `import.meta.resolve`). */
export function missingPeers(
  resolve: (specifier: string) => string = (specifier) => import.meta.resolve(specifier),
  needed: readonly string[] = GENERATOR_PEERS,
): string[] {
  return needed.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * The version ranges the package declares for its peers, and for the docs page's renderer the version it is tested
 * with (its development dependency); empty when its package.json cannot be read.
 */
export function peerRanges(): Record<string, string> {
  try {
    const manifest = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@mlx-serving/distributed/package.json')), 'utf8')) as {
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const renderer = manifest.devDependencies?.['@asyncapi/react-component'];
    return { ...(renderer === undefined ? {} : { '@asyncapi/react-component': renderer }), ...manifest.peerDependencies };
  } catch {
    return {};
  }
}

/** The error the bin prints when `missing` peers are not installed: which, why, and the command that installs them. */
export function missingPeersMessage(missing: readonly string[], ranges: Readonly<Record<string, string>> = peerRanges(), task = 'generate code'): string {
  const names = missing.join(' and ');
  const install = missing.map((name) => (ranges[name] === undefined ? name : `${name}@${ranges[name]}`)).join(' ');
  return [
    `mlx-codegen: cannot ${task}: ${names} ${missing.length === 1 ? 'is' : 'are'} not installed.`,
    `The generator needs ${GENERATOR_PEERS.join(' and ')}; they are optional peer dependencies of @mlx-serving/distributed,`,
    'so projects that only use its runtime do not install them. Install them as development dependencies:',
    '',
    `  npm install --save-dev ${install}`,
  ].join('\n');
}
