/**
 * A part of a Markdown page that a script renders from the code's own data, between two HTML comment markers, so
 * that the page cannot drift from the code: the script rewrites it, and a test fails while it differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Where a generated part lives: the page and its two markers. */
export interface DocSection {
  page: string;
  begin: string;
  end: string;
}

/** `text` (the page's content) with the part between the markers replaced by `body`; throws when the markers are missing. */
export function withSection(section: DocSection, text: string, body: string): string {
  const start = text.indexOf(section.begin);
  const end = text.indexOf(section.end);
  if (start < 0 || end < start) throw new Error(`${section.page} has lost its markers (${section.begin} ... ${section.end}).`);
  return `${text.slice(0, start)}${section.begin}\n${body}\n${section.end}${text.slice(end + section.end.length)}`;
}

/**
 * The command line of a doc script: rewrites the part (exit 0), or with `--check` exits 1 when it is out of date.
 * `script` names the command that rewrites it, for the message.
 */
export function runDocScript(section: DocSection, body: string, script: string, argv: readonly string[]): number {
  const text = readFileSync(section.page, 'utf8');
  const next = withSection(section, text, body);
  if (argv.includes('--check')) {
    if (next === text) return 0;
    console.error(`${section.page}: the generated part differs from the code. Run npx tsx ${script} and commit it.`);
    return 1;
  }
  if (next !== text) writeFileSync(section.page, next);
  return 0;
}
