/**
 * docs/security.md stays true to the code: its table of what each role may do is the one scripts/security-doc.ts
 * renders from generated/permissions.ts, its configuration examples load, and the `mlx-node credentials` commands it
 * names exist. The table check is also run on doctored data, to show that it can fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rolePermissions } from '../../generated/permissions.js';
import { parseClusterConfig } from '../../src/cluster/config.js';
import { EXIT, runMlxNode } from '../../src/cluster/service/cli.js';
import { BEGIN, END, SECURITY_DOC, renderPermissions, withTable } from '../../scripts/security-doc.js';

const page = readFileSync(SECURITY_DOC, 'utf8');

describe('docs/security.md', () => {
  it('shows the permissions generated/permissions.ts gives each role (npx tsx scripts/security-doc.ts rewrites it)', () => {
    expect(withTable(page, renderPermissions()), 'run npx tsx scripts/security-doc.ts and commit docs/security.md').toBe(page);
    for (const [role, rights] of Object.entries(rolePermissions)) {
      const row = page.split('\n').find((line) => line.startsWith(`| ${role} |`));
      for (const subject of [...rights.publish, ...rights.subscribe]) expect(row).toContain(`\`${subject}\``);
    }
  });

  it('the check fails when the contract grants something the page does not show', () => {
    const more = { ...rolePermissions, worker: { ...rolePermissions.worker, subscribe: [...rolePermissions.worker.subscribe, 'worker.*.inference'] } };
    expect(withTable(page, renderPermissions(more))).not.toBe(page);
    expect(() => withTable(page.replace(BEGIN, ''), renderPermissions())).toThrow(/lost its markers/);
    expect(page.indexOf(BEGIN)).toBeLessThan(page.indexOf(END));
  });

  it('its configuration examples load', () => {
    const blocks = [...page.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map((m) => (m[2] ?? '').replace(new RegExp(`^${m[1] ?? ''}`, 'gm'), ''));
    const whole = blocks.filter((text) => text.startsWith('cluster:\n  mode:'));
    expect(whole.length).toBeGreaterThanOrEqual(2);
    for (const text of whole) expect(() => parseClusterConfig(text, { env: { MLX_API_KEY: 'k', NATS_PASSWORD: 'p' } })).not.toThrow();
  });

  it('names only credentials commands that exist', async () => {
    const named = new Set([...page.matchAll(/mlx-node credentials ([a-z][a-z-]*)/g)].map((m) => m[1] ?? ''));
    expect([...named].sort()).toEqual(['add-worker', 'init', 'list', 'remove-worker']);
    let usage = '';
    expect(await runMlxNode(['credentials', '--help'], { out: (text) => (usage += text), err: () => undefined })).toBe(EXIT.ok);
    for (const command of named) expect(usage).toContain(`  ${command}`);
  });
});
