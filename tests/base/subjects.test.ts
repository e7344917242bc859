import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertPublishSubject, assertQueueGroup, assertSubscribeSubject, compileSubjectTemplate, isSafeToken } from '../../src/base/subjects.js';
import { SubjectError } from '../../src/base/errors.js';
import { subjectProblem } from '../../codegen/model/model.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOnly = (_param: string, value: string): string | undefined => (UUID.test(value) ? undefined : 'expected a uuid');
const ID = '3f2a8c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';

describe('isSafeToken', () => {
  it.each(['abc', ID, 'worker-1', 'ünïcode', '123'])('accepts %j', (token) => {
    expect(isSafeToken(token)).toBe(true);
  });
  it.each(['', '*', '>', 'a.b', 'a b', 'a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', 'x>', '*x', 'a\u2028b', 'a\u0085b', 'a\u0080b', 'a\u009fb'])(
    'rejects %j',
    (token) => {
      expect(isSafeToken(token)).toBe(false);
    },
  );
});

/**
 * The token rule is stated twice: here in src/base/subjects.ts, and in codegen/model/model.ts (`subjectProblem`), which
 * may not load runtime code. Each tricky token, set between two literal tokens of an address, gets the same verdict.
 */
describe('the token rule of the generator agrees with the runtime', () => {
  const TRICKY = [
    ['plain', 'abc'],
    ['digits and dashes', 'worker-1_2'],
    ['unicode letters', 'ünïcode'],
    ['emoji', '🚀'],
    ['CJK', '节点'],
    ['empty', ''],
    ['star', '*'],
    ['gt', '>'],
    ['star inside', 'a*b'],
    ['gt inside', 'a>b'],
    ['dot', 'a.b'],
    ['leading dot', '.a'],
    ['trailing dot', 'a.'],
    ['space', 'a b'],
    ['lone space', ' '],
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['NUL', 'a\u0000b'],
    ['ESC', '\u001b[31m'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0080b'],
    ['NEL', 'a\u0085b'],
    ['last C1', 'a\u009fb'],
    ['no-break space', 'a\u00a0b'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
    ['ideographic space', 'a\u3000b'],
    ['byte order mark', 'a\ufeffb'],
    ['zero-width space (a format character, not white space)', 'a\u200bb'],
    ['quote', 'a"b'],
    ['dollar', '$SRV'],
    ['hash', 'a#b'],
  ] as const;

  it.each(TRICKY)('%s: %j', (_name, token) => {
    const address = `x.${token}.y`;
    const runtime = address.split('.').every(isSafeToken);
    expect(subjectProblem(address) === undefined, subjectProblem(address) ?? 'codegen accepts it').toBe(runtime);
  });
});

describe('assertQueueGroup', () => {
  it.each(['workers', 'a.b', 'group-1', 'ünï', 'a*'])('accepts %j', (queue) => {
    expect(() => {
      assertQueueGroup(queue, 's');
    }).not.toThrow();
  });
  it.each(['', 'a b', 'q\u0000', 'a\u0085', 'a\u2028'])('rejects %j with a SubjectError naming the subject, printing no raw control character', (queue) => {
    expect(() => {
      assertQueueGroup(queue, 'the.subject');
    }).toThrow(SubjectError);
    expect(() => {
      assertQueueGroup(queue, 'the.subject');
    }).toThrow(/^Invalid queue group ".*" for "the\.subject"/);
  });
});

describe('assertPublishSubject', () => {
  it('accepts concrete subjects', () => {
    expect(() => {
      assertPublishSubject('worker.heartbeat');
    }).not.toThrow();
  });
  it.each(['', 'worker.*', 'worker.>', 'a..b', '.a', 'a.', 'a b.c'])('rejects %j with a SubjectError', (subject) => {
    expect(() => {
      assertPublishSubject(subject);
    }).toThrow(SubjectError);
  });
  it('rejects non-strings from JavaScript callers with a SubjectError', () => {
    expect(() => {
      assertPublishSubject(undefined as unknown as string);
    }).toThrow(/empty or not a string/);
  });
  it('never prints raw control characters in its message', () => {
    expect(() => {
      assertPublishSubject('a.\u001b[31m');
    }).toThrow(/\\u001b/);
  });
});

describe('assertSubscribeSubject', () => {
  it.each(['worker.*.inference', 'worker.>', '>', '*', 'a.b'])('accepts %j', (subject) => {
    expect(() => {
      assertSubscribeSubject(subject);
    }).not.toThrow();
  });
  it.each(['', 'worker.>.inference', 'a.*b', 'a..b', 'a b'])('rejects %j', (subject) => {
    expect(() => {
      assertSubscribeSubject(subject);
    }).toThrow(SubjectError);
  });
});

describe('compileSubjectTemplate', () => {
  const template = compileSubjectTemplate<'workerId'>('worker.{workerId}.inference', uuidOnly);

  it('lists its parameters and builds concrete subjects', () => {
    expect(template.parameters).toEqual(['workerId']);
    expect(template.build({ workerId: ID })).toBe(`worker.${ID}.inference`);
  });

  it.each(['>', '*', 'a.b', '', ' ', 'x\ny', `${ID}.x`])('refuses the injection attempt %j', (value) => {
    expect(() => template.build({ workerId: value })).toThrow(SubjectError);
  });

  it('refuses values that break the parameter schema, naming the parameter', () => {
    expect(() => template.build({ workerId: 'worker-123' })).toThrow(/Parameter "workerId".*expected a uuid.*worker-123/);
  });

  it('refuses a missing parameter', () => {
    expect(() => template.build({} as { workerId: string })).toThrow(/Missing parameter "workerId"/);
  });

  it('builds wildcard patterns only where asked', () => {
    expect(template.buildPattern({ workerId: '*' })).toBe('worker.*.inference');
    expect(() => template.build({ workerId: '*' })).toThrow(SubjectError);
    expect(() => template.buildPattern({ workerId: '>' })).toThrow(SubjectError);
  });

  it('parses anchored and exactly', () => {
    expect(template.parse(`worker.${ID}.inference`)).toEqual({ workerId: ID });
    expect(template.parse(`worker.${ID}.inference.extra`)).toBeUndefined();
    expect(template.parse(`x.worker.${ID}.inference`)).toBeUndefined();
    expect(template.parse('worker.not-a-uuid.inference')).toBeUndefined();
    expect(template.parse('worker.*.inference')).toBeUndefined();
    expect(template.parse(`worker.${ID}.inferencex`)).toBeUndefined();
    expect(template.parse(42 as unknown as string)).toBeUndefined();
  });

  it('handles templates without parameters', () => {
    const plain = compileSubjectTemplate('cluster.announce');
    expect(plain.parameters).toEqual([]);
    expect(plain.build({})).toBe('cluster.announce');
    expect(plain.parse('cluster.announce')).toEqual({});
    expect(plain.parse('cluster.other')).toBeUndefined();
  });

  it('rejects a malformed address', () => {
    expect(() => compileSubjectTemplate('worker..x')).toThrow(SubjectError);
  });

  it('property: a built subject never has a wildcard or an extra token, and parses back to its input', () => {
    const loose = compileSubjectTemplate<'a' | 'b'>('x.{a}.y.{b}');
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        let subject: string;
        try {
          subject = loose.build({ a, b });
        } catch (error) {
          expect(error).toBeInstanceOf(SubjectError);
          return;
        }
        const tokens = subject.split('.');
        expect(tokens).toHaveLength(4);
        expect(tokens.some((t) => t === '*' || t === '>' || t === '')).toBe(false);
        expect(loose.parse(subject)).toEqual({ a, b });
      }),
      { numRuns: 2000 },
    );
  });
});
