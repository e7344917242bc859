/**
 * Markdown building blocks shared by the generated reference pages: docs/configuration.md (config-docs.ts) and
 * docs/asyncapi.md (render-markdown.ts). One set of escaping rules for both, so a description, key or
 * value that is safe on one page is safe on the other. Every function is pure and deterministic: the pages are
 * checked byte for byte by `--check`.
 */

/**
 * One line of text, for a heading or any other place where a line break would end the construct: trimmed, and
 * every line break (with the spaces around it) turned into one space.
 */
export function inline(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

/**
 * Makes text fit one table cell: pipes would split the cell and newlines would end the row. A single line break
 * is a soft break in Markdown (a space); a blank line becomes a visible break.
 */
export function cell(text: string): string {
  return text
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\r\n/g, '\n')
    .replace(/\n{2,}/g, '<br><br>')
    .replace(/\n/g, ' ');
}

/** An inline code span that survives backticks inside `text`. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** An ATX heading (`#` to `######`) on one line. */
export function heading(level: 1 | 2 | 3 | 4 | 5 | 6, text: string): string {
  return `${'#'.repeat(level)} ${inline(text)}`;
}

/** A link to an anchor on the same page. */
export function link(text: string, target: string): string {
  return `[${text}](#${target})`;
}

/**
 * A table: the header row, the `---` rule, then one row per entry. Body cells go through {@link cell}; headers are
 * written as given (they are fixed words, never data).
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `| ${headers.join(' | ')} |`;
  const rule = `| ${headers.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${row.map(cell).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}
