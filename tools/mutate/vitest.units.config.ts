// Vitest config for the unit test files the mutation runner runs: the project's config without
// its global setup, which rebuilds dist/ (in Stryker's sandbox, a rebuild while another runner's
// case loads dist/ would fail that case for no fault of the mutant; the sandbox is built once).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: { ...base.test, globalSetup: [] },
});
