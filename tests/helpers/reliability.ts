/**
 * Helpers shared by the contract, reliability, security and metrics tests: what asyncapi.yaml declares (message
 * examples, channel parameters), killing a server the hard way, watching for unhandled rejections, and reading the
 * Prometheus text format.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EmbeddedNatsServer } from '../../src/server/embedded-server.js';

/** A Parameter Object as asyncapi.yaml writes it (inline, or a `$ref` to components.parameters). */
interface RawParameter {
  $ref?: string;
  description?: string;
  enum?: unknown[];
  examples?: unknown[];
  location?: string;
  'x-format'?: unknown;
  'x-pattern'?: unknown;
}

const spec = parse(readFileSync('asyncapi.yaml', 'utf8')) as {
  channels?: Record<string, { address?: string | null; parameters?: Record<string, RawParameter> } | undefined>;
  components: { messages: Record<string, { examples?: { payload: unknown }[] }>; parameters?: Record<string, RawParameter> };
};

/** Example payloads of `message` from asyncapi.yaml. */
export function examplesOf(message: string): unknown[] {
  return spec.components.messages[message]?.examples?.map((e) => e.payload) ?? [];
}

/** Every message name of the contract with its examples. */
export function allExamples(): [message: string, payloads: unknown[]][] {
  return Object.keys(spec.components.messages).map((name) => [name, examplesOf(name)]);
}

/** The first example of `message` (a fresh copy each time). */
export function exampleOf(message: string): unknown {
  const first = examplesOf(message)[0];
  if (first === undefined) throw new Error(`asyncapi.yaml has no example of ${message}`);
  return structuredClone(first);
}

/** A channel parameter as asyncapi.yaml declares it. */
export interface DeclaredParameter {
  readonly name: string;
  readonly description: string | undefined;
  /** The allowed values, when the parameter declares an `enum`. */
  readonly enum: readonly string[] | undefined;
  readonly examples: readonly string[];
  /** The `x-format` extension (e.g. `uuid`): the parameter is checked like a payload string with that `format`. */
  readonly format: string | undefined;
  /** The `x-pattern` extension: the parameter is checked like a payload string with that `pattern`. */
  readonly pattern: string | undefined;
  /** A runtime expression such as `$message.payload#/requestId`, when the parameter is tied to a payload field. */
  readonly location: string | undefined;
}

const strings = (values: unknown[] | undefined): string[] | undefined => values?.map((value) => String(value));

/** The parameters the channel `channelId` of asyncapi.yaml declares, in declaration order (`$ref`s followed). */
export function declaredParameters(channelId: string): DeclaredParameter[] {
  const channel = spec.channels?.[channelId];
  if (channel === undefined) throw new Error(`asyncapi.yaml has no channel ${channelId}`);
  return Object.entries(channel.parameters ?? {}).map(([name, declared]) => {
    const ref = declared.$ref;
    const parameter = ref === undefined ? declared : spec.components.parameters?.[ref.replace('#/components/parameters/', '')];
    if (parameter === undefined) throw new Error(`${channelId}.${name}: unresolved ${String(ref)}`);
    return {
      name,
      description: parameter.description,
      enum: strings(parameter.enum),
      examples: strings(parameter.examples) ?? [],
      format: typeof parameter['x-format'] === 'string' ? parameter['x-format'] : undefined,
      pattern: typeof parameter['x-pattern'] === 'string' ? parameter['x-pattern'] : undefined,
      location: parameter.location,
    };
  });
}

/** The JSON Schema a parameter declares: a string, with its `enum`, its `x-format` as `format`, its `x-pattern` as `pattern`. */
export function parameterJsonSchema(parameter: DeclaredParameter): Record<string, unknown> {
  return {
    type: 'string',
    ...(parameter.enum === undefined ? {} : { enum: [...parameter.enum] }),
    ...(parameter.format === undefined ? {} : { format: parameter.format }),
    ...(parameter.pattern === undefined ? {} : { pattern: parameter.pattern }),
  };
}

/** The payload field a `$message.payload#/field` location points at; undefined for any other location. */
export function locationField(parameter: DeclaredParameter): string | undefined {
  return /^\$message\.payload#\/([^/]+)$/.exec(parameter.location ?? '')?.[1];
}

/**
 * Parameter values to send `payload` on channel `channelId`: a parameter tied to a payload field by its `location`
 * takes that field's value, any other its first declared example.
 */
export function parameterValuesFor(channelId: string, payload: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of declaredParameters(channelId)) {
    const field = locationField(parameter);
    const fromPayload = field !== undefined && typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[field] : undefined;
    const value = typeof fromPayload === 'string' ? fromPayload : parameter.examples[0];
    if (value === undefined) throw new Error(`asyncapi.yaml: parameter ${parameter.name} of ${channelId} has no example`);
    values[parameter.name] = value;
  }
  return values;
}

/** SIGKILL a server process (no graceful shutdown, no lame-duck mode). */
export function killHard(server: EmbeddedNatsServer): void {
  const pid = server.getPid();
  if (pid === undefined) throw new Error('the server has no pid: is it running?');
  process.kill(pid, 'SIGKILL');
}

/** Collects process-level unhandled rejections until `stop()`. */
export function watchUnhandledRejections(): { rejections: unknown[]; stop: () => void } {
  const rejections: unknown[] = [];
  const listener = (reason: unknown): void => {
    rejections.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    rejections,
    stop: () => {
      process.off('unhandledRejection', listener);
    },
  };
}

/** One sample of the text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the Prometheus text exposition format strictly: every line is `# HELP`, `# TYPE`, blank, or a sample
 * `name{label="value",...} number`. Throws on anything else.
 */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (match === null) throw new Error(`Not a valid exposition line: ${JSON.stringify(line)}`);
    const [, name = '', body = '', raw = ''] = match;
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let consumed = 0;
    for (let m = labelRe.exec(body); m !== null; m = labelRe.exec(body)) {
      labels[m[1] ?? ''] = (m[2] ?? '').replace(/\\(.)/g, '$1');
      consumed = labelRe.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`Malformed labels in ${JSON.stringify(line)}`);
    samples.push({ name, labels, value: Number(raw.replace('Inf', 'Infinity')) });
  }
  return samples;
}

/** The value of the sample `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
