/**
 * `npm run docs`: this repository's docs, built by the generator's `docs` command (codegen/docs/command.ts, the
 * package's `mlx-codegen docs`) with its defaults: asyncapi.yaml to docs/site/ and docs/asyncapi.md. `npm run docs
 * -- --help` lists the options.
 */
import { runDocsCommand } from '../codegen/docs/command.js';

process.exitCode = await runDocsCommand(process.argv.slice(2), { command: 'npm run docs' });
