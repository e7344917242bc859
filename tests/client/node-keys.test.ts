/**
 * node-keys.ts: minting a user nkey, its public key from the seed, the seed check, and a seed file read back.
 * Elsewhere: seed files refused for their mode, a missing file, garbage and account seeds (quoting none of them), and
 * nkeys on a real server, tests/client/nkey-auth.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NKEY_SEED_ERROR, checkUserSeed, createNodeKey, nkeyPublicKey, readSeedFile } from '../../src/client/node-keys.js';

const scratch = mkdtempSync(join(tmpdir(), 'node-keys-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('node keys', () => {
  it('a minted key: a user public key and seed that belong together', () => {
    const key = createNodeKey();
    expect(key.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(nkeyPublicKey(`  ${key.seed}\n`)).toBe(key.publicKey);
    expect(nkeyPublicKey(new TextEncoder().encode(key.seed))).toBe(key.publicKey);
    expect(() => {
      checkUserSeed(new TextEncoder().encode(key.seed));
    }).not.toThrow();
  });

  it('refuses text that is no seed, with NATS_NKEY_SEED and the source named, never the text', () => {
    const text = 'SUnot-a-seed-at-all';
    let error: unknown;
    try {
      nkeyPublicKey(text, 'the test seed');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: NKEY_SEED_ERROR });
    expect((error as Error).message).toContain('the test seed is not an nkey seed');
    expect((error as Error).message).not.toContain(text);
  });

  it('reads a seed file open to its owner only', async () => {
    const key = createNodeKey();
    const path = join(scratch, 'own.nk');
    writeFileSync(path, `${key.seed}\n`, { mode: 0o600 });
    expect(new TextDecoder().decode(await readSeedFile(path))).toBe(key.seed);
  });
});
