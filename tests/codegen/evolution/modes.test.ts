/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the fixtures are plain JSON, edited freely by each case */
// Compatibility modes (codegen/evolution/modes.ts), the upgrade order and the version check: for each of the seven
// modes a change it lets through and one it stops, each with its upgrade order stated; a transitive mode fails a
// contract that the plain mode passes, because of a release two versions back (real git tags); a version below the
// base fails whatever the mode; the CLI prints JSON for CI.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareAgainst, type CompatibilityMode, type UpgradeOrder } from '../../../codegen/evolution/index.js';
import { COMPATIBILITY_MODES, DEFAULT_MODE } from '../../../codegen/evolution/modes.js';
import { hb, repository, version, write, type Fixture } from './fixture.js';

const root = path.resolve(import.meta.dirname, '../../..');
type Edit = (f: Fixture) => void;

/** Edits, each with the one change it makes, whom it breaks and the order it needs. */
const CHANGES = {
  optionalFieldAdded: {
    edit: (f: Fixture) => {
      hb(f).gpu = { type: 'number' };
    },
    kind: 'optional-field-added',
    order: 'any-order',
  },
  fieldBecameOptional: {
    edit: (f: Fixture) => {
      f.heartbeat.required = ['workerId', 'status'];
    },
    kind: 'field-became-optional',
    order: 'readers-first',
  },
  enumValueAdded: {
    edit: (f: Fixture) => {
      hb(f).status.enum.push('draining');
    },
    kind: 'enum-value-added',
    order: 'readers-first',
  },
  requiredFieldAdded: {
    edit: (f: Fixture) => {
      hb(f).region = { type: 'string' };
      f.heartbeat.required.push('region');
    },
    kind: 'required-field-added',
    order: 'writers-first',
  },
  typeChanged: {
    edit: (f: Fixture) => {
      hb(f).note = { type: 'integer' };
    },
    kind: 'type-changed',
    order: 'no-safe-order',
  },
} satisfies Record<string, { edit: Edit; kind: string; order: UpgradeOrder }>;
type ChangeName = keyof typeof CHANGES;

/** Compares 1.2.0 with the same contract at `next` (declaring `mode`) after `change`. */
function step(mode: CompatibilityMode | undefined, change: ChangeName | undefined, next = '1.3.0'): ReturnType<typeof compareAgainst> {
  const before = write(version('1.2.0'));
  const after = write(
    version(next, (f) => {
      if (mode !== undefined) f.doc.info['x-compatibility'] = mode;
      if (change !== undefined) CHANGES[change].edit(f);
    }),
  );
  return compareAgainst(after, before);
}

/** [mode, a change it allows, one it does not] for the four modes that compare with the base only. */
const PLAIN: [CompatibilityMode, ChangeName, ChangeName][] = [
  ['BACKWARD', 'fieldBecameOptional', 'requiredFieldAdded'],
  ['FORWARD', 'requiredFieldAdded', 'enumValueAdded'],
  ['FULL', 'optionalFieldAdded', 'enumValueAdded'],
];

