#!/usr/bin/env -S npx tsx
// Per-thread CPU time and context switches of a program between the stdout lines "start" and
// "end" (a diagnostic; docs/performance.md), from /proc/<pid>/task/<tid>/{stat,status}:
//   npx tsx bench/threads/thread-cpu.ts node bin/gene.js run prog.gene
// Prints, for each thread that used CPU or slept meanwhile: CPU ms, voluntary and involuntary
// context switches. (Thread 0 is the process's first thread; Workers are later ones.)
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: thread-cpu.ts COMMAND ARGS... (the program prints "start" and "end")');
  process.exit(2);
}
const HZ = 100;
interface ThreadUse {
  cpuMs: number;
  voluntary: number;
  involuntary: number;
}
const switches = (status: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
function snapshot(pid: number): Record<string, ThreadUse> {
  const out: Record<string, ThreadUse> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[tid] = {
        cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / HZ,
        voluntary: switches(status, 'voluntary_ctxt_switches'),
        involuntary: switches(status, 'nonvoluntary_ctxt_switches'),
      };
    } catch {
      /* the thread ended */
    }
  }
  return out;
}
const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let before: Record<string, ThreadUse> | undefined;
let buf = '';
child.stdout.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    console.log(`> ${line.slice(0, 200)}`);
    if (line === 'start') before = snapshot(child.pid!);
    if (line.startsWith('end') && before) {
      const after = snapshot(child.pid!);
      for (const [tid, a] of Object.entries(after)) {
        const b = before[tid];
        if (!b) continue;
        const cpu = a.cpuMs - b.cpuMs, vol = a.voluntary - b.voluntary, inv = a.involuntary - b.involuntary;
        if (cpu > 0 || vol > 10) console.log(`thread ${tid}${tid === String(child.pid) ? ' (thread 0)' : ''}: ${cpu} ms CPU, ${vol} voluntary / ${inv} involuntary context switches`);
      }
    }
  }
});
child.on('exit', (code) => process.exit(code ?? 1));
