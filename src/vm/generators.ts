// Running a generator's body (spec/language/generators.md): on a VM of its own, so that `yield`
// can suspend it between two `.next` calls while the caller's VM goes on. The body yields by
// suspending that VM (runtime/generators.ts); any other wait inside a body is an error.
import { GeneThrow, geneError } from '../values/errors.js';
import type { GFunction, GGenerator, Value } from '../values/values.js';
import type { RunResult } from './frame.js';

/** What a generator runs on: a VM (vm.ts), seen only through what this file uses. */
export interface Coroutine {
  runFunction(fn: GFunction): RunResult;
  resume(): RunResult;
}

/** LANG-GEN.2: run `g` to its next yield: the value, or undefined when the body has ended. */
export function stepGenerator(g: GGenerator, start: () => Coroutine): Value | undefined {
  if (g.done) return undefined;
  let co = g.runner as Coroutine | null;
  let r: RunResult;
  if (co === null) {
    co = start();
    g.runner = co;
    r = co.runFunction(g.body as GFunction);
  } else r = co.resume();
  if (r.kind === 'suspended' && g.yielded !== undefined) {
    const v = g.yielded;
    g.yielded = undefined;
    return v;
  }
  g.done = true;
  g.runner = null;
  if (r.kind === 'error') throw new GeneThrow(r.value, r.loc);
  if (r.kind === 'suspended') throw geneError('TypeError', `a generator's body cannot wait (${r.wait.what}); only yield suspends it`);
  return undefined;
}
