// npm run fuzz -- [--runs N] [--seed S] [--only NAME] [--path P]: long property runs (vitest's
// global setup builds dist/ first).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = opt('--runs') ?? '1000';
const seed = opt('--seed') ?? String(Math.floor(Math.random() * 2 ** 31));
const only = opt('--only');
const env: NodeJS.ProcessEnv = { ...process.env, GENE_FUZZ_RUNS: runs, GENE_FUZZ_SEED: seed };
const path = opt('--path');
if (path !== undefined) env.GENE_FUZZ_PATH = path;
console.log(`fuzz: ${runs} runs per property, seed ${seed}${only ? `, only "${only}"` : ''}`);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', 'fuzz/', ...(only ? ['-t', only] : [])], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (r.status !== 0) console.log(`fuzz failed; replay with: npm run fuzz -- --runs ${runs} --seed ${seed}${only ? ` --only "${only}"` : ''}`);
process.exitCode = r.status ?? 1;
