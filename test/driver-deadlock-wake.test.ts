// THR-LIFE.5, the order of a wake-up in the driver: a thread blocked in a wait without a deadline
// is woken; meanwhile a deadlock was declared with that wait among the stuck ones, and another
// stuck thread, failing first, has already answered it (the case thr.life.deadlock-global-cycle:
// the worker's own wait fails, its callback returns, and the automatic nil reply reaches thread 0).
// The wait must fail with Deadlock, not take the answer: the check comes before the poll that
// delivers it. This drives that interleaving on purpose with a scripted idle source; under load
// the real runtime printed "main: nil" in 10 of 30 runs before the fix.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { drive, type IdleSource } from '../src/hosts/driver.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { settleFuture } from '../src/runtime/futures.js';
import { kindOf } from '../src/values/errors.js';
import { GFuture, Namespace, str } from '../src/values/values.js';
import { VM } from '../src/vm/vm.js';

/** `(await answer)`, where the answer arrives with the wake-up and a deadlock was (or was not) declared meanwhile. */
async function wakeWithAnswer(declared: boolean) {
  const vm = new VM(new LocalHost(() => {}), DEFAULT_LIMITS);
  const answer = new GFuture('reply');
  const ns = new Namespace(vm.builtins);
  ns.define('answer', answer);
  vm.load(compileSource('(await answer)', 'wake.gene'), ns);
  let woken = false;
  const source: IdleSource = {
    // What arrived while it slept: the other thread's answer, delivered at the next poll.
    poll: (v) => {
      if (woken && answer.state === 'pending') settleFuture(v, answer, 'success', str('answered'));
    },
    canProgress: () => true,
    waitForEvent: (wake) => {
      woken = true;
      queueMicrotask(wake);
      return () => {};
    },
    deadlockedDuring: () => declared,
    deadlockReason: () => 'every thread is waiting (scripted)',
  };
  return drive(vm, vm.run(), source);
}

describe('a wait woken after a deadlock was declared (THR-LIFE.5)', () => {
  it('fails with Deadlock even though its answer arrived with the wake-up', async () => {
    const r = await wakeWithAnswer(true);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(kindOf(r.value)).toBe('Deadlock');
  });

  it('takes the answer when no deadlock was declared', async () => {
    const r = await wakeWithAnswer(false);
    expect(r.kind === 'done' && r.value).toEqual(str('answered'));
  });
});
