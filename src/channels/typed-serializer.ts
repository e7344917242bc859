/**
 * A serializer that validates: outbound values must match the schema before they are encoded (nothing invalid
 * leaves the process), inbound bytes are decoded and must match before a handler sees them.
 */
import { z } from 'zod';
import { MessageDecodeError, ValidationError, type ValidationIssue } from '../errors.js';
import type { Serializer } from '../nats/serializers.js';

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

/** A JSON serializer that validates against `schema` in both directions. `name` is the message name for errors. */
export function validatingJsonSerializer<T>(name: string, schema: z.ZodType<T>): Serializer<T> {
  const compiled = compileSchema(schema);
  return {
    name: `json:${name}`,
    encode(value: T, subject: string): Uint8Array {
      const result = compiled.safeParse(value);
      if (!result.success) throw new ValidationError('outbound', subject, toValidationIssues(result.error), name);
      return Buffer.from(JSON.stringify(result.data));
    },
    decode(bytes: Uint8Array, subject: string): T {
      if (bytes.byteLength === 0) throw new MessageDecodeError(subject, 0, `the payload is empty, expected a JSON ${name}`);
      let parsed: unknown;
      try {
        // nats.js hands over Buffer views of its read buffer: decode them in place, without a new view object.
        parsed = JSON.parse(bytes instanceof Buffer ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      } catch (error) {
        throw new MessageDecodeError(subject, bytes.byteLength, `not valid JSON (${(error as Error).message})`, { cause: error });
      }
      const result = compiled.safeParse(parsed);
      if (!result.success) throw new ValidationError('inbound', subject, toValidationIssues(result.error), name);
      return result.data;
    },
  };
}
