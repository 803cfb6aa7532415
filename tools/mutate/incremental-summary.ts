// What the committed incremental file (tools/mutate/stryker-incremental.json) holds: per mutated
// module, how many mutants have a result and how they ended, against how many the module makes
// now (`--planned reports/mutation/progress.jsonl` of a run that instrumented it), and every
// survivor, no-coverage and timeout with its place. The chunks of several sessions add up here.
// Usage: npx tsx tools/mutate/incremental-summary.ts [incremental.json] [--planned progress.jsonl]…
import { readFileSync } from 'node:fs';
import type { ProgressLine } from './progress-log.js';

interface Mutant {
  location: { start: { line: number; column: number } };
  mutatorName: string;
  replacement?: string;
  status: string;
}

const args = process.argv.slice(2);
const plannedLogs: string[] = [];
let file = 'tools/mutate/stryker-incremental.json';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--planned') plannedLogs.push(args[++i]!);
  else file = args[i]!;
}
const report = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, { mutants: Mutant[] }> };

/** Mutants a run planned per module (its progress log's `planned` lines), when given. */
const planned = new Map<string, number>();
for (const log of plannedLogs) {
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as ProgressLine);
  const perFile = new Map<string, number>();
  for (const l of lines) if (l.kind === 'planned') perFile.set(l.file, (perFile.get(l.file) ?? 0) + 1);
  for (const [f, n] of perFile) planned.set(f, Math.max(planned.get(f) ?? 0, n));
}

const STATUSES = ['CompileError', 'Ignored', 'Killed', 'Timeout', 'Survived', 'NoCoverage'];
console.log(`| module | mutants (planned) | with a result | ${STATUSES.join(' | ')} |`);
console.log(`|---|---|---|${STATUSES.map(() => '---').join('|')}|`);
for (const [name, f] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const n = (s: string): number => f.mutants.filter((m) => m.status === s).length;
  console.log(`| \`${name.replace('src/threads/', '')}\` | ${planned.get(name) ?? '?'} | ${f.mutants.length} | ${STATUSES.map(n).join(' | ')} |`);
}
for (const [name, f] of Object.entries(report.files)) {
  for (const m of f.mutants.filter((x) => ['Survived', 'NoCoverage', 'Timeout'].includes(x.status))) {
    const at = `${name.replace('src/threads/', '')}:${m.location.start.line}:${m.location.start.column + 1}`;
    console.log(`${m.status} ${at} ${m.mutatorName} -> ${JSON.stringify((m.replacement ?? '').slice(0, 60))}`);
  }
}
