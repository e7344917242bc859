/** Every public export of the package entry carries a JSDoc comment (documentation complete for every API). */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportsOf } from './helpers/exports.js';

describe('public API documentation', () => {
  it('every export of src/index.ts has a JSDoc comment', () => {
    const exports = exportsOf('src/index.ts');
    expect(exports.length).toBeGreaterThan(50);
    const undocumented = exports
      .filter(({ symbol, checker }) => {
        const declaration = symbol.declarations?.[0];
        const tags = declaration === undefined ? 0 : ts.getJSDocCommentsAndTags(declaration).length;
        return symbol.getDocumentationComment(checker).length === 0 && tags === 0;
      })
      .map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });
});
