#!/usr/bin/env node
// The build bundles the CLI into one file (dist/cli/gene-bundle.js: a faster start than loading
// its modules one by one); a bare `tsc` build has only the modules.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/gene-bundle.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/cli/main.js');
