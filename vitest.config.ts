import { defineConfig } from 'vitest/config';

// Thread and CLI tests start child processes and workers; two cores are shared, so keep the
// pool small and give slow machines room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'fuzz/**/*.test.ts'],
    // Build dist/ first: Workers and the CLI run compiled code (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // An internal error (a bug in gene-ref) met by any test, in any process it starts, prints its
    // JavaScript stack, the Worker's included: a rare one must explain itself the first time.
    // (test/internal-errors.test.ts sets GENE_TRACE itself.)
    env: { GENE_TRACE: 'internal' },
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
