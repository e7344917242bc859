/**
 * Child: codegen in a fresh process, as `npm run codegen -- --check` runs it: import the pipeline, generate every
 * file from asyncapi.yaml and the config schema, compare with what is on disk. Prints the times and staleness.
 */
const began = performance.now();
const { generate } = await import('../../codegen/generate.js');
const { staleFiles } = await import('../../codegen/output/write.js');
const imported = performance.now();
const result = await generate({
  input: 'asyncapi.yaml',
  output: 'generated',
  configSchema: 'schemas/cluster-config.schema.json',
  configDocs: 'docs/configuration.md',
  runtime: '../src/contract/index.js',
});
const stale = staleFiles(result.files, result.managedDirs);
const done = performance.now();
console.log(
  JSON.stringify({ importMs: imported - began, generateMs: done - imported, totalMs: done - began, files: result.files.length, stale: stale.length }),
);
