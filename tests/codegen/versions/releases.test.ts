/**
 * Released versions (codegen/versions/): semver order and major bumps, and where releases come from: git tags (one
 * per version, the newest tag of a version winning, with a note when two tags disagree), a versions directory, or
 * none outside a git repository (a note, not a failure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listReleases } from '../../../codegen/versions/releases.js';
import { compareVersions, isMajorBump, nextMajor, parseSemver } from '../../../codegen/versions/semver.js';
import { hb, repository, version, write } from '../evolution/fixture.js';

const work = mkdtempSync(path.join(tmpdir(), 'versions-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('semver', () => {
  it('orders versions as semver.org §11 does', () => {
    const sorted = [
      '1.0.0',
      '1.0.0-rc.1',
      '0.9.12',
      '1.0.0-alpha',
      '1.0.0-alpha.10',
      '1.0.0-alpha.2',
      '1.0.0-beta',
      'v2.0.0',
      'not-a-version',
      '1.0.0+build.5',
    ].sort(compareVersions);
    expect(sorted).toEqual([
      'not-a-version',
      '0.9.12',
      '1.0.0-alpha',
      '1.0.0-alpha.2',
      '1.0.0-alpha.10',
      '1.0.0-beta',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.0+build.5',
      'v2.0.0',
    ]);
    expect(compareVersions('1.0.0', '1.0.0+other')).toBe(0);
    expect(parseSemver('1.2')).toBeUndefined();
  });

  it('a major bump is a higher major, or for 0.x a higher minor; the next major follows the same rule', () => {
    expect(isMajorBump('0.1.0', '0.2.0')).toBe(true);
    expect(isMajorBump('1.2.0', '1.9.0')).toBe(false);
    expect(isMajorBump('1.2.0', 'x')).toBe(false);
    expect([nextMajor('0.3.1'), nextMajor('1.2.0'), nextMajor('x')]).toEqual(['0.4.0', '2.0.0', '1.0.0']);
  });
});

describe('listReleases', () => {
  it('from git tags: oldest first by version, one per version, with a note when two tags hold different contracts under one version', () => {
    const changed = version('1.0.0', (f) => {
      hb(f).gpu = { type: 'number' };
    });
    const contract = repository([version('1.1.0'), version('1.0.0'), changed], version('1.2.0'), (v) => `contract-v${v}-${String(Math.random()).slice(2, 8)}`);
    const { releases, notes } = listReleases(contract);
    expect(releases.map((r) => r.version)).toEqual(['1.0.0', '1.1.0']);
    expect(releases[0]?.contract.document).toMatchObject({ info: { version: '1.0.0' } });
    expect(notes).toEqual([
      expect.stringMatching(
        /^contract-v1\.0\.0-\d+ and contract-v1\.0\.0-\d+ hold different contracts under one version 1\.0\.0; using contract-v1\.0\.0-\d+ \(raise info\.version whenever the contract changes\)$/,
      ),
    ]);
  });

  it('a tag without the contract is skipped with a note; another pattern selects other tags', () => {
    const contract = repository([version('1.0.0')], version('1.1.0'), () => 'release-1');
    expect(listReleases(contract).releases).toEqual([]);
    expect(listReleases(contract, { tags: 'release-*' }).releases.map((r) => r.origin)).toEqual(['release-1']);
  });

  it('outside a git repository there are none, and a note says why', () => {
    const contract = write(version('1.0.0'), path.join(work, 'plain'));
    const { releases, notes } = listReleases(contract);
    expect(releases).toEqual([]);
    expect(notes).toEqual([
      expect.stringMatching(
        /^no released versions: cannot list the git tags contract-v\* in .*: .*not a git repository.* \(outside a git repository, pass --versions <dir>\)$/,
      ),
    ]);
  });

  it('from a versions directory: each folder holding the contract, others skipped with a note; a missing directory is an error', () => {
    const dir = path.join(work, 'releases');
    write(version('2.0.0'), path.join(dir, 'b'));
    write(version('1.0.0'), path.join(dir, 'a'));
    write(version('3.0.0'), path.join(dir, 'c', 'nested'));
    const contract = write(version('3.0.0'), path.join(work, 'now'));
    const { releases, notes } = listReleases(contract, { versionsDir: dir });
    expect(releases.map((r) => r.version)).toEqual(['1.0.0', '2.0.0']);
    expect(notes).toEqual([expect.stringMatching(/c: no asyncapi\.yaml in it, skipped$/)]);
    expect(() => listReleases(contract, { versionsDir: path.join(work, 'none') })).toThrow(
      /the versions directory .*none does not exist: pass a directory with one folder per released version, each holding asyncapi\.yaml/,
    );
  });
});
