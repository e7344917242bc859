/**
 * The typed serializer's inbound fast path (src/contract/typed-serializer.ts): where parsing cannot change a value,
 * the decoded JSON is validated and returned as is; everywhere else zod's parse output (defaults, stripped keys,
 * transforms) is what the handler sees. Invalid input is rejected the same way on both paths.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseKeepsInput, validatingJsonSerializer } from '../../src/contract/typed-serializer.js';
import { ValidationError } from '../../src/base/errors.js';
import * as schemas from '../../generated/schemas.js';

const bytes = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

describe('parseKeepsInput', () => {
  it('accepts strict and loose objects, arrays, unions, optionals, nullables and refinements', () => {
    const schema = z.strictObject({
      id: z.guid(),
      kind: z.enum(['a', 'b']),
      tag: z.literal('x').optional(),
      n: z.number().refine(Number.isInteger, 'must be an integer').gte(0),
      list: z.array(z.string().min(1)),
      either: z.union([z.string(), z.null(), z.boolean()]),
      maybe: z.number().nullable(),
      extra: z.looseObject({ any: z.unknown() }),
    });
    expect(parseKeepsInput(schema)).toBe(true);
  });

  it('rejects anything whose parse may differ from its input', () => {
    expect(parseKeepsInput(z.object({ a: z.string() }))).toBe(false); // strips unknown keys
    expect(parseKeepsInput(z.strictObject({ a: z.string().default('x') }))).toBe(false);
    expect(parseKeepsInput(z.strictObject({ a: z.string().optional().prefault('x') }))).toBe(false);
    expect(parseKeepsInput(z.string().trim())).toBe(false);
    expect(parseKeepsInput(z.string().toLowerCase())).toBe(false);
    expect(parseKeepsInput(z.coerce.number())).toBe(false);
    expect(parseKeepsInput(z.string().transform((s) => s.length))).toBe(false);
    expect(parseKeepsInput(z.strictObject({}).readonly())).toBe(false);
    expect(parseKeepsInput(z.number().catch(0))).toBe(false);
    expect(parseKeepsInput(z.array(z.string().trim()))).toBe(false);
    expect(parseKeepsInput(z.union([z.string(), z.string().trim()]))).toBe(false);
    expect(parseKeepsInput(z.string().trim().optional())).toBe(false);
    expect(parseKeepsInput(z.strictObject({ a: z.object({ b: z.string() }) }))).toBe(false);
  });

  it('holds for every generated contract schema', () => {
    for (const [name, schema] of Object.entries(schemas)) {
      // Writer schemas only: a tolerant reader strips unknown keys (tests/contract/tolerant-reader.test.ts).
      if (name.endsWith('Schema') && !name.endsWith('ReaderSchema')) expect(parseKeepsInput(schema as z.ZodType), name).toBe(true);
    }
  });
});

describe('validatingJsonSerializer decode', () => {
  it('returns the decoded value where parsing keeps input', () => {
    const serializer = validatingJsonSerializer('P', z.strictObject({ n: z.number(), tags: z.array(z.string()).optional() }));
    expect(serializer.decode(bytes({ n: 1, tags: ['a'] }), 's')).toEqual({ n: 1, tags: ['a'] });
    expect(serializer.decode(bytes({ n: 2 }), 's')).toEqual({ n: 2 });
  });

  it('rejects invalid input with the same issues on the fast path', () => {
    const serializer = validatingJsonSerializer('P', z.strictObject({ n: z.number().gte(0) }));
    const error = (() => {
      try {
        serializer.decode(bytes({ n: -1, extra: true }), 'subj');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('subj');
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['', 'n']);
  });

  it('keeps zod output semantics where parsing changes the value: defaults applied, unknown keys stripped', () => {
    const serializer = validatingJsonSerializer('P', z.object({ n: z.number().default(7), s: z.string().trim() }));
    expect(serializer.decode(bytes({ s: '  x ', junk: 1 }), 's')).toEqual({ n: 7, s: 'x' });
  });
});
