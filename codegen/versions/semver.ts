/**
 * The part of semver (semver.org 2.0.0) the gate and the versioned docs need: parse `info.version`, order two
 * versions, and say whether one is a major bump of another. A contract's version is its `info.version`, never a tag
 * name or a package version.
 */

/** major, minor, patch and the pre-release identifiers (empty for a release). */
export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
}

/** Parses `1.2.3`, `v1.2.3`, `1.2.3-rc.1+build`; undefined for anything else. */
export function parseSemver(version: string): Semver | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] === undefined ? [] : match[4].split('.') };
}

/**
 * Negative when `a` comes before `b`, positive after, 0 when equal (build metadata ignored, a pre-release before its
 * release, §11). A version that is not semver sorts before every semver one, and by its text among its kind.
 */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (x === undefined || y === undefined) return x === y ? a.localeCompare(b) : x === undefined ? -1 : 1;
  const core = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (core !== 0) return core;
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i += 1) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    if (numeric) return Number(p) - Number(q);
    if (/^\d+$/.test(p) !== /^\d+$/.test(q)) return /^\d+$/.test(p) ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/**
 * True when `after` is a major bump of `before`: its major is higher, or both are 0.x and its minor is higher
 * (semver gives 0.x no compatibility promise; the gate treats its minor as the major, as npm's caret ranges do).
 */
export function isMajorBump(before: string, after: string): boolean {
  const b = parseSemver(before);
  const a = parseSemver(after);
  if (b === undefined || a === undefined) return false;
  if (a.major !== b.major) return a.major > b.major;
  return a.major === 0 && a.minor > b.minor;
}

/** The next major of `version` (`0.3.1` → `0.4.0`, `1.2.0` → `2.0.0`; `1.0.0` when it is not semver). */
export function nextMajor(version: string): string {
  const v = parseSemver(version);
  if (v === undefined) return '1.0.0';
  return v.major === 0 ? `0.${String(v.minor + 1)}.0` : `${String(v.major + 1)}.0.0`;
}
