/**
 * The Chromium/Chrome the browser tests drive. scripts/setup-browser.sh is the one definition of where a browser is
 * looked for (CHROMIUM_BIN, PATH, the usual install places); this asks it, so the tests run exactly the browser
 * `npm test`'s set-up found or installed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SETUP_BROWSER_SCRIPT = fileURLToPath(new URL('../../scripts/setup-browser.sh', import.meta.url));

/** The browser's executable path; throws naming CHROMIUM_BIN and the install command when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('/bin/bash', [SETUP_BROWSER_SCRIPT, '--find'], { env, encoding: 'utf8', timeout: 30_000 });
  const path = result.stdout.trim();
  if (result.status === 0 && path !== '') return path;
  const why = result.error?.message ?? result.stderr.trim();
  throw new Error(
    `The browser tests need a Chromium or Chrome they can run:\n${why}\n` +
      '(`npm test` installs it first when it runs as root with apt-get. Never `npx playwright install`: it downloads a browser this project does not use.)',
  );
}
