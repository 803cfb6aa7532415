// Runs a VM on its thread's event loop: resumes it when what it awaits settles, runs callbacks
// while it is idle, and never busy-waits (THR-CHAN.2). Shared by thread 0 and every worker.
import type { NativeContext } from '../contract/host.js';
import { monotonicMs, startTimer, type LongTimer } from '../ops/durations.js';
import { settleFuture } from '../runtime/futures.js';
import { geneError } from '../values/errors.js';
import type { GFuture } from '../values/values.js';
import type { RunResult } from '../vm/frame.js';
import type { VM } from '../vm/vm.js';

export type IdleHow = 'blocked' | 'timed' | 'idle';

export interface IdleSource {
  /** Deliver what arrived (mail, ended threads) by scheduling callbacks / settling futures. */
  poll(vm: NativeContext): void;
  /**
   * Wait until something may have arrived or `wake()` is called; must keep the event loop alive.
   * `how`: in a wait without a deadline (after canProgress said yes), in one with a deadline, or
   * with nothing to wait for (a program done but kept running). Returns a function that cancels the wait.
   */
  waitForEvent(wake: () => void, how?: IdleHow): () => void;
  /**
   * THR-LIFE.5: could anything still settle `f`, awaited without a deadline (`what` names the
   * wait)? false = Deadlock.
   */
  canProgress(vm: NativeContext, f: GFuture, what: string): boolean;
  /**
   * THR-LIFE.5: woken from a wait on `f` without a deadline, before anything that arrived is
   * delivered: was a deadlock declared while it slept, with this wait one of the stuck ones?
   */
  deadlockedDuring?(vm: NativeContext, f: GFuture): boolean;
  /** Why the last canProgress or deadlockedDuring said so (names what each thread waits for), if it knows more. */
  deadlockReason?(): string | null;
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
    // THR-LIFE.5: a wait with a deadline always ends by it, so it is never a deadlock.
    if (wait.timeoutMs === null && !source.canProgress(vm, wait.future, wait.what)) {
      r = failDeadlocked(vm, wait, source);
      continue;
    }
    if (wait.timeoutMs !== null && deadline?.future !== wait.future) {
      // THR-TIME.1: deadlines on the monotonic clock.
      deadline = { future: wait.future, at: monotonicMs() + wait.timeoutMs };
    }
    const remaining = wait.timeoutMs === null ? null : Math.max(0, deadline!.at - monotonicMs());
    const timedOut = await idle(source, { future: wait.future, timeoutMs: remaining });
    // THR-LIFE.5: checked before the next poll delivers what arrived meanwhile.
    if (!timedOut && wait.timeoutMs === null && wait.future.state === 'pending' && source.deadlockedDuring?.(vm, wait.future)) {
      r = failDeadlocked(vm, wait, source);
      continue;
    }
    if (timedOut) {
      deadline = null;
      const e = geneError('AsyncTimeout', `${wait.what} timed out after ${wait.timeoutMs} ms`);
      // THR-MSG.4: a recv whose wait timed out is withdrawn: the next message stays in the mailbox.
      if (wait.future.label === 'recv') settleFuture(vm, wait.future, 'failure', e.value);
      r = vm.resumeThrow(e);
    }
  }
}

/** THR-LIFE.5: the wait fails with Deadlock in this thread (the error names what every thread waited for). */
function failDeadlocked(vm: VM, wait: { future: GFuture; what: string }, source: IdleSource): RunResult {
  const why = source.deadlockReason?.() ?? 'no other thread is alive and no timer is pending';
  const e = geneError('Deadlock', `Deadlock: ${wait.what} can never complete: ${why}`);
  // THR-MSG.4: the failed wait is withdrawn (a recv that failed takes no message).
  settleFuture(vm, wait.future, 'failure', e.value);
  return vm.resumeThrow(e);
}

/**
 * Sleep until an event; true when the wait's timeout fired first. Leaves nothing behind: its
 * settle listener is removed and its timer stopped however it ends (one listener per wait).
 */
function idle(source: IdleSource, wait: { future: GFuture; timeoutMs: number | null } | null): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    let timer: LongTimer | undefined;
    let cancel: () => void = () => {};
    const settled = () => finish(false);
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      timer?.cancel();
      cancel();
      if (wait !== null) {
        const hooks = wait.future.onSettle;
        const i = hooks.indexOf(settled);
        if (i >= 0) hooks.splice(i, 1);
      }
      resolve(timedOut);
    };
    if (wait !== null) {
      wait.future.onSettle.push(settled);
      // THR-TIME.1: any length, never early.
      if (wait.timeoutMs !== null) timer = startTimer(wait.timeoutMs, () => finish(true));
    }
    cancel = source.waitForEvent(() => finish(false), wait === null ? 'idle' : wait.timeoutMs === null ? 'blocked' : 'timed');
  });
}

