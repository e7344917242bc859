/**
 * A serializer that validates: outbound values must match the schema before they are encoded (nothing invalid
 * leaves the process), inbound bytes are decoded and must match before a handler sees them.
 */
import { z } from 'zod';
import { MessageDecodeError, ValidationError, type ValidationIssue } from '../base/errors.js';
import type { DecodeInfo, Serializer } from '../client/index.js';
import { compileJsonBytesEncoder } from './json-encoder.js';
import { defOf, rewritesInput } from './zod-def.js';

/** Converts Zod issues into the package's path/message pairs. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/**
 * Compiles `schema` for the hot path with zod's `z.compile` (a generated fast path that falls back to the runtime
 * parser for anything it cannot model, so verdicts are identical).
 */
export function compileSchema<T extends z.ZodType>(schema: T): T {
  return z.compile(schema);
}

/** Schema kinds whose successful parse returns its input unchanged (given unchanging children and checks). */
const IDENTITY_LEAVES: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'null', 'literal', 'enum', 'unknown', 'any']);

/**
 * True when a successful parse of `schema` returns a value equal to its input: no defaults, transforms, coercion,
 * stripped keys (plain `z.object`), freezing or overwriting checks. Then, for plain JSON data, validating is enough
 * and zod's output copy can be skipped. Conservative: any kind it does not know answers false.
 */
export function parseKeepsInput(schema: z.core.$ZodType): boolean {
  const def = defOf(schema);
  if (rewritesInput(def)) return false;
  if (IDENTITY_LEAVES.has(def.type)) return true;
  switch (def.type) {
    case 'object': {
      // Only strictObject (catchall never) and looseObject (catchall unknown): a plain object strips unknown keys.
      const catchall = def.catchall === undefined ? undefined : defOf(def.catchall).type;
      if (catchall !== 'never' && catchall !== 'unknown') return false;
      return Object.values(def.shape).every(parseKeepsInput);
    }
    case 'array':
      return parseKeepsInput(def.element);
    case 'union':
      return def.options.every(parseKeepsInput);
    case 'optional':
    case 'nullable':
      return parseKeepsInput(def.innerType);
    default:
      return false;
  }
}

/** Options of {@link validatingJsonSerializer}. */
export interface ValidatingSerializerOptions<T> {
  /**
   * The tolerant reader schema generated beside `schema` (`<Name>ReaderSchema`): inbound messages are decoded with it,
   * so unknown properties of closed objects are stripped (and reported through `DecodeInfo.unknownFields`) instead
   * of refused. Default: `schema` in both directions.
   */
  readerSchema?: z.ZodType<T>;
  /**
   * The contract version this side was generated from (`info.version`). An inbound validation error then names the
   * sender's version (its {@link CONTRACT_VERSION_HEADER} header) and this one.
   */
  contractVersion?: string;
}

/** The header every typed publish, request and reply carries: the `info.version` of the sender's contract. */
export const CONTRACT_VERSION_HEADER = 'Contract-Version';

/** "sent with contract 1.3.0; this reader has 1.2.0", or undefined when this side has no version. */
export function contractVersionNote(sender: string | undefined, reader: string | undefined): string | undefined {
  if (reader === undefined) return undefined;
  const sent = sender === undefined ? 'sent without a contract version' : `sent with contract ${sender}`;
  return `${sent}; this reader has ${reader}`;
}

/**
 * A JSON serializer that validates against `schema` in both directions (strict writer), or, with a `readerSchema`,
 * decodes with that one (tolerant reader). `name` is the message name for errors.
 */
export function validatingJsonSerializer<T>(name: string, schema: z.ZodType<T>, options: ValidatingSerializerOptions<T> = {}): Serializer<T> {
  const compiled = compileSchema(schema);
  // JSON.parse yields plain data, so where parsing cannot change a value the decoded object itself is the result.
  const keepsInput = parseKeepsInput(schema);
  const reader = options.readerSchema === undefined || options.readerSchema === schema ? undefined : compileSchema(options.readerSchema);
  // Where parsing keeps its input, a valid value is encoded as it stands: no zod output copy, no generic walk.
  const encodeValid = keepsInput ? compileJsonBytesEncoder(schema) : undefined;
  return {
    name: `json:${name}`,
    encode(value: T, subject: string): Uint8Array {
      if (encodeValid !== undefined && compiled.validate(value)) return encodeValid(value);
      const result = compiled.safeParse(value);
      if (!result.success) throw new ValidationError('outbound', subject, toValidationIssues(result.error), name);
      return Buffer.from(JSON.stringify(result.data));
    },
    decode(bytes: Uint8Array, subject: string, info?: DecodeInfo): T {
      if (bytes.byteLength === 0) throw new MessageDecodeError(subject, 0, `the payload is empty, expected a JSON ${name}`);
      let parsed: unknown;
      try {
        // nats.js hands over Buffer views of its read buffer: decode them in place, without a new view object.
        parsed = JSON.parse(bytes instanceof Buffer ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      } catch (error) {
        throw new MessageDecodeError(subject, bytes.byteLength, `not valid JSON (${(error as Error).message})`, { cause: error });
      }
      // A message the strict writer schema accepts has no unknown property: the common case costs what it did.
      if (keepsInput && compiled.validate(parsed)) return parsed as T;
      const result = (reader ?? compiled).safeParse(parsed);
      if (!result.success) {
        const note = contractVersionNote(info?.header(CONTRACT_VERSION_HEADER), options.contractVersion);
        throw new ValidationError('inbound', subject, toValidationIssues(result.error), name, 'payload', note);
      }
      if (reader === undefined) return result.data;
      if (info !== undefined) {
        const stripped: string[] = [];
        strippedPaths(parsed, result.data, '', stripped);
        if (stripped.length > 0) info.unknownFields(stripped);
      }
      return result.data;
    },
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The keys of `input` (JSON data) that parsing dropped from `output`, as dotted paths: the unknown properties the
 * reader schema stripped (nothing else removes keys; defaults only add them).
 */
export function strippedPaths(input: unknown, output: unknown, path: string, into: string[]): void {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return;
    const n = Math.min(input.length, output.length);
    for (let i = 0; i < n; i += 1) strippedPaths(input[i], output[i], path === '' ? String(i) : `${path}.${String(i)}`, into);
    return;
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return;
  for (const key of Object.keys(input)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(output, key)) into.push(at);
    else strippedPaths(input[key], output[key], at, into);
  }
}
