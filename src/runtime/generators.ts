// Generators (spec/language/generators.md): `yield`, `.next`, `.has_next`. The body runs on a VM
// of its own (vm/generators.ts, through NativeContext.generatorStep); `yield` belongs to the
// innermost generator running now, whichever VM's builtins it was looked up in.
import type { NativeContext } from '../contract/host.js';
import { geneError } from '../values/errors.js';
import { GFuture, GFunction, GGenerator, NativeRequest, sym, type NativeImpl, type NativeResult, type Value } from '../values/values.js';

/** What `.next` gives once the body has ended (as upstream: the value of `not_found`). */
export const NOT_FOUND = sym('not_found');

/** The generators whose bodies are running, innermost last (one thread runs one at a time). */
const running: GGenerator[] = [];

function step(vm: NativeContext, g: GGenerator): Value | undefined {
  running.push(g);
  try {
    return vm.generatorStep(g);
  } finally {
    running.pop();
  }
}

/** LANG-GEN.2: `(yield v)` hands v to `.next` and suspends the body until the next `.next`. */
export const yieldValue: NativeImpl = ([v]) => {
  const g = running[running.length - 1];
  if (g === undefined) throw geneError('ControlFlowError', 'yield used outside a generator');
  g.yielded = v ?? null;
  return NativeRequest.suspend({ future: new GFuture(), timeoutMs: null, what: 'yield' });
};

/** LANG-GEN.1: what a `fn name*` returns: a generator over its body (a closure of the call). */
export const makeGenerator: NativeImpl = ([body]) => {
  if (!(body instanceof GFunction)) throw geneError('TypeError', 'a generator needs a function body');
  return new GGenerator(body);
};

export const GENERATOR_METHODS: Record<string, (vm: NativeContext, g: GGenerator, args: Value[]) => NativeResult> = {
  next: (vm, g) => {
    if (g.peeked !== undefined) {
      const v = g.peeked;
      g.peeked = undefined;
      return v;
    }
    return step(vm, g) ?? NOT_FOUND;
  },
  has_next: (vm, g) => {
    if (g.peeked === undefined) g.peeked = step(vm, g);
    return g.peeked !== undefined;
  },
};
