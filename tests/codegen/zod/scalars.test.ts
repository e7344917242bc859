// type, string, number and enum/const keywords: emitted Zod agrees with ajv (+ formats) on each case.
import { describe, expect, it } from 'vitest';
import { buildZod, expectVerdicts } from '../../helpers/zod-harness.js';

describe('type (draft-07 validation §6.1.1)', () => {
  it('maps each primitive type', () => {
    expectVerdicts({ type: 'string' }, ['', 'a'], [1, null, true, {}, []]);
    expectVerdicts({ type: 'number' }, [0, -1.5, 1e300], ['1', null, true, {}, []]);
    expectVerdicts({ type: 'boolean' }, [true, false], [0, 'true', null]);
    expectVerdicts({ type: 'null' }, [null], [0, '', false, {}]);
    expectVerdicts({ type: 'object' }, [{}, { a: 1 }], [[], null, 'x']);
    expectVerdicts({ type: 'array' }, [[], [1, 'a']], [{}, null, 'x']);
  });

  it('integer accepts whole numbers beyond 2^53 (z.int() would not)', () => {
    expectVerdicts({ type: 'integer' }, [0, -3, 2 ** 53 + 2, 1e300, 1.0], [1.5, '1', null]);
  });

  it('type arrays become unions; with null a nullable', () => {
    const built = expectVerdicts({ type: ['string', 'null'], minLength: 2 }, ['ab', null], ['a', 1]);
    expect(built.source).toContain('.nullable()');
    expectVerdicts({ type: ['string', 'integer', 'boolean'] }, ['a', 1, true], [1.5, null, {}]);
    expectVerdicts({ type: ['integer', 'number'] }, [1, 1.5], ['a']);
  });

  it('nullable: true adds null, as ajv does', () => {
    expectVerdicts({ type: 'integer', nullable: true }, [1, null], [1.5, 'a']);
    expectVerdicts({ type: ['null'], nullable: true }, [null], [1]);
  });

  it('keywords of one type ignore values of other types when type is absent', () => {
    const built = expectVerdicts({ minLength: 2, minimum: 5, required: ['a'], minItems: 1 }, ['ab', 5, { a: 1 }, [1], null, true], ['a', 4, {}, []]);
    expect(built.helpers).toContain('isNotOfJsonTypes');
  });

  it('a schema without keywords accepts anything', () => {
    expectVerdicts({}, [1, 'a', null, {}, [], true], []);
    expectVerdicts({ description: 'anything', title: 'x', examples: [1], 'x-extra': true }, [1, null], []);
  });
});

