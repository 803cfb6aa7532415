// VM speed against the same code in plain JavaScript, and the cost of mailbox checks and of the
// GENE_TRACE=vm test when tracing is off, measured alternately in one run (THR-PERF). Runs the
// built VM (dist/), as `gene run` does.
import { join } from 'node:path';
import { copyDist } from './dist-copy.js';
import type { Figure } from './figure.js';
import { makeFigure } from './figure.js';
import { median, summary } from './threads/stats.js';
import { timeGene, type VmModules } from './built-vm.js';

/** A private copy of dist/ (see copyDist) loaded: its modules and a function removing it. */
async function vmCopy(untraced: boolean): Promise<{ modules: VmModules; remove: () => void }> {
  const { dir, remove } = copyDist(untraced);
  const url = (path: string) => new URL(`file://${join(dir, path)}`).href;
  const modules: VmModules = {
    compileSource: ((await import(url('cli/compile.js'))) as typeof import('../src/cli/compile.js')).compileSource,
    LocalHost: ((await import(url('hosts/local-host.js'))) as typeof import('../src/hosts/local-host.js')).LocalHost,
    VM: ((await import(url('vm/vm.js'))) as typeof import('../src/vm/vm.js')).VM,
  };
  return { modules, remove };
}

/**
 * Copies of the VM for the trace-off figure: pairs (with the test, without), each its own module
 * graph. Two copies of the same code can differ by several percent in speed (what V8 inlines, where
 * code lands), more than the 2% the figure must resolve, so runs rotate over several pairs.
 */
const TRACE_PAIRS = 4;

function timeJs(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

export const FIB = '(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2))))) (fib 25)';
export const LOOP = '(fn run [] (var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1)) s) (run)';
const TOP_LOOP = '(var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1))';
function fibJs(n: number): number {
  return n < 2 ? n : fibJs(n - 1) + fibJs(n - 2);
}
function loopJs(): number {
  let s = 0;
  for (let i = 0; i < 1000000; i++) s += i;
  return s;
}

export const VM_FIGURES = ['vm-fib', 'vm-loop', 'vm-loop-top-level', 'mailbox-checks', 'trace-off'];

export async function vmFigures({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 8 : 24;
  const fib: number[] = [], fibJsT: number[] = [], loop: number[] = [], loopJsT: number[] = [], top: number[] = [];
  const noChecks: number[] = [], withChecks: number[] = [], checkRatios: number[] = [];
  const traced: number[] = [], untraced: number[] = [], traceRatios: number[] = [];
  const pairs: { traced: VmModules; untraced: VmModules; remove: () => void }[] = [];
  for (let k = 0; k < TRACE_PAIRS; k++) {
    const t = await vmCopy(false), u = await vmCopy(true);
    pairs.push({ traced: t.modules, untraced: u.modules, remove: () => (t.remove(), u.remove()) });
  }
  for (let i = 0; i < runs; i++) {
    fib.push(await timeGene(FIB));
    fibJsT.push(timeJs(() => fibJs(25)));
    loop.push(await timeGene(LOOP));
    loopJsT.push(timeJs(loopJs));
    top.push(await timeGene(TOP_LOOP));
    // THR-CHAN.3: the same program with mailbox checks compiled out, alternating.
    const w = await timeGene(FIB, true), n = await timeGene(FIB, false);
    withChecks.push(w);
    noChecks.push(n);
    checkRatios.push(w / n);
    // GENE_TRACE=vm off: the loop with the trace test against a copy without it, order
    // alternating, rotating over the pairs of copies.
    const pair = pairs[Math.floor(i / 2) % TRACE_PAIRS]!;
    let t: number, u: number;
    if (i % 2 === 0) {
      t = await timeGene(LOOP, true, pair.traced);
      u = await timeGene(LOOP, true, pair.untraced);
    } else {
      u = await timeGene(LOOP, true, pair.untraced);
      t = await timeGene(LOOP, true, pair.traced);
    }
    traced.push(t);
    untraced.push(u);
    traceRatios.push(t / u);
  }
  for (const p of pairs) p.remove();
  const js = 'the same function in plain JS, same process';
  return [
    makeFigure({ id: 'vm-fib', name: 'VM: recursive fib(25)', unit: 'ms', rawWhat: js, target: { max: 20, text: '<= 20x plain JS' }, scoreLabel: 'Gene / plain JS' }, summary(fib), summary(fibJsT, 3)),
    makeFigure({ id: 'vm-loop', name: 'VM: 1e6-iteration loop in a function', unit: 'ms', rawWhat: js, target: { max: 25, text: '<= 25x plain JS' }, scoreLabel: 'Gene / plain JS' }, summary(loop), summary(loopJsT, 3)),
    makeFigure({ id: 'vm-loop-top-level', name: 'VM: 1e6-iteration loop at top level', unit: 'ms', rawWhat: 'the loop in a plain JS function', scoreLabel: 'Gene / plain JS' }, summary(top), summary(loopJsT, 3)),
    makeFigure(
      { id: 'mailbox-checks', name: 'mailbox-check overhead, fib(25) with checks against compiled out', unit: 'ms', rawWhat: 'the same program compiled without mailbox checks', target: { max: 2, text: '<= 2%' }, scoreLabel: 'overhead %, median of paired runs' },
      summary(withChecks), summary(noChecks), { score: (median(checkRatios) - 1) * 100 },
    ),
    makeFigure(
      { id: 'trace-off', name: 'GENE_TRACE=vm test when tracing is off, 1e6 loop in a function', unit: 'ms', rawWhat: `the same VM with the trace test compiled out (${TRACE_PAIRS} pairs of private copies of dist/, rotating)`, target: { max: 2, text: '<= 2%' }, scoreLabel: 'overhead %, median of paired runs' },
      summary(traced), summary(untraced), { score: (median(traceRatios) - 1) * 100 },
    ),
  ];
}
