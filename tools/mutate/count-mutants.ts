// How many mutants each module of stryker.config.json's `mutate` globs makes, without running
// anything: Stryker's own instrumenter, with the project's ignorer (tools/mutate/ignore-message-text.ts),
// exactly as `npm run mutate` generates them (less than a second per module). With --lines, the
// mutants per source line too (1-based, as Stryker reports them) (to plan chunks: a chunk of `file:a-b` takes the mutants wholly
// inside lines a–b). It cannot tell compile errors: the type checker decides those during a run.
// Usage: npx tsx tools/mutate/count-mutants.ts [--lines] [file…]
import { readdirSync, readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import type { Logger } from '@stryker-mutator/api/logging';
import { messageTextReason } from './ignore-message-text.js';

const args = process.argv.slice(2);
const perLine = args.includes('--lines');
const given = args.filter((a) => !a.startsWith('--'));

const config = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as { mutate: string[] };
/** `**\/` any folders, `*` any name part (the globs' only wildcards); Node 20 has no fs.globSync. */
function globRegExp(glob: string): RegExp {
  const body = glob.split('**/').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}
function filesOfGlobs(globs: string[]): string[] {
  const all = (readdirSync('src', { recursive: true }) as string[]).map((f) => `src/${f}`);
  const take = new Set<string>();
  for (const g of globs) {
    const drop = g.startsWith('!');
    const re = globRegExp(drop ? g.slice(1) : g);
    for (const f of all.filter((a) => re.test(a))) {
      if (drop) take.delete(f);
      else take.add(f);
    }
  }
  return [...take].sort();
}
const files = given.length > 0 ? given : filesOfGlobs(config.mutate);

const quiet = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} } as unknown as Logger;
const instrumenter = new Instrumenter(quiet);
const result = await instrumenter.instrument(
  files.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true })),
  { excludedMutations: [], ignorers: [{ shouldIgnore: messageTextReason as never }] } as never,
);

console.log('| module | mutants | ignored | to test |');
console.log('|---|---|---|---|');
let all = 0;
let ignored = 0;
for (const f of files) {
  const ms = result.mutants.filter((m) => m.fileName.endsWith(f));
  const ign = ms.filter((m) => m.status === 'Ignored').length;
  all += ms.length;
  ignored += ign;
  console.log(`| \`${f.replace('src/threads/', '')}\` | ${ms.length} | ${ign} | ${ms.length - ign} |`);
  if (perLine) {
    const lines = new Map<number, number>();
    for (const m of ms) if (m.status !== 'Ignored') lines.set(m.location.start.line + 1, (lines.get(m.location.start.line + 1) ?? 0) + 1);
    console.log(`  lines: ${[...lines].sort((a, b) => a[0] - b[0]).map(([l, n]) => `${l}:${n}`).join(' ')}`);
  }
}
console.log(`| total | ${all} | ${ignored} | ${all - ignored} |`);
