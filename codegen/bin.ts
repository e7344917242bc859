#!/usr/bin/env node
/**
 * The `mlx-codegen` bin of the package (compiled to dist/codegen/bin.js; runs under plain node): checks that the
 * generator's optional peer dependencies are installed, then runs the CLI (cli.ts, which loads them). Without them
 * it prints which are missing and the command that installs them, and exits 2.
 */
import { missingPeers, missingPeersMessage } from './peers.js';

const missing = missingPeers();
if (missing.length > 0) {
  console.error(missingPeersMessage(missing));
  process.exitCode = 2;
} else {
  const { runCli } = await import('./cli.js');
  await runCli(process.argv.slice(2));
}
