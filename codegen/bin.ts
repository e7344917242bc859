#!/usr/bin/env node
/**
 * The `mlx-codegen` bin of the package (compiled to dist/codegen/bin.js; runs under plain node): checks that the
 * optional peer dependencies the command needs are installed (peers.ts), then runs the CLI (cli.ts, which loads
 * them). Without them it prints which are missing and the command that installs them, and exits 2.
 */
import { missingPeers, missingPeersMessage, peersFor } from './peers.js';

const argv = process.argv.slice(2);
const missing = missingPeers(undefined, peersFor(argv));
if (missing.length > 0) {
  console.error(missingPeersMessage(missing, undefined, argv[0] === 'docs' ? 'build the docs' : 'generate code'));
  process.exitCode = 2;
} else {
  const { runCli } = await import('./cli.js');
  await runCli(argv);
}
