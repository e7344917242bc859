/**
 * Where a message sends the reader for more: a page of the package's own docs (`docs/*.md`, shipped in the package),
 * as a path the reader can open from where they run the command. In this repository that is `docs/<page>`; in a
 * project that installed the package, `node_modules/@mlx-serving/distributed/docs/<page>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@mlx-serving/distributed';

/** The directory of the package that holds this file (its package.json names the package), or undefined. */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not this one.
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `docs/<page>` of the package, relative to `cwd` when inside it (absolute otherwise), `#anchor` appended. */
export function guide(page: string, anchor?: string, cwd: string = process.cwd()): string {
  const suffix = anchor === undefined ? '' : `#${anchor}`;
  const root = packageRoot();
  const file = root === undefined ? undefined : path.join(root, 'docs', page);
  if (file === undefined || !existsSync(file)) return `docs/${page}${suffix} in the ${PACKAGE_NAME} package`;
  const relative = path.relative(cwd, file);
  return `${relative.startsWith('..') || path.isAbsolute(relative) ? file : relative}${suffix}`;
}
