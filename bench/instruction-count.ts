// The two "at no cost when off" figures (GENE_TRACE=vm off, mailbox checks) counted in machine
// instructions under valgrind's callgrind rather than timed. Timed, the two sides of such a pair
// differ by ±5–10% from run to run on these shared machines (code placement, load), far more than
// the 2% to be resolved; an instruction count does not depend on what else the machine does, and
// counts of one side differ by at most about 1% between processes (a figure is the median of three).
// Each side runs in its own `node --single-threaded` process (no concurrent JIT, so the count does
// not depend on timing). A run is the count of a process running the program WARM + RUNS times
// minus one running it WARM times: the runs of a warmed-up VM, without start-up, compiling the
// program, or V8 optimising the dispatch loop (its last recompilation, seen with --trace-opt, is in
// the third run; before it was taken out it made ≈ 25% of the first runs' instructions).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { copyDist } from './dist-copy.js';
import type { Figure } from './figure.js';
import { makeFigure } from './figure.js';
import { summary } from './threads/stats.js';
import { FIB, LOOP } from './vm-speed.js';

export const COUNT_FIGURES = ['trace-off-instructions', 'mailbox-checks-instructions'];

const WARM = 3;
const RUNS = 4;

/** Is valgrind installed? (Without it the figures are left out.) */
function hasValgrind(): boolean {
  return spawnSync('valgrind', ['--version']).status === 0;
}

interface Side {
  dist: string;
  program: string;
  safepoints: boolean;
}

/** Instructions of one process running the program `reps` times. */
function count(child: string, side: Side, reps: number): number {
  const r = spawnSync('valgrind', [
    '--tool=callgrind', '--callgrind-out-file=/dev/null',
    process.execPath, '--single-threaded', child, side.dist, side.program, side.safepoints ? '1' : '0', String(reps),
  ], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`bench: the counted run failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}

/** Millions of instructions per run of the program, one value per repetition, the sides interleaved. */
function perRun(child: string, sides: [Side, Side], repetitions: number): [number[], number[]] {
  const out: [number[], number[]] = [[], []];
  for (let i = 0; i < repetitions; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const side = sides[k]!;
      out[k]!.push((count(child, side, WARM + RUNS) - count(child, side, WARM)) / RUNS / 1e6);
    }
  }
  return out;
}

export function countFigures({ quick, want, log }: { quick: boolean; want: (id: string) => boolean; log: (s: string) => void }): Figure[] {
  if (!COUNT_FIGURES.some(want)) return [];
  if (!hasValgrind()) {
    log('bench: valgrind is not installed; the instruction-count figures are left out');
    return [];
  }
  const work = mkdtempSync(join(tmpdir(), 'gene-count-'));
  const child = join(work, 'count-child.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('./count-child.ts', import.meta.url))], outfile: child, format: 'esm', platform: 'node', logLevel: 'warning' });
  const fib = join(work, 'fib.gene'), loop = join(work, 'loop.gene');
  writeFileSync(fib, FIB);
  writeFileSync(loop, LOOP);
  const built = fileURLToPath(new URL('../dist/', import.meta.url));
  const untraced = copyDist(true);
  const repetitions = quick ? 1 : 3;
  const figures: Figure[] = [];
  const overhead = (a: number[], b: number[]) => (summary(a).median / summary(b).median - 1) * 100;
  try {
    if (want('trace-off-instructions')) {
      const [t, u] = perRun(child, [{ dist: built, program: loop, safepoints: true }, { dist: untraced.dir, program: loop, safepoints: true }], repetitions);
      figures.push(makeFigure(
        { id: 'trace-off-instructions', name: 'GENE_TRACE=vm test when tracing is off, 1e6 loop in a function, counted', unit: 'M instructions', rawWhat: 'the same VM with the trace test compiled out (a copy of dist/), counted by callgrind', target: { max: 2, text: '<= 2%' }, scoreLabel: 'overhead %, instructions' },
        summary(t, 3), summary(u, 3), { score: overhead(t, u) },
      ));
    }
    if (want('mailbox-checks-instructions')) {
      const [w, n] = perRun(child, [{ dist: built, program: fib, safepoints: true }, { dist: built, program: fib, safepoints: false }], repetitions);
      figures.push(makeFigure(
        { id: 'mailbox-checks-instructions', name: 'mailbox-check overhead, fib(25) with checks against compiled out, counted', unit: 'M instructions', rawWhat: 'the same program compiled without mailbox checks, counted by callgrind', target: { max: 2, text: '<= 2%' }, scoreLabel: 'overhead %, instructions' },
        summary(w, 3), summary(n, 3), { score: overhead(w, n) },
      ));
    }
  } finally {
    untraced.remove();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
