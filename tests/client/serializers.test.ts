/**
 * serializers.ts: JSON (undefined as an empty payload), strings and bytes, and MessageDecodeError naming the subject.
 * Elsewhere: serializers chosen per call on a real server, tests/client/client.test.ts; the validating serializer of
 * typed channels, tests/contract/typed-serializer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MessageDecodeError } from '../../src/base/errors.js';
import { JSON_SERIALIZER, bytesSerializer, jsonSerializer, stringSerializer } from '../../src/client/serializers.js';

describe('jsonSerializer', () => {
  it('round-trips JSON values, byte views included', () => {
    const json = jsonSerializer();
    for (const value of [{ a: [1, 'ü', null] }, 'text', 0, false, null]) expect(json.decode(json.encode(value, 's'), 's')).toEqual(value);
    const bytes = Buffer.from('xx{"n":1}').subarray(2);
    expect(json.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 's')).toEqual({ n: 1 });
  });

  it('sends undefined as an empty payload, and refuses to read an empty payload or invalid JSON, naming the subject', () => {
    const json = jsonSerializer();
    expect(json.encode(undefined, 's').byteLength).toBe(0);
    expect(() => json.decode(new Uint8Array(0), 'in.empty')).toThrow(MessageDecodeError);
    expect(() => json.decode(Buffer.from('{'), 'in.bad')).toThrow(/in\.bad.*not valid JSON/);
  });

  it('is shared as JSON_SERIALIZER, named json', () => {
    expect(JSON_SERIALIZER.name).toBe('json');
  });
});

describe('stringSerializer and bytesSerializer', () => {
  it('pass text as UTF-8 and bytes unchanged', () => {
    const text = stringSerializer();
    expect(text.decode(text.encode('héllo', 's'), 's')).toBe('héllo');
    const bytes = bytesSerializer();
    const payload = new Uint8Array([0, 255, 7]);
    expect(bytes.encode(payload, 's')).toBe(payload);
    expect(bytes.decode(payload, 's')).toBe(payload);
    expect([text.name, bytes.name]).toEqual(['string', 'bytes']);
  });
});
