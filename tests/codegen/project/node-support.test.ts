/**
 * The Node support statement is one statement: package.json `engines`, the `@types/node` the code is type-checked
 * against, the Node that runs this suite (CI's), the README's Prerequisites, and the engines of every runtime
 * dependency agree. A dependency that needs a newer Node than `engines` says is named in the README (npm warns
 * EBADENGINE for it there), so a new one cannot slip in unmentioned.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
const readme = readFileSync('README.md', 'utf8');
const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('## Quick start')).replace(/\s+/g, ' ');

/** [major, minor] of the lowest version a range admits: `>=20.19` → [20, 19]; `^16 || >=20` → [16, 0]; `*` → [0, 0]. */
function lowest(range: string): [number, number] {
  const bounds = range.split('||').map((part): [number, number] => {
    const m = /(\d+)(?:\.(\d+|x))?/.exec(part);
    return m === null ? [0, 0] : [Number(m[1]), m[2] === undefined || m[2] === 'x' ? 0 : Number(m[2])];
  });
  return bounds.sort((a, b) => a[0] - b[0] || a[1] - b[1])[0] ?? [0, 0];
}
const above = (a: [number, number], b: [number, number]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** Every package the runtime installs (the production tree of package-lock.json), as lock keys. */
function runtimeTree(): string[] {
  const resolve = (name: string, from: string): string | undefined => {
    for (let dir = from; ;) {
      const key = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (key in lock.packages) return key;
      if (dir === '') return undefined;
      const at = dir.lastIndexOf('/node_modules/');
      dir = at < 0 ? '' : dir.slice(0, at);
    }
  };
  const seen = new Set<string>();
  const queue = Object.keys(manifest.dependencies).map((name) => resolve(name, ''));
  for (let key = queue.pop(); key !== undefined || queue.length > 0; key = queue.pop()) {
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    for (const name of Object.keys(lock.packages[key]?.dependencies ?? {})) queue.push(resolve(name, key));
  }
  return [...seen];
}

const floor = lowest(manifest.engines.node);

describe('Node support', () => {
  it('engines is a floor of the form >=M.m, the @types/node line the code is checked against', () => {
    expect(manifest.engines.node).toMatch(/^>=\d+\.\d+$/);
    expect(lowest(manifest.devDependencies['@types/node'] ?? '')).toEqual(floor);
  });

  it('the Node running this suite (CI runs it) is within engines', () => {
    const running = lowest(process.versions.node);
    expect(above(floor, running), `${process.version} is below ${manifest.engines.node}`).toBe(false);
  });

  it("the README's Prerequisites state the floor, the recommended LTS lines and Node 20's end of life", () => {
    expect(prerequisites).toContain(`\`engines\`: \`${manifest.engines.node}\``);
    expect(prerequisites).toContain('Node.js 22 or 24');
    expect(prerequisites).toContain('end of life on 30 April 2026');
  });

  it('every runtime dependency that asks for a newer Node than engines is named, with its version, in the README', () => {
    const newer = runtimeTree()
      .map((key) => ({ name: key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), entry: lock.packages[key] }))
      .filter(({ entry }) => entry?.engines?.node !== undefined && above(lowest(entry.engines.node), floor))
      .map(({ name, entry }) => `\`${name}\` ${entry?.version ?? ''}`);
    expect(newer.length).toBeGreaterThan(0); // today: @nats-io/nuid and cookie; the README explains the warning
    for (const dependency of newer) expect(prerequisites, `README Prerequisites should name ${dependency}`).toContain(dependency);
  });

  it('lowest reads the range forms dependencies use', () => {
    expect(lowest('>= 22.x')).toEqual([22, 0]);
    expect(lowest('^16 || ^18 || >=20')).toEqual([16, 0]);
    expect(lowest('>=20.19')).toEqual([20, 19]);
    expect(lowest('20.19.43')).toEqual([20, 19]);
    expect(lowest('*')).toEqual([0, 0]);
  });
});