describe('a mode lets through the changes it allows and stops the others (minor bump 1.2.0 → 1.3.0)', () => {
  it.each(PLAIN)('%s passes %s and fails %s', (mode, passing, failing) => {
    const pass = step(mode, passing);
    expect(
      pass.result.changes.map((c) => c.kind),
      pass.report,
    ).toEqual([CHANGES[passing].kind]);
    expect(pass.result.status, pass.report).toBe(0);
    expect(pass.result.upgradeOrder).toBe(CHANGES[passing].order);
    expect(pass.report).toContain(`compatibility ${mode}:`);

    const fail = step(mode, failing);
    expect(
      fail.result.changes.map((c) => c.kind),
      fail.report,
    ).toEqual([CHANGES[failing].kind]);
    expect(fail.result.status, fail.report).toBe(1);
    expect(fail.result.upgradeOrder).toBe(CHANGES[failing].order);
    expect(fail.report).toContain(`[not allowed by ${mode}]`);
    expect(fail.report).toContain(`that ${mode} does not allow, without a major version bump: raise info.version from 1.2.0 to a new major (e.g. 2.0.0)`);
    // A major bump starts a new line of versions: the same change passes.
    expect(step(mode, failing, '2.0.0').result.status).toBe(0);
  });

  it('NONE passes a change that breaks both sides (and says no order is safe), and fails a version lowered below the base', () => {
    const pass = step('NONE', 'typeChanged');
    expect(pass.result.status, pass.report).toBe(0);
    expect(pass.result.upgradeOrder).toBe('no-safe-order');
    const lowered = step('NONE', undefined, '1.1.0');
    expect(lowered.result.status, lowered.report).toBe(1);
    expect(lowered.result.upgradeOrder).toBe('any-order');
    expect(lowered.report).toContain('info.version 1.1.0 is lower than 1.2.0, the version of');
    expect(lowered.report).toContain('raise it to 1.2.0 or above');
  });

  it('without a declaration the mode is FULL, and the report says it is the default', () => {
    expect(DEFAULT_MODE).toBe('FULL');
    const { result, report } = step(undefined, 'enumValueAdded');
    expect(result.mode).toBe('FULL');
    expect(result.modeDeclared).toBe(false);
    expect(result.status).toBe(1);
    expect(report).toContain('compatibility FULL (the default):');
  });

  it('a misspelt mode is refused, naming the place and every mode, not read as the default', () => {
    const before = write(version('1.2.0'));
    const after = write(
      version('1.2.1', (f) => {
        f.doc.info['x-compatibility'] = 'BACKWARDS';
      }),
    );
    expect(() => compareAgainst(after, before)).toThrow(
      `${after}#/info/x-compatibility: "BACKWARDS" is not a compatibility mode; use one of ${Object.keys(COMPATIBILITY_MODES).join(', ')}`,
    );
  });
});

