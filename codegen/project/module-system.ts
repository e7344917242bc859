/**
 * Whether the project the output goes into can compile and run generated code. Generated files are ES modules
 * (`import` with `.js` extensions, the package's `exports` subpath `@mlx-serving/distributed/contract`, which has an
 * `import` condition only), so they need a package.json with `"type": "module"` and a tsconfig that compiles and
 * resolves for Node's ES modules (`"module": "NodeNext"`). `npm init` writes a CommonJS package.json: TypeScript
 * then emits require() calls that Node refuses at run time, and the project's own top-level awaits do not compile
 * (TS1309). The CLI says so, with the command that fixes it, before either happens.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nearestPackageJson } from '../rules/config.js';

/** `module` values under which an ES-module .ts file with `.js` imports of a package's `exports` compiles. */
const ESM_MODULES = new Set(['nodenext', 'node16', 'node18', 'node20', 'esnext', 'es2020', 'es2022', 'preserve']);
/** `moduleResolution` values that cannot read a package's `exports` map. */
const LEGACY_RESOLUTION = new Set(['node', 'node10', 'classic']);

/** The problems of the project that holds `outDir`, each a sentence with what to do; empty when there is none. */
export function moduleSystemProblems(outDir: string, guide: string): string[] {
  const dir = path.resolve(outDir);
  const manifest = nearestPackageJson(dir);
  const fix = `(see ${guide})`;
  if (manifest === undefined) {
    return [
      `no package.json above ${dir}: generated code is ES modules and needs a project with "type": "module" (npm init -y && npm pkg set type=module) ${fix}`,
    ];
  }
  const problems: string[] = [];
  const type = readJson(manifest)?.type;
  if (type !== 'module') {
    problems.push(
      `${manifest} has ${type === undefined ? 'no "type"' : `"type": ${JSON.stringify(type)}`}, so this is a CommonJS project (npm init's default): TypeScript compiles the generated ES modules to require() calls, which Node refuses at run time (ERR_PACKAGE_PATH_NOT_EXPORTED: @mlx-serving/distributed is ES modules only), and a top-level await in your own code does not compile (TS1309). Run npm pkg set type=module there, and compile with "module": "NodeNext" ${fix}`,
    );
  }
  const tsconfig = nearestTsconfig(dir, path.dirname(manifest));
  const options = tsconfig === undefined ? undefined : compilerOptions(tsconfig);
  if (tsconfig !== undefined && options !== undefined) {
    const moduleKind = typeof options.module === 'string' ? options.module.toLowerCase() : undefined;
    const resolution = typeof options.moduleResolution === 'string' ? options.moduleResolution.toLowerCase() : undefined;
    if (moduleKind !== undefined && !ESM_MODULES.has(moduleKind)) {
      problems.push(
        `${tsconfig} compiles with "module": ${JSON.stringify(options.module)}, which cannot compile the generated ES modules: set "module": "NodeNext" (and "moduleResolution": "NodeNext") ${fix}`,
      );
    } else if (resolution !== undefined && LEGACY_RESOLUTION.has(resolution)) {
      problems.push(
        `${tsconfig} resolves modules with "moduleResolution": ${JSON.stringify(options.moduleResolution)}, which cannot find @mlx-serving/distributed/contract (a package "exports" subpath): set "moduleResolution": "NodeNext" ${fix}`,
      );
    }
  }
  return problems;
}

/** The nearest tsconfig.json at or above `dir`, not above `root` (the project's directory). */
function nearestTsconfig(dir: string, root: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const file = path.join(at, 'tsconfig.json');
    if (existsSync(file)) return file;
    if (at === root || path.dirname(at) === at) return undefined;
  }
}

/** `compilerOptions` of a tsconfig (comments and trailing commas allowed); undefined when it cannot be read or extends another. */
function compilerOptions(file: string): Record<string, unknown> | undefined {
  const config = readJson(file, true);
  if (config === undefined || config.extends !== undefined) return undefined;
  const options = config.compilerOptions;
  return typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
}

function readJson(file: string, jsonc = false): Record<string, unknown> | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const value: unknown = JSON.parse(jsonc ? withoutComments(text) : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with comments and trailing commas (tsconfig's dialect) as plain JSON; strings are kept as they are. */
export function withoutComments(text: string): string {
  return outsideStrings(
    outsideStrings(text, (rest) => {
      if (rest.startsWith('//')) return { skip: rest.includes('\n') ? rest.indexOf('\n') : rest.length };
      if (rest.startsWith('/*')) return { skip: rest.includes('*/') ? rest.indexOf('*/') + 2 : rest.length };
      return undefined;
    }),
    (rest) => (/^,\s*[}\]]/.test(rest) ? { skip: 1 } : undefined),
  );
}

/** `text` with what `drop` says to skip at each position outside a string (`{ skip: n }` drops n characters). */
function outsideStrings(text: string, drop: (rest: string) => { skip: number } | undefined): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    if (text[i] === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    // Only a comment or a comma can be dropped: look further only there.
    const dropped = text[i] === '/' || text[i] === ',' ? drop(text.slice(i)) : undefined;
    if (dropped !== undefined) {
      i += dropped.skip;
      continue;
    }
    out += text[i] ?? '';
    i += 1;
  }
  return out;
}

/** The index just after the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
