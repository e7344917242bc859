/**
 * The versions a docs site shows: every released version of the contract (../versions/releases.ts: git tags or a
 * versions directory), oldest first, and the working tree's contract when it is not the newest release. A release
 * is parsed from a copy of the files it had (as the gate reads them), so a tag's contract is shown as it was tagged.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadWorkingTree, type LoadedContract } from '../evolution/load.js';
import { versionOf } from '../evolution/report.js';
import { listReleases, type ReleaseSource } from '../versions/releases.js';
import { loadSpec, SpecLoadError, type LoadedSpec } from './load-spec.js';

/** One version of the site. */
export interface SiteVersion {
  readonly version: string;
  /** Its folder under versions/. */
  readonly slug: string;
  /** What the switcher shows. */
  readonly label: string;
  /** The tag or folder it was read from, or `working tree`. */
  readonly origin: string;
  readonly spec: LoadedSpec;
  /** The contract as the gate reads it, for the changelog. */
  readonly contract: LoadedContract;
}

/** The versions of the contract at `input`, oldest first, and notes about releases left out. */
export async function siteVersions(input: string, current: LoadedSpec, source: ReleaseSource): Promise<{ versions: SiteVersion[]; notes: string[] }> {
  const { releases, notes } = listReleases(input, source);
  const versions: SiteVersion[] = [];
  const scratch = await mkdtemp(path.join(tmpdir(), 'mlx-codegen-docs-'));
  try {
    for (const release of releases) {
      const file = await materialize(release.contract.files, path.join(scratch, String(versions.length)));
      try {
        const spec = await loadSpec(file, `${release.origin} (${path.basename(input)})`);
        versions.push({
          version: release.version,
          slug: slugOf(release.version),
          label: release.version,
          origin: release.origin,
          spec,
          contract: release.contract,
        });
      } catch (error) {
        if (!(error instanceof SpecLoadError)) throw error;
        notes.push(`${release.origin}: left out of the site: ${error.message}`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const working = loadWorkingTree(input);
  const newest = versions.at(-1);
  if (newest === undefined || JSON.stringify(newest.contract.document) !== JSON.stringify(working.document)) {
    const version = versionOf(working);
    versions.push({ version, slug: 'working-tree', label: `${version} (working tree)`, origin: 'working tree', spec: current, contract: working });
  }
  const last = versions.at(-1);
  if (last !== undefined && last.origin !== 'working tree') versions[versions.length - 1] = { ...last, label: `${last.version} (latest)` };
  return { versions, notes };
}

/** A folder name for a version: its text, with anything but letters, digits, `.`, `-` and `+` as `-`. */
export function slugOf(version: string): string {
  return version.replace(/[^0-9A-Za-z.+-]/g, '-');
}

/**
 * Writes `files` (paths relative to the document, the document first) under `dir`, deep enough that a `../` of a
 * reference stays inside it; returns the document's path.
 */
async function materialize(files: ReadonlyMap<string, string>, dir: string): Promise<string> {
  const depth = Math.max(0, ...[...files.keys()].map((f) => (/^(?:\.\.\/)+/.exec(f)?.[0].length ?? 0) / 3));
  const base = path.join(dir, ...Array.from({ length: depth }, (_, i) => `d${String(i)}`));
  let entry: string | undefined;
  for (const [relative, text] of files) {
    const target = path.join(base, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    entry ??= target;
  }
  if (entry === undefined) throw new Error('a release with no files');
  return entry;
}
