#!/usr/bin/env node
/** The `mlx-node` bin of the package (compiled to dist/src/cluster/service/bin.js): see cli.ts. */
import { runMlxNode } from './cli.js';

const code = await runMlxNode(process.argv.slice(2));
// A second signal asks to stop at once, whatever still runs; otherwise let the event loop empty by itself.
if (code >= 128) process.exit(code);
process.exitCode = code;
