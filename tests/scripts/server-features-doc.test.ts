/**
 * docs/reliability.md lists the server features and security fixes exactly as src/base/server-version.ts declares
 * them (the table scripts/server-features-doc.ts renders); the check is also run on doctored data, to show it can fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_ADVISORIES, SERVER_FEATURES } from '../../src/base/server-version.js';
import { withSection } from '../../scripts/lib/doc-section.js';
import { SERVER_FEATURES_SECTION, renderServerFeatures } from '../../scripts/server-features-doc.js';

const page = readFileSync(SERVER_FEATURES_SECTION.page, 'utf8');

describe('the server features table of docs/reliability.md', () => {
  it('is the one rendered from SERVER_FEATURES and SERVER_ADVISORIES (npx tsx scripts/server-features-doc.ts rewrites it)', () => {
    expect(
      withSection(SERVER_FEATURES_SECTION, page, renderServerFeatures()),
      'run npx tsx scripts/server-features-doc.ts and commit docs/reliability.md',
    ).toBe(page);
    for (const [name, feature] of Object.entries(SERVER_FEATURES)) {
      const row = page.split('\n').find((line) => line.includes(`\`${name}\``));
      expect(row, name).toContain(`| ${feature.since} |`);
    }
    for (const advisory of SERVER_ADVISORIES) for (const version of advisory.fixedIn) expect(page).toContain(version);
  });

  it('differs when a feature is added, and refuses a page without its markers', () => {
    const more = { ...SERVER_FEATURES, 'new-thing': { since: '2.14.0', what: 'a new thing', why: 'a reason' } };
    expect(withSection(SERVER_FEATURES_SECTION, page, renderServerFeatures(more))).not.toBe(page);
    expect(() => withSection(SERVER_FEATURES_SECTION, page.replace(SERVER_FEATURES_SECTION.begin, ''), renderServerFeatures())).toThrow(/lost its markers/);
  });
});
