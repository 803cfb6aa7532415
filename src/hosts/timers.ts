// The timers of one thread (sleep, sleep_async, ^timeout on recv): they keep a waiting program
// alive (THR-LIFE.5: a pending timer means no Deadlock), and a timer whose Future has callbacks
// keeps the program from being done (gene-core §7). `wake` rouses the thread's idle driver.
import { startTimer, type LongTimer } from '../ops/durations.js';
import { failWithTimeout, settleFuture } from '../runtime/futures.js';
import { GFuture } from '../values/values.js';
import type { NativeContext } from '../contract/host.js';

export class Timers {
  private readonly handles = new Set<LongTimer>();
  /** Futures of pending sleep timers. */
  private readonly futures = new Set<GFuture>();

  constructor(private readonly wake: () => void) {}

  /** How many timers are pending. */
  get size(): number {
    return this.handles.size;
  }

  /** THR-TIME.1: a timer of any length (chained host timers), never firing early. */
  private start(ms: number, fire: () => void): LongTimer {
    const t = startTimer(ms, () => {
      this.handles.delete(t);
      fire();
      this.wake();
    });
    this.handles.add(t);
    return t;
  }

  /** A Future that succeeds with nil after `ms`. */
  sleep(vm: NativeContext, ms: number): GFuture {
    const f = new GFuture('timer');
    this.futures.add(f);
    this.start(ms, () => {
      this.futures.delete(f);
      settleFuture(vm, f, 'success', null);
    });
    return f;
  }

  /** Fail `f` with AsyncTimeout after `ms` unless it settles first. */
  timeout(vm: NativeContext, f: GFuture, ms: number): void {
    const t = this.start(ms, () => failWithTimeout(vm, f, ms));
    f.onSettle.push(() => {
      t.cancel();
      this.handles.delete(t);
    });
  }

  /** A pending timer will run callbacks when it fires: the program waits for it. */
  callbacksPending(): boolean {
    for (const f of this.futures) if (f.callbacks.length > 0) return true;
    return false;
  }

  clear(): void {
    for (const t of this.handles) t.cancel();
    this.handles.clear();
    this.futures.clear();
  }
}