describe('string keywords (draft-07 validation §6.3)', () => {
  it('minLength/maxLength count code points, not UTF-16 units', () => {
    const built = expectVerdicts({ type: 'string', minLength: 2, maxLength: 3 }, ['ab', 'abc', '😀😀', '😀😀😀', 'a\u0301b'], ['a', '😀', 'abcd', '😀😀😀😀']);
    expect(built.source).toContain('/u');
  });

  it('minLength 1 alone uses zod .min(1), which is exact there', () => {
    const built = expectVerdicts({ type: 'string', minLength: 1 }, ['a', '😀'], ['']);
    expect(built.source).toContain('.min(1,');
    expectVerdicts({ type: 'string', maxLength: 1 }, ['', 'a', '😀'], ['ab', '😀😀']);
    expectVerdicts({ type: 'string', minLength: 0 }, [''], [1]);
  });

  it('huge length bounds use a predicate instead of a regex quantifier', () => {
    const built = expectVerdicts({ type: 'string', maxLength: 200_000 }, ['a', '😀'.repeat(10)], [1]);
    expect(built.helpers).toContain('codePointLength');
    expectVerdicts({ type: 'string', minLength: 200_001 }, [], ['short']);
    expectVerdicts({ type: 'string', minLength: 2, maxLength: 300_000 }, ['ab'], ['a']);
  });

  it('pattern is unanchored and unicode-aware, like ajv', () => {
    expectVerdicts({ type: 'string', pattern: 'b+' }, ['abbc', 'b'], ['ac']);
    expectVerdicts({ type: 'string', pattern: '^\\p{Lu}/x$' }, ['É/x'], ['é/x']);
    expectVerdicts({ type: 'string', pattern: '^.$' }, ['😀'], ['ab']);
    expectVerdicts({ type: 'string', pattern: '^[/]\n$' }, ['/\n'], ['/']);
  });

  it('formats check strings and ignore other types', () => {
    expectVerdicts({ format: 'uuid' }, ['2eb8aa08-aa98-11ea-b4aa-73b441d16380', 5, null], ['x', 'urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380']);
    expectVerdicts(
      { type: 'string', format: 'uuid' },
      ['2EB8AA08-AA98-11EA-B4AA-73B441D16380', '99c17cbb-656f-f64a-940f-1a4568f03487', '00000000-0000-0000-0000-000000000000'],
      ['2eb8aa08aa9811eab4aa73b441d16380', 'urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380'],
    );
    expectVerdicts({ type: 'string', format: 'ipv4' }, ['192.168.0.1', '0.0.0.0'], ['256.1.1.1', '01.2.3.4', '::1']);
    expectVerdicts({ type: 'string', format: 'ipv6' }, ['::1', '1:2:3:4:5:6:7::', '::ffff:1.2.3.4'], ['1::2::3', '127.0.0.1']);
    expectVerdicts({ type: 'string', format: 'date-time' }, ['2020-02-29T23:59:60Z'], ['2021-02-29T00:00:00Z', '1985-04-12T23:20:50+01']);
    expectVerdicts({ type: 'string', format: 'date' }, ['2020-02-29'], ['2021-02-29']);
    expectVerdicts({ type: 'string', format: 'time' }, ['23:59:60Z'], ['12:00:00']);
    expectVerdicts({ type: 'string', format: 'email' }, ['a@b.co', '"joe bloggs"@example.com'], ['a@b', 'a b@c.d']);
    expectVerdicts({ type: 'string', format: 'hostname' }, ['worker-1.local', 'a'], ['-a', 'example.', 'a_b']);
    expectVerdicts({ type: 'string', format: 'uri' }, ['nats://127.0.0.1:4222'], ['127.0.0.1:4222', 'http:/[::1]']);
  });

  it('a value that is not a UUID is reported as "Invalid UUID" (zod says GUID), accepting the same set as before', () => {
    const built = buildZod({ type: 'string', format: 'uuid' });
    expect(built.source).toBe("z.guid('Invalid UUID')");
    expect(built.schema.safeParse('not-a-uuid').error?.issues.map((i) => i.message)).toEqual(['Invalid UUID']);
    // Any version and variant digit, as ajv-formats' uuid: z.uuid() would reject this one.
    expect(built.schema.safeParse('99c17cbb-656f-f64a-940f-1a4568f03487').success).toBe(true);
  });

  it('formats combine with length and pattern', () => {
    expectVerdicts({ type: 'string', format: 'hostname', maxLength: 5, pattern: '^w' }, ['w.io'], ['worker', 'a.io', 'w_io']);
    expectVerdicts({ type: 'string', format: 'uuid', pattern: '^0' }, ['00000000-0000-0000-0000-000000000000'], ['10000000-0000-0000-0000-000000000000']);
  });

  it('binary, password and unknown formats are annotations', () => {
    expectVerdicts({ type: 'string', format: 'binary' }, ['anything'], [1]);
    expectVerdicts({ type: 'string', format: 'password' }, ['x'], []);
    expectVerdicts({ type: 'string', format: 'x-custom' }, ['not checked'], []);
    expectVerdicts({ format: 'x-custom' }, ['a', 1], []);
  });

  it('contentEncoding base64 and contentMediaType application/json are checked (ajv ignores them; the suite judges)', () => {
    const built = buildZod({ contentEncoding: 'base64', contentMediaType: 'application/json' });
    expect(built.schema.safeParse('eyJhIjoxfQ==').success).toBe(true);
    expect(built.schema.safeParse('e30=').success).toBe(true);
    expect(built.schema.safeParse('ezp9Cg==').success).toBe(false);
    expect(built.schema.safeParse('{}').success).toBe(false);
    expect(built.schema.safeParse(1).success).toBe(true);
    expect(buildZod({ type: 'string', contentMediaType: 'application/json; charset=utf-8' }).schema.safeParse('{').success).toBe(false);
  });

  it('idn-hostname, idn-email, iri and iri-reference are checked, not ignored (ajv-formats lacks them; the suite judges)', () => {
    const cases: [string, string, string][] = [
      ['idn-hostname', '실례.테스트', '〮실례.테스트'],
      ['idn-email', '실례@실례.테스트', 'user＠example.com'],
      ['iri', 'http://ƒøø.ßår/?∂éœ=πîx#πîüx', '/abc'],
      ['iri-reference', '/âππ', '#ƒräg\\mênt'],
    ];
    for (const [format, valid, invalid] of cases) {
      const built = buildZod({ type: 'string', format });
      expect(built.schema.safeParse(valid).success, `${format}: ${valid}`).toBe(true);
      expect(built.schema.safeParse(invalid).success, `${format}: ${invalid}`).toBe(false);
      expect(built.source).toContain('.refine(is');
    }
  });
});

