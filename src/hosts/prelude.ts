// The prelude compiled once per process, on thread 0 only: Workers receive these units and never
// load the compiler (THR-PERF).
import { Compiler } from '../compiler/compiler.js';
import { readAll } from '../reader/reader.js';
import { PRELUDE_SOURCE } from '../runtime/prelude.js';
import { isCodeUnit, type CodeUnit } from '../values/values.js';

let units: readonly CodeUnit[] | null = null;

export function compiledPrelude(): readonly CodeUnit[] {
  if (units === null) {
    const module = new Compiler('<prelude>').compileModule(readAll(PRELUDE_SOURCE, '<prelude>'));
    units = module.consts.filter(isCodeUnit);
  }
  return units;
}

/**
 * A small body every new Worker runs once at start-up, before it takes a task (THR-PERF terminate
 * then respawn): a fresh Worker's first task otherwise pays V8's lazy compilation of the VM, the
 * codec and the driver (≈ 3 ms measured, against ≈ 0.1 ms once warm). One pass over each common
 * path and no loop: a loop would make V8 optimise the VM's dispatch function in every Worker,
 * and a warm-up with a loop (fib(12)) measured ≈ +5 MiB RSS a thread.
 */
const WARM_UP_SOURCE = [
  '(fn pair [a b] [a b])',
  '(var m {^name "warm" ^n (pair 1 2.5)})',
  '(m .set "k" [(m .get "n") `sym \'c\' ("a" .append "b") (0 .. 3) nil true])',
  '(if ((m .size) > 1) m else nil)',
].join('\n');

let warmUp: CodeUnit | null = null;

export function compiledWarmUp(): CodeUnit {
  warmUp ??= new Compiler('<warm-up>').compileModule(readAll(WARM_UP_SOURCE, '<warm-up>'));
  return warmUp;
}