describe('transitive modes compare with every released version (git tags contract-v*)', () => {
  // 1.0.0 has an optional string `firmware`, 1.1.0 drops it, the working tree (1.2.0) brings it back as an integer:
  // each step alone breaks nobody, but a 1.0.0 peer and a 1.2.0 peer disagree on `firmware`.
  const v100 = version('1.0.0', (f) => {
    hb(f).firmware = { type: 'string' };
  });
  const v110 = version('1.1.0');
  const reused = (mode: CompatibilityMode, v = '1.2.0'): Fixture =>
    version(v, (f) => {
      hb(f).firmware = { type: 'integer' };
      f.doc.info['x-compatibility'] = mode;
    });

  it.each(['BACKWARD', 'FORWARD', 'FULL'] as const)('%s passes the reused field against the last release; %s_TRANSITIVE fails it against 1.0.0', (mode) => {
    const plain = repository([v100, v110], reused(mode));
    const last = compareAgainst(plain, 'contract-v1.1.0');
    expect(last.result.comparisons).toHaveLength(1);
    expect(
      last.result.changes.map((c) => c.kind),
      last.report,
    ).toEqual(['optional-field-added']);
    expect(last.result.status, last.report).toBe(0);
    expect(last.result.upgradeOrder).toBe('any-order');

    const transitive = repository([v100, v110], reused(`${mode}_TRANSITIVE`));
    const all = compareAgainst(transitive, 'contract-v1.1.0');
    expect(
      all.result.comparisons.map((c) => `${c.against} ${c.versionBefore}`),
      all.report,
    ).toEqual(['contract-v1.1.0:asyncapi.yaml 1.1.0', 'contract-v1.0.0 1.0.0']);
    expect(all.result.comparisons[1]?.violations.map((c) => c.kind)).toEqual(['type-changed']);
    expect(all.result.status, all.report).toBe(1);
    expect(all.result.upgradeOrder).toBe('no-safe-order');
    expect(all.report).toContain('change(s) since 1.0.0 (contract-v1.0.0) that');
    expect(all.report).toMatch(
      /upgrade order: no safe order: plan a major version \(type-changed at schemas\/heartbeat\.json#\/properties\/firmware\/type breaks readers and writers/,
    );
  });

  it('a transitive mode passes a change every release allows, and a major bump over the old release covers it', () => {
    const safe = repository(
      [v100, v110],
      version('1.2.0', (f) => {
        hb(f).firmware = { type: 'string' };
        f.doc.info['x-compatibility'] = 'FULL_TRANSITIVE';
      }),
    );
    const passed = compareAgainst(safe, 'contract-v1.1.0');
    expect(passed.result.comparisons).toHaveLength(2);
    expect(passed.result.status, passed.report).toBe(0);
    const major = repository([v100, v110], reused('FULL_TRANSITIVE', '2.0.0'));
    expect(compareAgainst(major, 'contract-v1.1.0').result.status).toBe(0);
  });

  it('a versions directory works like tags', () => {
    const dir = path.dirname(write(v110));
    const releases = path.join(dir, 'releases');
    write(v100, path.join(releases, 'first'));
    write(v110, path.join(releases, 'second'));
    const contract = write(reused('FULL_TRANSITIVE'), path.join(dir, 'now'));
    const { result } = compareAgainst(contract, path.join(releases, 'second', 'asyncapi.yaml'), { versionsDir: releases });
    expect(result.comparisons.map((c) => c.versionBefore)).toEqual(['1.1.0', '1.0.0']);
    expect(result.status).toBe(1);
  });
});

describe('the upgrade order', () => {
  it('is stated per change and at the end; readers-first and writers-first together leave no safe order', () => {
    const before = write(version('1.2.0'));
    // The two changes: one needs readers upgraded first, the other writers first.
    const after = write(
      version('2.0.0', (f) => {
        CHANGES.enumValueAdded.edit(f);
        CHANGES.requiredFieldAdded.edit(f);
      }),
    );
    const { result, report } = compareAgainst(after, before);
    expect(result.status).toBe(0); // a major bump covers them
    expect(report).toContain(
      'enum-value-added, breaks readers [schemas]: new value(s) "draining": readers on the old contract do not know them; upgrade readers first',
    );
    expect(report).toContain(
      'required-field-added, breaks writers [schemas]: "region" is required now; writers on the old contract never send it; upgrade writers first',
    );
    expect(result.upgradeOrder).toBe('no-safe-order');
    expect(report.split('\n').at(-1)).toBe(
      'upgrade order: no safe order: plan a major version (enum-value-added at schemas/heartbeat.json#/properties/status/enum needs readers upgraded first, required-field-added at schemas/heartbeat.json#/required writers first; stop the nodes and start them on the new contract together)',
    );
  });

  it('ends every report, also one without changes', () => {
    const { report } = step(undefined, undefined, '1.2.0');
    expect(report.split('\n').at(-1)).toBe('upgrade order: any order (no change breaks a peer on the other version)');
    expect(step('BACKWARD', 'fieldBecameOptional').report.split('\n').at(-1)).toMatch(/^upgrade order: readers first \(/);
    expect(step('FORWARD', 'requiredFieldAdded').report.split('\n').at(-1)).toMatch(/^upgrade order: writers first \(/);
  });
});

describe('the CLI', () => {
  const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('--json prints the result, and only it, on stdout', () => {
    const before = write(version('1.2.0'));
    const after = write(version('1.3.0', CHANGES.requiredFieldAdded.edit));
    const { status, stdout } = cli(['--input', after, '--against', before, '--json']);
    expect(status).toBe(1);
    const json = JSON.parse(stdout) as {
      mode: string;
      status: number;
      upgradeOrder: string;
      comparisons: { changes: { kind: string; breaks: string; upgradeFirst: string; allowed: boolean }[] }[];
    };
    expect(json).toMatchObject({ mode: 'FULL', status: 1, upgradeOrder: 'writers-first' });
    expect(json.comparisons[0]?.changes).toEqual([
      expect.objectContaining({ kind: 'required-field-added', breaks: 'writers', upgradeFirst: 'writers', allowed: false }),
    ]);
  });

  it('a contract it cannot read exits 2, as JSON under --json', () => {
    const after = write(
      version('1.3.0', (f) => {
        f.doc.info['x-compatibility'] = 'SIDEWAYS';
      }),
    );
    const { status, stdout, stderr } = cli(['--input', after, '--against', after, '--json']);
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ status: 2 });
    expect(stderr).toContain('"SIDEWAYS" is not a compatibility mode');
    expect(cli(['--json']).status).toBe(2);
  });
});
