/**
 * Every module's tests are findable: tests/README.md maps each module of src/ and codegen/ to the tests that cover
 * it (scripts/test-map.ts renders it from the imports of the test files), and no module is left without one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withSection } from '../../scripts/lib/doc-section.js';
import { TEST_MAP_SECTION, renderTestMap, testMap } from '../../scripts/test-map.js';

describe('the test map of tests/README.md', () => {
  const rows = testMap();

  it('names tests for every module', () => {
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.filter((row) => row.how === 'none').map((row) => row.module)).toEqual([]);
    // The modules most worth a test of their own have one.
    const own = new Set(rows.filter((row) => row.how === 'own').map((row) => row.module));
    for (const module of ['src/cluster/controller.ts', 'src/cluster/registry.ts', 'src/base/error-codes.ts']) expect(own.has(module), module).toBe(true);
  });

  it('is up to date (npx tsx scripts/test-map.ts rewrites it)', () => {
    const page = readFileSync(TEST_MAP_SECTION.page, 'utf8');
    expect(withSection(TEST_MAP_SECTION, page, renderTestMap(rows)), 'run npx tsx scripts/test-map.ts and commit tests/README.md').toBe(page);
  });
});
