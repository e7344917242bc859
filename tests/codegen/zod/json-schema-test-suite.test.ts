// The official JSON Schema Test Suite (draft 7) as the judge of the Zod emitter's fidelity: every group's schema is
// emitted on its own and every test's verdict compared with the suite's. A group the emitter refuses must be listed
// below with the construct it names; a wrong verdict is never allowed.
import { afterAll, describe, expect, it } from 'vitest';
import { readerStricterThanWriter, runFile, suiteFiles, type FileResult } from './suite-runner.js';

/** Groups that need a network (a `$ref` to another document): excluded from the counts, listed in the summary. */
const REMOTE = 'outside this schema';

/** Core groups the emitter refuses, each with the construct its diagnostic names (at most 5). */
const REFUSED_CORE: Readonly<Record<string, string>> = {
  'default.json / invalid type for default': 'default',
};

interface Totals {
  agree: number;
  wrong: number;
  refused: string[];
  remote: string[];
}

const totals: Record<'core' | 'optional' | 'format', Totals> = {
  core: { agree: 0, wrong: 0, refused: [], remote: [] },
  optional: { agree: 0, wrong: 0, refused: [], remote: [] },
  format: { agree: 0, wrong: 0, refused: [], remote: [] },
};

function record(part: keyof typeof totals, result: FileResult): { refused: string[] } {
  const total = totals[part];
  total.agree += result.agree;
  total.wrong += result.wrong.length;
  const refused: string[] = [];
  for (const group of result.refused) {
    const name = `${result.file.replace(/^optional\/(format\/)?/, '')} / ${group.group}`;
    if (group.construct === '$ref' && group.message.includes(REMOTE)) total.remote.push(name);
    else {
      total.refused.push(`${name} (${group.construct})`);
      refused.push(name);
    }
  }
  return { refused };
}

afterAll(() => {
  for (const [part, total] of Object.entries(totals)) {
    console.log(
      `JSON Schema Test Suite draft7 ${part}: ${total.agree} agree / ${total.wrong} wrong / ${total.refused.length} refused (${total.remote.length} remote excluded)`,
    );
    for (const refused of total.refused) console.log(`  refused: ${refused}`);
    for (const remote of total.remote) console.log(`  remote, excluded: ${remote}`);
  }
});

describe('core draft-7 files', () => {
  it.each(suiteFiles('.'))('%s: every verdict agrees; refusals are the listed ones', (file) => {
    const result = runFile(file);
    const { refused } = record('core', result);
    expect(result.wrong).toEqual([]);
    for (const name of refused) expect(REFUSED_CORE, `unexpected refusal: ${name}`).toHaveProperty([name]);
    for (const group of result.refused) {
      const expected = REFUSED_CORE[`${file} / ${group.group}`];
      if (expected !== undefined) expect(group.construct).toBe(expected);
    }
  });

  it('refuses at most 5 core groups', () => {
    expect(Object.keys(REFUSED_CORE).length).toBeLessThanOrEqual(5);
  });
});

describe('optional format files', () => {
  it.each(suiteFiles('optional/format'))('%s: every verdict of an accepted format agrees', (file) => {
    const result = runFile(file);
    record('format', result);
    expect(result.wrong).toEqual([]);
    // a refused format is refused for every group, with its name
    for (const group of result.refused) expect(group.construct).toMatch(/^format: /);
  });
});

describe('other optional files', () => {
  it.each(suiteFiles('optional'))('%s: every verdict agrees', (file) => {
    const result = runFile(file);
    record('optional', result);
    expect(result.wrong).toEqual([]);
    for (const group of result.refused) expect(group.message).toContain(REMOTE);
  });
});

// Not a law: a condition on a closed object (`if`, `not`) can decide differently once unknown keys count as absent.
// On the suite's groups, though, stripping never turns an accepted value into a refused one.
describe('the reader variant (tolerant reader) on every core group', () => {
  it.each(suiteFiles('.'))('%s: the reader emits and accepts whatever the writer accepts', (file) => {
    expect(readerStricterThanWriter(file)).toEqual([]);
  });
});
