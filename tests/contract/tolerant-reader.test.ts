// Tolerant reader, strict writer: each generated message has a writer schema (unknown keys refused, ajv parity in
// tests/generated/parity.test.ts) and a reader schema that strips unknown properties of closed objects and is as
// strict as the writer on everything else. Checked on every example and on the parity payloads of every message.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from '../../generated/schemas.js';
import { channels } from '../../generated/channels.js';
import { loadContract, payloadsFor } from '../helpers/parity-payloads.js';
import { oracleFor } from '../helpers/zod-harness.js';
import { strippedPaths, validatingJsonSerializer } from '../../src/contract/typed-serializer.js';
import { ValidationError } from '../../src/base/errors.js';
import type { DecodeInfo } from '../../src/client/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const messages = loadContract(path.join(root, 'asyncapi.yaml'));
const table = schemas as unknown as Record<string, z.ZodType>;

function pair(name: string): { writer: z.ZodType; reader: z.ZodType } {
  const writer = table[`${name}Schema`];
  const reader = table[`${name}ReaderSchema`];
  if (writer === undefined || reader === undefined) throw new Error(`no generated schemas for ${name}`);
  return { writer, reader };
}

const heartbeat = (): Record<string, unknown> => structuredClone(messages.find((m) => m.name === 'WorkerHeartbeat')?.examples[0]) as Record<string, unknown>;

describe('reader schemas, on every message of the contract', () => {
  it('exist for every message', () => {
    for (const { name } of messages) expect(() => pair(name), name).not.toThrow();
  });

  describe.each(messages)('$name', ({ name, schema, examples }) => {
    const { writer, reader } = pair(name);
    const validate = oracleFor(schema);
    const payloads = payloadsFor(schema, examples, 7, 300);

    it('accepts what the writer (ajv) accepts, with the same output', () => {
      for (const { what, value } of payloads) {
        if (!validate(structuredClone(value))) continue;
        const result = reader.safeParse(structuredClone(value));
        expect(result.success, what).toBe(true);
        expect(result.data, what).toEqual(writer.parse(structuredClone(value)));
      }
    });

    it('accepts more than the writer only by stripping unknown properties', () => {
      let tolerated = 0;
      for (const { what, value } of payloads) {
        if (validate(structuredClone(value))) continue;
        const result = reader.safeParse(structuredClone(value));
        if (!result.success) {
          // Refused by both: the same issues as the writer gives (today's errors, unknown keys aside).
          const issues = writer.safeParse(structuredClone(value)).error?.issues.filter((i) => i.code !== 'unrecognized_keys');
          if (issues !== undefined && issues.length > 0)
            expect(
              result.error.issues.map((i) => i.path),
              what,
            ).toEqual(expect.arrayContaining(issues.map((i) => i.path)));
          continue;
        }
        tolerated += 1;
        const stripped: string[] = [];
        strippedPaths(value, result.data, '', stripped);
        expect(stripped.length, `${what}: accepted without stripping`).toBeGreaterThan(0);
        expect(writer.safeParse(result.data).success, `${what}: the stripped value is valid for the writer`).toBe(true);
      }
      expect(tolerated, 'the payloads include extra keys').toBeGreaterThan(0);
    });
  });
});

describe('the reader strips unknown keys and nothing else', () => {
  const { writer, reader } = pair('WorkerHeartbeat');

  it('strips an unknown top-level and nested property; the writer refuses both', () => {
    const value = heartbeat();
    const extended = { ...value, gpuTemperature: 71, metrics: { ...(value.metrics as object), fanRpm: 1200 } };
    expect(writer.safeParse(extended).success).toBe(false);
    expect(reader.parse(extended)).toEqual(writer.parse(value));
    const stripped: string[] = [];
    strippedPaths(extended, reader.parse(extended), '', stripped);
    expect(stripped.sort()).toEqual(['gpuTemperature', 'metrics.fanRpm']);
  });

  it.each([
    [
      'a missing required field',
      (v: Record<string, unknown>) => {
        delete v.workerId;
      },
    ],
    [
      'a wrong type',
      (v: Record<string, unknown>) => {
        v.workerId = 42;
      },
    ],
    [
      'an out-of-range value',
      (v: Record<string, unknown>) => {
        (v.metrics as Record<string, unknown>).activeRequests = -1;
      },
    ],
    [
      'an unknown enum value',
      (v: Record<string, unknown>) => {
        v.status = 'sleeping';
      },
    ],
  ])('still refuses %s, with the writer error', (_what, mutate) => {
    const value = heartbeat();
    mutate(value);
    const w = writer.safeParse(value);
    const r = reader.safeParse({ ...value, extra: true });
    expect(w.success).toBe(false);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual(w.error?.issues.map((i) => [i.path, i.message]));
  });
});

describe('validatingJsonSerializer with a reader schema', () => {
  const { writer, reader } = pair('WorkerHeartbeat');
  const serializer = validatingJsonSerializer('WorkerHeartbeat', writer, { readerSchema: reader });
  const info = (): DecodeInfo & { seen: string[] } => {
    const seen: string[] = [];
    return { seen, header: () => undefined, unknownFields: (paths) => seen.push(...paths) };
  };

  it('decodes with the reader and reports what it stripped', () => {
    const value = heartbeat();
    const i = info();
    const decoded = serializer.decode(Buffer.from(JSON.stringify({ ...value, gpuTemperature: 71 })), 'worker.heartbeat', i);
    expect(decoded).toEqual(writer.parse(value));
    expect(decoded).not.toHaveProperty('gpuTemperature');
    expect(i.seen).toEqual(['gpuTemperature']);
  });

  it('reports nothing for a message without unknown keys', () => {
    const i = info();
    serializer.decode(Buffer.from(JSON.stringify(heartbeat())), 'worker.heartbeat', i);
    expect(i.seen).toEqual([]);
  });

  it('encodes with the writer: unknown keys are refused on the way out', () => {
    expect(() => serializer.encode({ ...heartbeat(), gpuTemperature: 71 }, 'worker.heartbeat')).toThrow(ValidationError);
  });

  it('generated channels carry both schemas', () => {
    expect(channels.workerHeartbeat.schema).toBe(schemas.WorkerHeartbeatSchema);
    expect(channels.workerHeartbeat.readerSchema).toBe(schemas.WorkerHeartbeatReaderSchema);
  });
});
