// Summarises reports/mutation/progress.jsonl (tools/mutate/progress-log.ts): how many mutants were
// planned and tested, by status and by file, and every survivor / timeout with its place.
// Usage: npx tsx tools/mutate/progress-summary.ts [log]
import { readFileSync } from 'node:fs';
import { PROGRESS_LOG, type ProgressLine } from './progress-log.js';

const lines = readFileSync(process.argv[2] ?? PROGRESS_LOG, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as ProgressLine);
const planned = lines.filter((l) => l.kind === 'planned');
const tested = lines.filter((l) => l.kind === 'tested');

const count = (xs: ProgressLine[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x.status ?? '?'] = (out[x.status ?? '?'] ?? 0) + 1;
  return out;
};
const first = tested[0]?.at ?? planned[0]?.at;
const last = tested.at(-1)?.at;
console.log(`planned ${planned.length} (${planned.filter((p) => p.status === undefined).length} to run), tested ${tested.length}, from ${first ?? '-'} to ${last ?? '-'}`);
console.log('by status:', JSON.stringify(count(tested)));
const files = [...new Set(planned.map((p) => p.file))].sort();
for (const file of files) {
  const t = tested.filter((x) => x.file === file);
  console.log(`${file}: planned ${planned.filter((p) => p.file === file).length}, tested ${t.length} ${JSON.stringify(count(t))}`);
}
const killed = tested.filter((t) => t.status === 'Killed').length;
const timeout = tested.filter((t) => t.status === 'Timeout').length;
const survived = tested.filter((t) => t.status === 'Survived' || t.status === 'NoCoverage').length;
const judged = killed + timeout + survived;
if (judged > 0) {
  const pct = (n: number): string => `${((100 * n) / judged).toFixed(1)}%`;
  console.log(`of ${judged} judged (compile errors and ignored left out): killed by output ${killed} (${pct(killed)}), timeout ${timeout} (${pct(timeout)}), survived or not covered ${survived} (${pct(survived)})`);
}
for (const status of ['Survived', 'NoCoverage', 'Timeout']) {
  for (const t of tested.filter((x) => x.status === status)) {
    console.log(`${status} ${t.file}:${t.line}:${t.column + 1} ${t.mutator} -> ${JSON.stringify(t.replacement)}${t.statusReason ? `  (${t.statusReason.split('\n')[0]})` : ''}`);
  }
}
