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
      // codegen/cli.ts is a thin wrapper run as a process (its logic lives in generate.ts/output.ts, tested in-process).
      exclude: ['codegen/cli.ts', 'tests/**'],
      thresholds: { lines: 90, functions: 90, statements: 90, branches: 85 },
      reporter: ['text-summary', 'text'],
    },
  },
});
