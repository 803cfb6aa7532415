#!/usr/bin/env node
// npm run bench [-- --quick] [-- --only NAME]: every figure is a ratio or distribution measured
// side by side in one run (these machines are shared and noisy). Writes bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vmFigures } from './vm-speed.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const suites = [{ name: 'vm', run: vmFigures }];
const extra = await import('./threads-bench.js').catch((e) => {
  console.error(`bench: the thread suite did not load: ${e?.message ?? e}`);
  return null;
});
if (extra) suites.push({ name: 'threads', run: extra.threadFigures });

const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform };
mkdirSync(join(here, 'results'), { recursive: true });
for (const s of suites) {
  if (only && s.name !== only) continue;
  const figures = await s.run({ quick });
  const rows = figures.map((f) => [f.name, f.value, f.unit, f.p99 ?? '', f.runs ?? '', f.target ?? '', f.baseline ?? '', f.verdict ?? '']);
  console.log(`\n## ${s.name}`);
  console.log(['figure', 'median', 'unit', 'p99', 'runs', 'target', 'raw JS', 'verdict'].join(' | '));
  for (const r of rows) console.log(r.join(' | '));
  writeFileSync(join(here, 'results', `${s.name}.json`), JSON.stringify({ date: new Date().toISOString(), machine, quick, figures }, null, 2) + '\n');
}
