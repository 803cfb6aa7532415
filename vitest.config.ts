import { defineConfig } from 'vitest/config';

// Thread and CLI tests start child processes and workers; two cores are shared, so keep the
// pool small and give slow machines room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'fuzz/**/*.test.ts'],
    // Build dist/ first: Workers and the CLI run compiled code (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
