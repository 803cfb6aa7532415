// VM speed against the same code in plain JavaScript, and the cost of mailbox checks, measured
// alternately in one run (THR-PERF). Runs the built VM (dist/), as `gene run` does.
import type { Figure } from './figure.js';
import { makeFigure } from './figure.js';
import { median, summary } from './threads/stats.js';

// The built modules, typed by their sources.
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { compileSource } = (await import(dist('cli/compile.js'))) as typeof import('../src/cli/compile.js');
const { drive } = (await import(dist('hosts/driver.js'))) as typeof import('../src/hosts/driver.js');
const { DEFAULT_LIMITS } = (await import(dist('contract/limits.js'))) as typeof import('../src/contract/limits.js');
const { LocalHost } = (await import(dist('hosts/local-host.js'))) as typeof import('../src/hosts/local-host.js');
const { VM } = (await import(dist('vm/vm.js'))) as typeof import('../src/vm/vm.js');

/** ms to run a Gene program in a fresh VM (compiled beforehand, outside the timing). */
async function timeGene(source: string, safepoints = true): Promise<number> {
  const unit = compileSource(source, 'bench.gene', { safepoints });
  const host = new LocalHost(() => {});
  const vm = new VM(host, { ...DEFAULT_LIMITS, maxCallDepth: 100000 });
  vm.load(unit);
  const t0 = performance.now();
  const r = await drive(vm, vm.run(), host);
  if (r.kind !== 'done') throw new Error('benchmark program failed');
  return performance.now() - t0;
}

function timeJs(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const FIB = '(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2))))) (fib 25)';
const LOOP = '(fn run [] (var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1)) s) (run)';
const TOP_LOOP = '(var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1))';
function fibJs(n: number): number {
  return n < 2 ? n : fibJs(n - 1) + fibJs(n - 2);
}
function loopJs(): number {
  let s = 0;
  for (let i = 0; i < 1000000; i++) s += i;
  return s;
}

export const VM_FIGURES = ['vm-fib', 'vm-loop', 'vm-loop-top-level', 'mailbox-checks'];

export async function vmFigures({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 7 : 21;
  const fib: number[] = [], fibJsT: number[] = [], loop: number[] = [], loopJsT: number[] = [], top: number[] = [];
  const noChecks: number[] = [], withChecks: number[] = [], checkRatios: number[] = [];
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
  }
  const js = 'the same function in plain JS, same process';
  return [
    makeFigure({ id: 'vm-fib', name: 'VM: recursive fib(25)', unit: 'ms', rawWhat: js, target: { max: 20, text: '<= 20x plain JS' }, scoreLabel: 'Gene / plain JS' }, summary(fib), summary(fibJsT, 3)),
    makeFigure({ id: 'vm-loop', name: 'VM: 1e6-iteration loop in a function', unit: 'ms', rawWhat: js, target: { max: 25, text: '<= 25x plain JS' }, scoreLabel: 'Gene / plain JS' }, summary(loop), summary(loopJsT, 3)),
    makeFigure({ id: 'vm-loop-top-level', name: 'VM: 1e6-iteration loop at top level', unit: 'ms', rawWhat: 'the loop in a plain JS function', scoreLabel: 'Gene / plain JS' }, summary(top), summary(loopJsT, 3)),
    makeFigure(
      { id: 'mailbox-checks', name: 'mailbox-check overhead, fib(25) with checks against compiled out', unit: 'ms', rawWhat: 'the same program compiled without mailbox checks', target: { max: 2, text: '<= 2%' }, scoreLabel: 'overhead %, median of paired runs' },
      summary(withChecks), summary(noChecks), { score: (median(checkRatios) - 1) * 100 },
    ),
  ];
}
