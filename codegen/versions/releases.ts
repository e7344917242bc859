/**
 * The released versions of a contract, for the versioned docs and the transitive compatibility modes: every git tag
 * that matches a pattern (default {@link DEFAULT_TAG_PATTERN}), or every folder of a versions directory that holds
 * the contract. A release's version is its contract's `info.version`, whatever the tag or folder is called; tags that
 * hold one version twice count once (the newest tag), and releases come out oldest first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadContract, type LoadedContract } from '../evolution/load.js';
import { compareVersions } from './semver.js';

/** The git tags that mark a released contract unless `--tags` says otherwise: `contract-v1.2.0`. */
export const DEFAULT_TAG_PATTERN = 'contract-v*';

/** Where releases come from: git tags matching `tags` (a `git tag --list` pattern), or the folders of `versionsDir`. */
export interface ReleaseSource {
  readonly tags?: string | undefined;
  readonly versionsDir?: string | undefined;
}

/** One released version of the contract. */
export interface Release {
  /** `info.version` of its contract. */
  readonly version: string;
  /** The tag, or the folder (relative to the working directory), it was read from. */
  readonly origin: string;
  readonly contract: LoadedContract;
}

/** Every release of the contract at `input`, oldest first, and what was skipped (each with the reason). */
export function listReleases(input: string, source: ReleaseSource = {}): { releases: Release[]; notes: string[] } {
  const notes: string[] = [];
  const found: Release[] = [];
  if (source.versionsDir !== undefined) {
    const dir = path.resolve(source.versionsDir);
    if (!existsSync(dir))
      throw new Error(
        `the versions directory ${source.versionsDir} does not exist: pass a directory with one folder per released version, each holding ${path.basename(input)}`,
      );
    for (const entry of readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name, path.basename(input));
      const origin = path.relative(process.cwd(), path.join(dir, entry.name)) || entry.name;
      if (!existsSync(file)) {
        notes.push(`${origin}: no ${path.basename(input)} in it, skipped`);
        continue;
      }
      found.push(release(loadContract(file, input), origin));
    }
  } else {
    const pattern = source.tags ?? DEFAULT_TAG_PATTERN;
    const tags = gitTags(input, pattern);
    if ('problem' in tags) notes.push(`no released versions: ${tags.problem}`);
    for (const tag of 'problem' in tags ? [] : tags.tags) {
      try {
        found.push(release(loadContract(tag, input), tag));
      } catch (error) {
        notes.push(`tag ${tag}: ${(error as Error).message}, skipped`);
      }
    }
  }
  // One release per version: the last one listed (tags come oldest first, folders by name) wins.
  const byVersion = new Map<string, Release>();
  for (const r of found) {
    const earlier = byVersion.get(r.version);
    if (earlier !== undefined && JSON.stringify(earlier.contract.document) !== JSON.stringify(r.contract.document)) {
      notes.push(
        `${earlier.origin} and ${r.origin} hold different contracts under one version ${r.version}; using ${r.origin} (raise info.version whenever the contract changes)`,
      );
    }
    byVersion.set(r.version, r);
  }
  return { releases: [...byVersion.values()].sort((a, b) => compareVersions(a.version, b.version)), notes };
}

function release(contract: LoadedContract, origin: string): Release {
  const info = contract.document.info;
  const version = typeof info === 'object' && info !== null && !Array.isArray(info) && typeof info.version === 'string' ? info.version : '0.0.0';
  return { version, origin, contract };
}

/** The tags matching `pattern` in the repository that holds `input`, oldest first (by creation date), or why there are none. */
function gitTags(input: string, pattern: string): { tags: string[] } | { problem: string } {
  const cwd = path.dirname(path.resolve(input));
  let out: string;
  try {
    out = execFileSync('git', ['tag', '--list', pattern, '--sort=creatordate'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const raw = (error as { stderr?: unknown }).stderr;
    const stderr = typeof raw === 'string' ? raw.trim() : '';
    return {
      problem: `cannot list the git tags ${pattern} in ${cwd}: ${(stderr === '' ? (error as Error).message : stderr).split('\n')[0] ?? ''} (outside a git repository, pass --versions <dir>)`,
    };
  }
  return {
    tags: out
      .split('\n')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  };
}
