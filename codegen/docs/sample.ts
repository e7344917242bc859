/**
 * Examples for the docs page of messages that declare none. The page (@asyncapi/react-component) shows a message's
 * own examples; for a message without one it makes a sample from the payload schema with the openapi-sampler copy in
 * its bundle, which reads a JSON Schema bound as a truthy test: `exclusiveMinimum: 0` is no bound to it, so a field
 * declared `exclusiveMinimum: 0` was shown as 0, a value the contract rejects. The page's bundle is not ours to fix;
 * what goes into the page is: each message without examples gets one sampled here, kept only when ajv (with
 * ajv-formats, as the generated code agrees with) accepts it, and named so that nobody takes it for part of the
 * contract. docs/asyncapi.md shows the contract's own examples only.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';

/** The name and summary of a sampled example, as the page shows them. */
export const SAMPLE_NAME = 'sample';
export const SAMPLE_SUMMARY = 'Sampled from the schema by the docs build (the contract declares no example for this message); it passes the schema.';

type Schema = Record<string, unknown>;

/** Deepest nesting sampled; deeper (or circular) parts become null, and the sample is then dropped if invalid. */
const MAX_DEPTH = 12;

/** Format values that pass ajv-formats. */
const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  'date-time': '2024-01-01T12:00:00Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/',
};

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value for `schema` that tries to satisfy it: its own `examples`, `default`, `const` or first `enum` value when it
 * has one, else one built from its type and bounds (every declared property of an object). Not guaranteed valid
 * (a `pattern` is not reversed, for one): check it with {@link validSample}.
 */
export function sampleFor(schema: unknown, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf.filter(isSchema).reduce<Schema>((all, part) => mergeSchemas(all, part), withoutKey(schema, 'allOf'));
    return sampleFor(merged, depth + 1);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && isSchema(branches[0])) return sampleFor(mergeSchemas(withoutKey(schema, key), branches[0]), depth + 1);
  }
  const declared: unknown[] = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const type = declared.find((t) => t !== 'null') ?? (declared.length > 0 ? 'null' : undefined);
  switch (type ?? (isSchema(schema.properties) ? 'object' : 'items' in schema ? 'array' : undefined)) {
    case 'object':
      return sampleObject(schema, depth);
    case 'array':
      return sampleArray(schema, depth);
    case 'string':
      return sampleString(schema);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function sampleObject(schema: Schema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) out[name] = sampleFor(property, depth + 1);
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  for (const name of required) if (!(name in out)) out[name] = isSchema(schema.additionalProperties) ? sampleFor(schema.additionalProperties, depth + 1) : null;
  return out;
}

function sampleArray(schema: Schema, depth: number): unknown[] {
  if (Array.isArray(schema.items)) return schema.items.map((item) => sampleFor(item, depth + 1));
  const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const count = typeof schema.maxItems === 'number' ? Math.min(min, schema.maxItems) : min;
  return Array.from({ length: count }, () => sampleFor(schema.items, depth + 1));
}

function sampleString(schema: Schema): string {
  let text = typeof schema.format === 'string' ? (FORMAT_SAMPLES[schema.format] ?? 'string') : 'string';
  if (typeof schema.minLength === 'number' && text.length < schema.minLength) text = text.padEnd(schema.minLength, 'x');
  if (typeof schema.maxLength === 'number' && text.length > schema.maxLength) text = text.slice(0, schema.maxLength);
  return text;
}

/**
 * The smallest value the bounds allow (draft-07: `exclusiveMinimum`/`exclusiveMaximum` are numbers; draft-04
 * booleans are read too), near 0 when there is no lower bound, on a `multipleOf` step when one is given.
 */
function sampleNumber(schema: Schema, integer: boolean): number {
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const step = num(schema.multipleOf) ?? (integer ? 1 : undefined);
  const minimum = num(schema.minimum);
  const maximum = num(schema.maximum);
  const exclusiveMinimum = num(schema.exclusiveMinimum) ?? (schema.exclusiveMinimum === true ? minimum : undefined);
  const exclusiveMaximum = num(schema.exclusiveMaximum) ?? (schema.exclusiveMaximum === true ? maximum : undefined);
  const above = (v: number): boolean => (minimum === undefined || v >= minimum) && (exclusiveMinimum === undefined || v > exclusiveMinimum);
  const below = (v: number): boolean => (maximum === undefined || v <= maximum) && (exclusiveMaximum === undefined || v < exclusiveMaximum);
  const low = exclusiveMinimum ?? minimum;
  const high = exclusiveMaximum ?? maximum;
  let value = low ?? (high !== undefined && high <= 0 ? high : 0);
  if (step !== undefined) value = Math.ceil(value / step) * step;
  if (!above(value)) value = step !== undefined ? value + step : low !== undefined && high !== undefined ? (low + high) / 2 : value + 1;
  if (!below(value) && step !== undefined) value -= step;
  return value;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const merged: Schema = { ...a, ...b };
  if (isSchema(a.properties) && isSchema(b.properties)) merged.properties = { ...a.properties, ...b.properties };
  if (Array.isArray(a.required) && Array.isArray(b.required)) merged.required = [...new Set([...(a.required as unknown[]), ...(b.required as unknown[])])];
  return merged;
}

function withoutKey(schema: Schema, key: string): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== key));
}

let ajv: Ajv | undefined;

/** A sample of `schema` that ajv accepts, or undefined when none is found. */
export function validSample(schema: unknown): { value: unknown } | undefined {
  const value = sampleFor(schema);
  if (ajv === undefined) {
    ajv = new Ajv({ strict: false, logger: false });
    addFormatsModule.default(ajv);
  }
  try {
    // A copy without ids: schemas shared between messages would otherwise collide in ajv's registry.
    const copy = JSON.parse(JSON.stringify(schema, (key, v: unknown) => (key === '$id' || key === '$schema' ? undefined : v))) as unknown;
    return ajv.validate(copy as object, value) ? { value } : undefined;
  } catch {
    return undefined; // circular, or not a schema ajv can compile: leave the message to the page
  }
}

/**
 * Runs `use` on `document` where every message without examples has a sampled one (when a valid sample is found),
 * then takes them out again, so the document is as before for anything else (the Markdown reference).
 */
export function withSampledExamples<T>(document: AsyncAPIDocumentInterface, use: () => T): T {
  const added: Record<string, unknown>[] = [];
  try {
    for (const message of document.allMessages()) {
      const json = message.json<Record<string, unknown>>();
      if (Array.isArray(json.examples) && json.examples.length > 0) continue;
      const payload = message.hasPayload() ? validSample(message.payload()?.json()) : undefined;
      const headers = message.hasHeaders() ? validSample(message.headers()?.json()) : undefined;
      if (payload === undefined && headers === undefined) continue;
      json.examples = [
        {
          name: SAMPLE_NAME,
          summary: SAMPLE_SUMMARY,
          ...(headers === undefined ? {} : { headers: headers.value }),
          ...(payload === undefined ? {} : { payload: payload.value }),
        },
      ];
      added.push(json);
    }
    return use();
  } finally {
    for (const json of added) delete json.examples;
  }
}
