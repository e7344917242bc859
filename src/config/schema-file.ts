/**
 * Finds the package's JSON Schemas at run time. The package ships `schemas/` at its root next to `dist/src/`, so a
 * module finds them two levels up when run from `src/config/` (tsx, vitest) and three levels up from
 * `dist/src/config/` (after `tsc`). Reading the file, rather than importing the JSON, keeps one copy: an import
 * would make tsc emit a second copy under `dist/schemas/`, which the package does not ship.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DistributedError } from '../base/errors.js';
import type { JsonSchema } from './json-schema.js';

/** Where `schemas/` may be relative to a module in `src/config/` or `dist/src/config/`. */
const CANDIDATES = ['../../schemas/', '../../../schemas/'];

/** Absolute path of the schema file `name` (e.g. `cluster-config.schema.json`), seen from the module at `moduleUrl`. */
export function findSchemaFile(name: string, moduleUrl: string = import.meta.url): string {
  const tried: string[] = [];
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate + name, moduleUrl));
    if (existsSync(path)) return path;
    tried.push(path);
  }
  throw new DistributedError(
    'CONFIG_SCHEMA_NOT_FOUND',
    `The JSON Schema ${name} was not found (looked at: ${tried.join(', ')}). The package is incomplete: reinstall it, or keep schemas/ next to dist/.`,
  );
}

/** Reads and parses the schema file `name`; see {@link findSchemaFile}. */
export function readSchemaFile(name: string, moduleUrl?: string): JsonSchema {
  return JSON.parse(readFileSync(findSchemaFile(name, moduleUrl), 'utf8')) as JsonSchema;
}
