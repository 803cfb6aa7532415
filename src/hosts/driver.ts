// Runs a VM on its thread's event loop: resumes it when what it awaits settles, runs callbacks
// while it is idle, and never busy-waits (THR-CHAN.2). Shared by thread 0 and every worker.
import type { NativeContext } from '../contract/host.js';
import { geneError } from '../values/errors.js';
import type { GFuture } from '../values/values.js';
import type { RunResult } from '../vm/frame.js';
import type { VM } from '../vm/vm.js';

export interface IdleSource {
  /** Deliver what arrived (mail, ended threads) by scheduling callbacks / settling futures. */
  poll(vm: NativeContext): void;
  /**
   * Wait until something may have arrived or `wake()` is called; must keep the event loop alive.
   * Returns a function that cancels the wait.
   */
  waitForEvent(wake: () => void): () => void;
  /** THR-LIFE.5: could anything still settle `f`? false = Deadlock. */
  canProgress(vm: NativeContext, f: GFuture): boolean;
}

/**
 * Drive `vm` from `first` (the result of vm.run()) until its program is done (callbacks drained)
 * or failed. `keepRunning` says whether to stay idle for more events after the program is done
 * (a kept-alive thread).
 */
export async function drive(
  vm: VM,
  first: RunResult,
  source: IdleSource,
  keepRunning: () => boolean = () => false,
): Promise<RunResult> {
  let r = first;
  let final: RunResult | null = null;
  // A wait re-runs after each callback; its timeout counts from when it first began.
  let deadline = null as { future: GFuture; at: number } | null;
  for (;;) {
    if (r.kind === 'error') return r;
    source.poll(vm);
    // THR-CHAN.2: a callback that waits is not interrupted by another (Future, timer or message).
    const cb = vm.callbackDepth === 0 ? vm.pendingCallbacks.shift() : undefined;
    if (cb !== undefined) {
      const cbResult = vm.runCallbackNow(cb.fn, cb.args);
      if (r.kind === 'done' && cbResult.kind === 'done') continue;
      r = cbResult.kind === 'done' && final !== null ? final : cbResult;
      continue;
    }
    if (r.kind === 'done') {
      final = r;
      if (!keepRunning()) return r;
      await idle(source, null);
      continue;
    }
    const wait = r.wait;
    if (wait.future.state !== 'pending') {
      r = vm.resume();
      continue;
    }
    if (!source.canProgress(vm, wait.future) && wait.timeoutMs === null) {
      r = vm.resumeThrow(
        geneError('Deadlock', `Deadlock: ${wait.what} can never complete: no other thread is alive and no timer is pending`),
      );
      continue;
    }
    if (wait.timeoutMs !== null && deadline?.future !== wait.future) {
      deadline = { future: wait.future, at: Date.now() + wait.timeoutMs };
    }
    const remaining = wait.timeoutMs === null ? null : Math.max(0, deadline!.at - Date.now());
    const timedOut = await idle(source, { future: wait.future, timeoutMs: remaining });
    if (timedOut) {
      deadline = null;
      r = vm.resumeThrow(geneError('AsyncTimeout', `${wait.what} timed out after ${wait.timeoutMs} ms`));
    }
  }
}

/** Sleep until an event; true when the wait's timeout fired first. */
function idle(source: IdleSource, wait: { future: GFuture; timeoutMs: number | null } | null): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let cancel: () => void = () => {};
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      cancel();
      resolve(timedOut);
    };
    if (wait !== null) {
      wait.future.onSettle.push(() => finish(false));
      if (wait.timeoutMs !== null) timer = setTimeout(() => finish(true), Math.max(0, wait.timeoutMs));
    }
    cancel = source.waitForEvent(() => finish(false));
  });
}

