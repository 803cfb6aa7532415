// VM speed against the same code in plain JavaScript, measured alternately in one run (THR-PERF).
import { compileSource } from '../dist/cli/run-program.js';
import { drive } from '../dist/hosts/driver.js';
import { DEFAULT_LIMITS } from '../dist/contract/limits.js';
import { LocalHost } from '../dist/hosts/local-host.js';
import { VM } from '../dist/vm/vm.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeGene(source, safepoints = true) {
  const unit = compileSource(source, 'bench.gene', { safepoints });
  const host = new LocalHost(() => {});
  const vm = new VM(host, { ...DEFAULT_LIMITS, maxCallDepth: 100000 });
  vm.load(unit);
  const t0 = performance.now();
  const r = await drive(vm, vm.run(), host);
  if (r.kind !== 'done') throw new Error('benchmark program failed');
  return performance.now() - t0;
}

function timeJs(f) {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const FIB = '(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2))))) (fib 25)';
const LOOP = '(fn run [] (var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1)) s) (run)';
const TOP_LOOP = '(var i 0) (var s 0) (while (i < 1000000) (s += i) (i += 1))';
function fibJs(n) {
  return n < 2 ? n : fibJs(n - 1) + fibJs(n - 2);
}
function loopJs() {
  let s = 0;
  for (let i = 0; i < 1000000; i++) s += i;
  return s;
}

export async function vmFigures({ quick }) {
  const runs = quick ? 7 : 21;
  const fib = [], fibJsT = [], loop = [], loopJsT = [], top = [], noChecks = [], withChecks = [];
  for (let i = 0; i < runs; i++) {
    fib.push(await timeGene(FIB));
    fibJsT.push(timeJs(() => fibJs(25)));
    loop.push(await timeGene(LOOP));
    loopJsT.push(timeJs(loopJs));
    top.push(await timeGene(TOP_LOOP));
    // THR-CHAN.3: the same program with mailbox checks compiled out, alternating.
    withChecks.push(await timeGene(FIB, true));
    noChecks.push(await timeGene(FIB, false));
  }
  const m = (xs) => Number(median(xs).toFixed(2));
  const overhead = Number(((median(withChecks) / median(noChecks) - 1) * 100).toFixed(1));
  return [
    { name: 'fib(25) in Gene', value: m(fib), unit: 'ms', target: '<= 50 ms', baseline: `${m(fibJsT)} ms`, ratio: m(fib) / m(fibJsT), verdict: m(fib) <= 50 ? 'met' : 'missed', runs },
    { name: 'fib(25) Gene / JS', value: Number((median(fib) / median(fibJsT)).toFixed(1)), unit: 'x', target: '<= 30x (issue 2)', runs },
    { name: 'loop 1e6 in a fn', value: m(loop), unit: 'ms', baseline: `${m(loopJsT)} ms`, runs },
    { name: 'loop 1e6 Gene / JS', value: Number((median(loop) / median(loopJsT)).toFixed(1)), unit: 'x', runs },
    { name: 'loop 1e6 at top level', value: m(top), unit: 'ms', runs },
    { name: 'mailbox-check overhead (fib)', value: overhead, unit: '%', target: '<= 2%', baseline: `${m(noChecks)} ms without checks`, verdict: overhead <= 2 ? 'met' : 'missed', runs },
  ];
}
