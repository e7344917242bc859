/** Paths into a configuration document: segments for code, dotted text (`cluster.workers.static[0].ip`) for people. */
import { pointerSegments } from '../base/json-pointer.js';

/** A path into the configuration: object keys and array indexes. */
export type ConfigPath = readonly (string | number)[];

/** Formats a path the way an operator reads the YAML: `cluster.nats.embedded.port`, `cluster.workers.static[0].ip`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Turns an ajv `instancePath` (a JSON Pointer such as `/cluster/workers/static/0/ip`) into segments.
 * All-digit segments are array indexes: a schema with closed objects never lets a digit key get that far.
 */
export function pointerToPath(pointer: string): (string | number)[] {
  return pointerSegments(pointer).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
