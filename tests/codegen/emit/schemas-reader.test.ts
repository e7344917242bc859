/**
 * generated/schemas.ts writes a reader schema in full only where it differs from its writer below the root; where
 * only the root object differs, the reader is `<Writer>.strip()`: same shape and checks, unknown keys stripped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamingTokenReaderSchema, StreamingTokenSchema, WorkerRegistrationReaderSchema } from '../../../generated/schemas.js';

const source = readFileSync(new URL('../../../generated/schemas.ts', import.meta.url), 'utf8');
const token = { requestId: '123e4567-e89b-12d3-a456-426614174000', type: 'token', token: 'hi', index: 0, workerId: '123e4567-e89b-12d3-a456-426614174001' };

describe('reader schemas derived from their writer', () => {
  it('a reader that differs only at the root is the writer stripped, one line', () => {
    expect(source).toContain('export const StreamingTokenReaderSchema = StreamingTokenSchema.strip();');
    expect(StreamingTokenReaderSchema.parse({ ...token, added: 1 })).toEqual(token);
    expect(StreamingTokenSchema.safeParse({ ...token, added: 1 }).success).toBe(false);
    expect(StreamingTokenReaderSchema.safeParse({ ...token, index: -1 }).success).toBe(false);
  });

  it('a reader that differs below the root (a nested reader) is still written in full', () => {
    expect(source).toMatch(/export const WorkerRegistrationReaderSchema = z\s*\.object\(/);
    expect(WorkerRegistrationReaderSchema).toBeDefined();
  });
});
