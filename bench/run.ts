// npm run bench [-- --quick] [-- --only ID[,ID…]] [-- --no-history]
// Every figure is measured beside raw worker_threads (or plain JS) in the same run, because these
// machines are shared and noisy: only side-by-side figures and their ratios mean anything.
// Prints a table, writes bench/results/<suite>.json, appends the run to bench/history.jsonl and
// redraws the charts in docs/perf/ (docs/performance.md).
//   --only takes figure ids (busy-idle, rss-8, …), group names (latency, rss, …) or suite names
//   (vm, threads); --quick takes fewer samples; --list prints the ids.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeCharts } from './charts.js';
import type { Figure } from './figure.js';
import { appendHistory, entryOf, machine, readHistory, startLoad } from './history.js';
import { COUNT_FIGURES, countFigures } from './instruction-count.js';
import { THREAD_GROUPS, threadFigures } from './threads-bench.js';
import { cpuMeter } from './threads/cpu.js';
import { VM_FIGURES, vmFigures } from './vm-speed.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => (flag(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const log = (s: string) => process.stderr.write(s + '\n');

const suites: { name: string; groups: { name: string; figures: string[] }[] }[] = [
  { name: 'vm', groups: [{ name: 'vm', figures: VM_FIGURES }] },
  { name: 'threads', groups: THREAD_GROUPS },
  { name: 'counts', groups: [{ name: 'counts', figures: COUNT_FIGURES }] },
];
const allIds = suites.flatMap((s) => s.groups.flatMap((g) => g.figures));
if (flag('--list')) {
  for (const s of suites) for (const g of s.groups) console.log(`${s.name} / ${g.name}: ${g.figures.join(', ')}`);
  process.exit(0);
}

// --only: expand suite and group names into figure ids; anything else must be a figure id.
const onlyArg = value('--only');
let only: string[] | undefined;
if (onlyArg !== undefined) {
  only = [];
  for (const word of onlyArg.split(',').map((w) => w.trim()).filter(Boolean)) {
    const suite = suites.find((s) => s.name === word);
    const group = suites.flatMap((s) => s.groups).find((g) => g.name === word);
    if (suite) only.push(...suite.groups.flatMap((g) => g.figures));
    else if (group) only.push(...group.figures);
    else if (allIds.includes(word)) only.push(word);
    else {
      console.error(`bench: --only ${word}: no figure, group or suite of that name (npm run bench -- --list shows them)`);
      process.exit(2);
    }
  }
}
const want = (id: string) => !only || only.includes(id);

const loadavg1 = startLoad();
if (loadavg1 > 1.5) log(`bench: warning: the 1-minute load average is ${loadavg1} on ${machine().cpus} cores; figures will be noisy (see otherCores)`);
const whole = cpuMeter();
const t0 = performance.now();
const figures: Figure[] = [];
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
for (const s of suites) {
  if (!s.groups.some((g) => g.figures.some(want))) continue;
  const meter = cpuMeter();
  const mine =
    s.name === 'vm' ? await vmFigures({ quick })
    : s.name === 'threads' ? await threadFigures({ quick, want, log })
    : countFigures({ quick, want, log });
  if (s.name === 'vm') {
    // The thread groups record their own; the VM figures share one reading.
    const { otherCores, stealCores } = meter();
    for (const f of mine) Object.assign(f, { otherCores, stealCores });
  }
  const kept = mine.filter((f) => want(f.id));
  figures.push(...kept);
  printTable(s.name, kept);
  // A partial run does not replace the last full results file.
  const file = new URL(`./results/${s.name}${only ? '.partial.tmp' : ''}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), quick, only, loadavg1, figures: kept }, null, 2) + '\n');
}
const use = whole();
log(`bench: ${((performance.now() - t0) / 1000).toFixed(0)} s; other processes used ${use.otherCores} cores on average (load average ${loadavg1} at the start)`);
if (!flag('--no-history')) {
  appendHistory(entryOf(figures, { quick, only, loadavg1, ...use }));
  const ids = writeCharts(readHistory());
  log(`bench: appended to bench/history.jsonl; ${ids.length} charts in docs/perf/`);
}

function printTable(suite: string, figs: Figure[]): void {
  const n = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : String(x));
  console.log(`\n## ${suite}`);
  console.log(['figure', 'Gene median', 'p99', 'raw median', 'p99', 'unit', 'score', 'target', 'verdict'].join(' | '));
  for (const f of figs) {
    const score = f.score ? `${n(f.score.value)} (${f.score.label})` : '';
    console.log([f.id, n(f.gene?.median), n(f.gene?.p99), n(f.raw?.median), n(f.raw?.p99), f.unit, score, f.target, f.verdict].join(' | '));
  }
}
