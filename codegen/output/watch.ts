/**
 * The file watching behind `--watch`: a set of files (the spec and every file the last run read), replaced after each
 * run. Each file's directory is watched rather than the file itself, so that a file an editor saves by writing a new
 * file and renaming it over the old one, a file deleted and written again, or a referenced file that does not exist
 * yet, is still seen.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Calls `onChange` (debounced) whenever one of the watched files is written, created, renamed or removed. */
export class SourceWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private files = new Set<string>();

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 150,
  ) {}

  /** Watches exactly `files` (absolute paths) from now on. */
  watch(files: readonly string[]): void {
    this.closeWatchers();
    this.files = new Set(files.map((f) => path.resolve(f)));
    const directories = new Set([...this.files].map((f) => path.dirname(f)));
    for (const directory of directories) {
      try {
        const watcher = watch(directory, (_event, name) => {
          // Without a name (some platforms) any change in the directory counts.
          if (name === null || this.files.has(path.join(directory, name))) this.schedule();
        });
        watcher.on('error', () => undefined); // the directory went away; the next run re-arms
        this.watchers.push(watcher);
      } catch {
        // A directory that does not exist (a $ref into a missing folder) cannot be watched; the spec still is.
      }
    }
  }

  /** The files watched now. */
  get watched(): string[] {
    return [...this.files];
  }

  /** Stops watching. */
  close(): void {
    this.closeWatchers();
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private closeWatchers(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, this.debounceMs);
  }
}
