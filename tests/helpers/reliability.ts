/**
 * Helpers shared by the reliability, security and metrics tests: contract examples, killing a server the hard way,
 * watching for unhandled rejections, and reading the Prometheus text format.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EmbeddedNatsServer } from '../../src/server/embedded-server.js';

const spec = parse(readFileSync('asyncapi.yaml', 'utf8')) as { components: { messages: Record<string, { examples?: { payload: unknown }[] }> } };

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
