/**
 * subject-cache.ts: one subject per parameter value, built and checked once, bounded, never remembering a refused
 * value. Elsewhere: the template's own checks, tests/base/subjects.test.ts; the cache behind a channel's publish and
 * request, tests/contract/channel-fast-path.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SubjectError } from '../../src/base/errors.js';
import { compileSubjectTemplate, type SubjectTemplate } from '../../src/base/subjects.js';
import { MAX_BUILT_SUBJECTS, SubjectCache } from '../../src/contract/subject-cache.js';

/** A template that counts how often it builds. */
function counted(address: string, check?: (param: string, value: string) => string | undefined): { template: SubjectTemplate<string>; builds: () => number } {
  const template = compileSubjectTemplate<string>(address, check);
  let builds = 0;
  return {
    template: {
      ...template,
      build: (values) => {
        builds += 1;
        return template.build(values);
      },
    },
    builds: () => builds,
  };
}

describe('SubjectCache', () => {
  it('a channel without parameters builds its one subject once', () => {
    const { template, builds } = counted('cluster.announce');
    const cache = new SubjectCache(template);
    expect(cache.subject(undefined)).toBe('cluster.announce');
    expect(cache.subject({})).toBe('cluster.announce');
    expect(builds()).toBe(1);
  });

  it('a channel with one parameter builds each value once and remembers it', () => {
    const { template, builds } = counted('worker.{id}.heartbeat');
    const cache = new SubjectCache(template);
    expect(cache.subject({ id: 'a' })).toBe('worker.a.heartbeat');
    expect(cache.subject({ id: 'a' })).toBe('worker.a.heartbeat');
    expect(cache.subject({ id: 'b' })).toBe('worker.b.heartbeat');
    expect(builds()).toBe(2);
    expect(cache.size).toBe(2);
  });

  it(`forgets everything once it holds ${MAX_BUILT_SUBJECTS} subjects, so memory stays bounded`, () => {
    const cache = new SubjectCache(compileSubjectTemplate('w.{id}'));
    for (let i = 0; i < MAX_BUILT_SUBJECTS; i++) cache.subject({ id: `v${i}` });
    expect(cache.size).toBe(MAX_BUILT_SUBJECTS);
    expect(cache.subject({ id: 'one-more' })).toBe('w.one-more');
    expect(cache.size).toBe(1);
  });

  it('refuses what the template refuses, and never remembers it', () => {
    const cache = new SubjectCache(compileSubjectTemplate('w.{id}', (_param, value) => (value === 'bad' ? 'is bad' : undefined)));
    for (const id of ['>', '*', 'a.b', '', 'bad']) {
      expect(() => cache.subject({ id }), id).toThrow(SubjectError);
    }
    expect(() => cache.subject(undefined)).toThrow(/Missing parameter "id"/);
    expect(() => cache.subject({ id: 42 })).toThrow(SubjectError);
    expect(cache.size).toBe(0);
  });

  it('a channel with several parameters builds every time', () => {
    const { template, builds } = counted('response.{worker}.{request}');
    const cache = new SubjectCache(template);
    expect(cache.subject({ worker: 'w', request: 'r' })).toBe('response.w.r');
    expect(cache.subject({ worker: 'w', request: 'r' })).toBe('response.w.r');
    expect(builds()).toBe(2);
    expect(cache.size).toBe(0);
  });
});
