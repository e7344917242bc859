/**
 * Whether the output directory can reach the runtime module the generated code imports (`--runtime`). Code that
 * imports a module it cannot find does not compile, so the CLI says so instead of writing it silently. The check
 * is by files only (no module is loaded): a relative specifier must name a file next to the output (`.js` may stand
 * for the `.ts` source, as TypeScript allows); a package specifier must name a package installed in a
 * `node_modules` above the output, or the package the output is part of.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A warning when `runtime`, imported from a file in `outDir`, cannot be found; undefined when it can. */
export function runtimeModuleProblem(runtime: string, outDir: string): string | undefined {
  const dir = path.resolve(outDir);
  if (runtime.startsWith('./') || runtime.startsWith('../')) {
    const target = path.resolve(dir, runtime);
    const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts')];
    if (candidates.some((file) => existsSync(file))) return undefined;
    return `the runtime module "${runtime}" does not exist as seen from ${dir} (looked for ${path.basename(target)}): the generated code will not compile there. Pass --runtime with the path from the output directory to the contract module, or the package's: --runtime @mlx-serving/distributed/contract`;
  }
  const name = packageName(runtime);
  if (name === undefined) return undefined;
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'node_modules', name, 'package.json'))) return undefined;
    if (packageJsonName(path.join(at, 'package.json')) === name) return undefined;
    if (path.dirname(at) === at) break;
  }
  return `the package "${name}" (imported by the generated code as "${runtime}") is not installed for ${dir}: the generated code will not compile until it is (npm install ${name})`;
}

/** `@scope/name` or `name` of a package specifier; undefined for a URL or a node: built-in. */
function packageName(specifier: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The `name` in a package.json, or undefined when there is none (or it cannot be read). */
function packageJsonName(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
