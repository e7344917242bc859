/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment -- the fixtures are plain JSON, edited freely */
/**
 * runGate, in process: where each part of the result goes (the report on stdout when it passes, on stderr when it
 * fails; JSON alone on stdout; notes about releases on stderr) and its exit status.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGate } from '../../../codegen/evolution/index.js';
import { hb, repository, version, write } from './fixture.js';

function captured(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out.push(args.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    err.push(args.join(' '));
  });
  return { out, err };
}
afterEach(() => {
  vi.restoreAllMocks();
});

describe('runGate', () => {
  it('prints a passing report on stdout (0) and a failing one on stderr (1)', () => {
    const before = write(version('1.2.0'));
    const io = captured();
    expect(runGate({ input: write(version('1.2.1')), against: before })).toBe(0);
    expect(io.out.join('\n')).toMatch(/upgrade order: any order/);
    expect(
      runGate({
        input: write(
          version('1.3.0', (f) => {
            hb(f).status.enum.push('x');
          }),
        ),
        against: before,
      }),
    ).toBe(1);
    expect(io.err.join('\n')).toMatch(/upgrade order: readers first/);
  });

  it('--json prints only JSON on stdout, also for a contract it cannot read (2)', () => {
    const before = write(version('1.2.0'));
    const io = captured();
    expect(runGate({ input: write(version('1.1.0')), against: before, json: true })).toBe(1);
    expect(JSON.parse(io.out[0] ?? '')).toMatchObject({ status: 1, problems: [expect.stringContaining('is lower than 1.2.0')] });
    expect(runGate({ input: before, against: 'no-such-ref-anywhere', json: true })).toBe(2);
    expect(JSON.parse(io.out[1] ?? '')).toMatchObject({ status: 2, error: expect.stringContaining('cannot read the contract at no-such-ref-anywhere') });
    expect(io.out).toHaveLength(2);
  });

  it('prints the notes about releases a transitive mode met, on stderr', () => {
    const transitive = (v: string) =>
      version(v, (f) => {
        f.doc.info['x-compatibility'] = 'FULL_TRANSITIVE';
      });
    const contract = repository([transitive('1.0.0')], transitive('1.1.0'));
    const empty = path.join(path.dirname(contract), 'releases', 'empty');
    mkdirSync(empty, { recursive: true });
    const io = captured();
    expect(runGate({ input: contract, against: 'contract-v1.0.0', releases: { versionsDir: path.dirname(empty) } })).toBe(0);
    expect(io.err).toEqual([expect.stringMatching(/^codegen --against: note: .*releases\/empty: no asyncapi\.yaml in it, skipped$/)]);
    expect(runGate({ input: contract, against: 'contract-v1.0.0', releases: { versionsDir: '/no/such/dir' } })).toBe(2);
    expect(io.err.join('\n')).toContain('codegen --against: the versions directory /no/such/dir does not exist');
  });
});
