import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests each start their own nats-server on an ephemeral port, so files run in parallel safely.
    pool: 'forks',
    typecheck: {
      enabled: true,
      include: ['tests/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'codegen/**/*.ts'],
      // Run only as a process or on a worker thread, where v8 coverage of this process cannot see them; their logic
      // lives in modules tested in-process (generate.ts, output/*), and tests run them as processes too.
      exclude: ['codegen/cli.ts', 'codegen/bin.ts', 'codegen/output/format-worker.ts', 'src/cluster/service/bin.ts', 'tests/**'],
      thresholds: { lines: 90, functions: 90, statements: 90, branches: 85 },
      reporter: ['text-summary', 'text'],
    },
  },
});
