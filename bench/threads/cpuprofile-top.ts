#!/usr/bin/env -S npx tsx
// Summarise V8 .cpuprofile files (from `node --cpu-prof`, one per thread) as the functions with
// the most self time: npx tsx bench/threads/cpuprofile-top.ts FILE... [--top N]
// (Chrome DevTools → Performance → Load profile shows the same data as a flame chart.)
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 15;
const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');
if (files.length === 0) {
  console.error('usage: cpuprofile-top.ts FILE.cpuprofile... [--top N]');
  process.exit(2);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const dt = new Map<number, number>();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
  prof.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  let total = 0;
  for (const [id, us] of dt) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    const where = cf.url ? `${basename(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  }
  console.log(`\n${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled`);
  const idle = self.get('(idle)') ?? 0;
  const busy = total - idle;
  console.log(`  busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
}
