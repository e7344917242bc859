/**
 * Child: config load in a fresh process. Imports the package entry (as an application would), then times the first
 * `loadClusterConfig('config/cluster.yaml')` (cold: schema compile included) and a second one (warm).
 */
const began = performance.now();
const { loadClusterConfig } = await import('../../src/index.js');
const imported = performance.now();
await loadClusterConfig('config/cluster.yaml');
const first = performance.now();
await loadClusterConfig('config/cluster.yaml');
const second = performance.now();
console.log(JSON.stringify({ importMs: imported - began, coldMs: first - imported, warmMs: second - first }));
