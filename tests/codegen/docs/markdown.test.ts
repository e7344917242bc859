/** The Markdown building blocks both reference pages use (docs/configuration.md and docs/asyncapi.md). */
import { describe, expect, it } from 'vitest';
import { cell, code, heading, inline, link, table } from '../../../codegen/docs/markdown.js';

describe('Markdown helpers', () => {
  it('keeps table cells on one row and escapes pipes', () => {
    expect(cell('a | b')).toBe('a \\| b');
    expect(cell('  line one\nline two\r\n\r\nnext paragraph\n')).toBe('line one line two<br><br>next paragraph');
  });

  it('wraps code spans so backticks inside survive', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`edge`')).toBe('`` `edge` ``');
  });

  it('keeps inline text and headings on one line', () => {
    expect(inline('  one\r\n  two\n\nthree ')).toBe('one two three');
    expect(heading(1, 'Title 1.0')).toBe('# Title 1.0');
    expect(heading(3, `${code('a.b')} - two\nlines`)).toBe('### `a.b` - two lines');
  });

  it('links to an anchor on the same page', () => {
    expect(link(code('ping'), 'channel-ping')).toBe('[`ping`](#channel-ping)');
  });

  it('builds a table with a rule under the headers and escaped body cells', () => {
    expect(
      table(
        ['Key', 'Value'],
        [
          [code('a'), 'x | y'],
          ['b', 'one\ntwo'],
        ],
      ),
    ).toBe(['| Key | Value |', '| --- | --- |', '| `a` | x \\| y |', '| b | one two |'].join('\n'));
    expect(table(['Only'], [])).toBe('| Only |\n| --- |');
  });
});