describe('number keywords (draft-07 validation §6.2)', () => {
  it('inclusive and exclusive bounds', () => {
    expectVerdicts({ type: 'integer', minimum: 1024, maximum: 65535 }, [1024, 65535], [1023, 65536, 1024.5]);
    expectVerdicts({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, [0.5, Number.MIN_VALUE], [0, 1]);
    expectVerdicts({ type: 'number', minimum: -1.5 }, [-1.5], [-1.6]);
  });

  it('multipleOf divides like ajv (0.3 is not a multiple of 0.1 in binary floating point)', () => {
    expectVerdicts({ type: 'number', multipleOf: 0.01 }, [0.5, 1, 0], [0.005]);
    expectVerdicts({ type: 'number', multipleOf: 0.1 }, [0.2, 0.5], [0.3, 0.25]);
    expectVerdicts({ type: 'integer', multipleOf: 3 }, [9, -3, 0], [4]);
  });

  it('ajv-formats number formats', () => {
    expectVerdicts({ type: 'integer', format: 'int32' }, [2 ** 31 - 1, -(2 ** 31)], [2 ** 31]);
    expectVerdicts({ type: 'number', format: 'int64' }, [2 ** 60], [1.5]);
    expectVerdicts({ type: 'number', format: 'double' }, [1.5], ['1.5']);
    expectVerdicts({ format: 'int32' }, [1, 'x'], [1.5]);
  });
});

describe('enum and const (draft-07 validation §6.1.2-3)', () => {
  it('string enums become z.enum', () => {
    const built = expectVerdicts({ type: 'string', enum: ['online', 'offline'] }, ['online', 'offline'], ['other', 1, null]);
    expect(built.source).toBe("z.enum(['online', 'offline'])");
  });

  it('mixed enums become a multi-value literal', () => {
    expectVerdicts({ enum: ['a', 1, null, true] }, ['a', 1, 1.0, null, true], ['1', false, 0]);
  });

  it('values of another type than `type` are dropped', () => {
    const built = expectVerdicts({ type: 'string', enum: ['a', 1] }, ['a'], [1]);
    expect(built.source).toBe("z.literal('a')");
    expectVerdicts({ type: 'integer', enum: [1, 1.5, 'x'] }, [1], [1.5, 'x']);
    expectVerdicts({ type: 'string', enum: [1] }, [], [1, 'a']);
  });

  it('enum with other constraints keeps both', () => {
    expectVerdicts({ type: 'string', enum: ['a', 'abc'], minLength: 2 }, ['abc'], ['a', 'b']);
  });

  it('object and array values compare as JSON', () => {
    expectVerdicts({ enum: [{ a: 1, b: [1] }, [1, 2]] }, [{ b: [1], a: 1 }, [1, 2]], [{ a: 1 }, [2, 1]]);
    expectVerdicts({ const: { a: null } }, [{ a: null }], [{}, { a: null, b: 1 }]);
  });

  it('const, and const combined with enum', () => {
    expectVerdicts({ const: 'token' }, ['token'], ['done', null]);
    expectVerdicts({ const: null }, [null], [0]);
    expectVerdicts({ const: 'a', enum: ['a', 'b'] }, ['a'], ['b']);
    expectVerdicts({ const: 'c', enum: ['a', 'b'] }, [], ['a', 'c']);
    // ajv rejects duplicate enum items as an invalid schema; the emitter just drops them
    expect(buildZod({ enum: ['a', 'a', 'b'] }).source).toBe("z.enum(['a', 'b'])");
  });

  it('an empty enum accepts nothing', () => {
    expect(buildZod({ enum: [] }).source).toBe('z.never()');
  });
});
