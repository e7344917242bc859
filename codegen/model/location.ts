/**
 * The `location` of a channel parameter (AsyncAPI 3 §Parameter Object): a runtime expression saying where a message
 * carries the parameter's value too. A payload location (`$message.payload#/requestId`) becomes a JSON pointer the
 * runtime compares with the subject, in both directions; a header location is left to the application (NATS headers
 * are not typed by the contract), which a warning says. A payload location that no message of the channel can carry
 * is an error: it would compare nothing, silently.
 */
import { diagnosticAt, type Diagnostic } from '../input/diagnostics.js';
import { childPointer, pointerSegments } from '../input/json-pointer.js';
import type { SourceRef, SourceSet } from '../input/sources.js';

const PAYLOAD = '$message.payload#';
const HEADER = '$message.header#';

/** What one parameter's location gives codegen: the payload pointer to check at run time, and any problem. */
export interface LocationReading {
  /** A JSON pointer into the payload (`/requestId`), or undefined when the parameter has no payload location. */
  pointer: string | undefined;
  diagnostics: Diagnostic[];
}

/**
 * Reads the `location` of parameter `name` (its object `json`, written at `at`) of a channel whose messages have
 * `payloads` (plain JSON Schema, `$ref`s resolved).
 */
export function readLocation(
  sources: SourceSet,
  at: SourceRef,
  name: string,
  channelId: string,
  json: Record<string, unknown>,
  payloads: readonly unknown[],
): LocationReading {
  const location = json.location;
  if (typeof location !== 'string') return { pointer: undefined, diagnostics: [] };
  const where = { file: at.file, pointer: childPointer(at.pointer, 'location') };
  if (location.startsWith(HEADER)) {
    const text = `parameter "${name}" of channel "${channelId}": location ${location} is not checked at run time (the runtime compares payload locations only)`;
    return { pointer: undefined, diagnostics: [diagnosticAt(sources, where, text, 'warning')] };
  }
  // The parser checks the expression's syntax; anything else is not a location codegen can use.
  if (!location.startsWith(PAYLOAD)) return { pointer: undefined, diagnostics: [] };
  const pointer = location.slice(PAYLOAD.length);
  const path = pointerSegments(pointer);
  if (payloads.some((payload) => mayHold(payload, path, 0))) return { pointer, diagnostics: [] };
  const text = `parameter "${name}" of channel "${channelId}": location ${location} names a field no message of the channel has; point it at a payload field, or drop it for this channel (a parameter shared by several channels needs a component of its own where the payloads differ)`;
  return { pointer: undefined, diagnostics: [diagnosticAt(sources, where, text)] };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether an instance valid for `schema` may have a value at `path`: every `allOf` branch and some `oneOf`/`anyOf`
 * branch allow it, and so do the schema's own `type`, `properties`, `patternProperties` and `additionalProperties`.
 * Lenient (other keywords are not read): it answers false only where the schema rules the field out.
 */
function mayHold(schema: unknown, path: readonly string[], depth: number): boolean {
  if (typeof schema === 'boolean') return schema;
  if (path.length === 0 || depth > 64) return true;
  if (!isObject(schema)) return true;
  const branches = (key: string): unknown[] => (Array.isArray(schema[key]) ? schema[key] : []);
  if (!branches('allOf').every((branch) => mayHold(branch, path, depth + 1))) return false;
  for (const key of ['oneOf', 'anyOf']) {
    const list = branches(key);
    if (list.length > 0 && !list.some((branch) => mayHold(branch, path, depth + 1))) return false;
  }
  return ownMayHold(schema, path, depth);
}

/** {@link mayHold} for the schema's own object keywords. */
function ownMayHold(schema: Record<string, unknown>, path: readonly string[], depth: number): boolean {
  const [head = '', ...rest] = path;
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : undefined;
  if (types !== undefined && !types.includes('object')) return types.includes('array');
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (Object.hasOwn(properties, head)) return mayHold(properties[head], rest, depth + 1);
  const patterns = isObject(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
  const matching = patterns.filter(([pattern]) => matches(pattern, head));
  if (matching.length > 0) return matching.every(([, sub]) => mayHold(sub, rest, depth + 1));
  const additional = schema.additionalProperties;
  return additional === undefined ? true : mayHold(additional, rest, depth + 1);
}

/** Whether `pattern` (a JSON Schema regular expression) matches `text`; one that does not compile may match anything. */
function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return true;
  }
}
