/** SourceWatcher (--watch's file watching): writes, replacements by rename and creations of a watched file count. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceWatcher } from '../../../codegen/output/watch.js';

const work = mkdtempSync(path.join(tmpdir(), 'source-watcher-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Resolves once `count()` has grown past `from`, or rejects after 10 s. */
function grows(count: () => number, from: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = (): void => {
      if (count() > from) resolve();
      else if (Date.now() > deadline) reject(new Error('no change seen within 10 s'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe('SourceWatcher', () => {
  it('sees a write, a replacement by rename and a creation of a watched file, and nothing of other files', async () => {
    const dir = path.join(work, 'a');
    mkdirSync(dir);
    const spec = path.join(dir, 'spec.yaml');
    const later = path.join(dir, 'later.json');
    writeFileSync(spec, 'a: 1\n');
    let changes = 0;
    const watcher = new SourceWatcher(() => changes++, 20);
    try {
      watcher.watch([spec, later, path.join(work, 'missing-dir/x.json')]);
      expect(watcher.watched).toEqual([spec, later, path.join(work, 'missing-dir/x.json')]);

      writeFileSync(spec, 'a: 2\n');
      await grows(() => changes, 0);

      const seen = changes;
      writeFileSync(path.join(dir, 'spec.yaml.tmp'), 'a: 3\n');
      renameSync(path.join(dir, 'spec.yaml.tmp'), spec); // how many editors save
      await grows(() => changes, seen);

      const before = changes;
      writeFileSync(later, '{}');
      await grows(() => changes, before);

      const quiet = changes;
      writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(changes).toBe(quiet);
    } finally {
      watcher.close();
    }
  });
});
