// One OS thread's doorbell (DESIGN §2, THR-CHAN.2): a word in the slot table that others bump
// when something concerns this thread. A running VM compares it with the value it last saw (one
// Atomics.load per check); an idle one sleeps on it with Atomics.waitAsync, or is woken by a port's
// message (mail does not notify: mesh.ts) — no polling loop.
import type { SlotTable } from './protocol/table.js';

/** Atomics.waitAsync (ES2024; Node 20 has it, the project's lib setting is ES2022). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync.bind(Atomics);

/**
 * Microtasks by a settled promise, not queueMicrotask: Node wraps each queueMicrotask callback
 * in an AsyncResource, measurable on the idle wake-up path (THR-PERF).
 */
export const settledPromise = Promise.resolve();

export class Doorbell {
  /** The value seen by the last `take()`: -1 first, so the first look always reads the ports. */
  private seen = -1;
  private readonly at: number;
  /** The signal word's value at the last `takeSignal()` (deadlock.ts: what this thread has seen). */
  private signalSeen = -1;
  private readonly signalAt: number;
  /**
   * One Atomics.waitAsync at a time, kept across wake-ups by mail until a notify resolves it: a
   * notify wakes every waiter on the word whatever value it waited on, so an armed waiter still
   * covers every ring made while this thread's sleeping flag is up.
   */
  private armed = false;
  /** Who waits now: woken by the doorbell (a notify) or by a port's message (`arrived`). */
  private readonly listeners = new Set<() => void>();
  /**
   * Keeps the event loop alive while someone waits (a pending Atomics.waitAsync does not): one
   * timer that never fires, ref'd at the first wait and unref'd only by `release`. Creating a
   * timer on every sleep cost a fifth of an idle Worker's CPU per message, and re-ref'ing it on
   * every sleep a toggle on the wake-up path (THR-PERF idle wake-up); between a wake-up and the
   * next wait nothing lets the loop end anyway, and a thread that is done calls `release`.
   */
  private keepAlive: NodeJS.Timeout | null = null;
  private holding = false;

  private hold(on: boolean): void {
    if (on === this.holding) return;
    this.holding = on;
    if (on) (this.keepAlive ??= setInterval(() => {}, 1 << 30)).ref();
    else this.keepAlive?.unref();
  }

  constructor(
    private readonly slots: SlotTable,
    private readonly index: number,
  ) {
    this.at = slots.doorbellIndex(index);
    this.signalAt = slots.signalIndex(index);
  }

  /**
   * THR-LIFE.5: the signal value seen by the last `takeSignal()`. Everything rung before it has been
   * handled; a ring after it moves the signal word, so a deadlock scan knows this thread will wake.
   * (Not the doorbell: mail moves the doorbell after it is posted, maybe after a port event
   * delivered it, so a doorbell ahead of what this thread saw does not mean it will wake.)
   */
  get signalSeenValue(): number {
    return this.signalSeen;
  }

  /** Note the signal word before handling what arrived; false when it has not moved. */
  takeSignal(): boolean {
    const v = Atomics.load(this.slots.i32, this.signalAt);
    if (v === this.signalSeen) return false;
    this.signalSeen = v;
    return true;
  }

  /** Has it rung since the last `take()`? One Atomics.load. */
  rung(): boolean {
    return Atomics.load(this.slots.i32, this.at) !== this.seen;
  }

  /** Note the current value; false when it has not rung since the last time. */
  take(): boolean {
    const v = Atomics.load(this.slots.i32, this.at);
    if (v === this.seen) return false;
    this.seen = v;
    return true;
  }

  /**
   * Sleep until the doorbell moves away from the value last taken (no ring is lost: the sleeping
   * flag goes up before the value is checked, and a ring moves the value before it reads the
   * flag) or a port delivers a message, holding a ref'd handle meanwhile: a pending
   * Atomics.waitAsync does not keep Node's event loop alive. `arrivedAlready`: a port delivered
   * mail since the last look (maybe before its sender moved the doorbell): wake at once.
   * Returns a function that cancels the wait.
   */
  wait(wake: () => void, arrivedAlready = false): () => void {
    this.slots.setSleeping(this.index, true);
    if (arrivedAlready || Atomics.load(this.slots.i32, this.at) !== this.seen) {
      this.slots.setSleeping(this.index, false);
      let live = true;
      void settledPromise.then(() => live && wake());
      return () => (live = false);
    }
    if (!this.armed) {
      this.armed = true;
      const r = waitAsync(this.slots.i32, this.at, this.seen);
      const fire = () => {
        this.armed = false;
        this.wakeAll();
      };
      if (r.async) void r.value.then(fire);
      else void settledPromise.then(fire);
    }
    this.listeners.add(wake);
    this.hold(true);
    return () => {
      this.listeners.delete(wake);
    };
  }

  /** A port delivered a message: wake whoever waits (the armed waitAsync stays for the next sleep). */
  arrived(): void {
    if (this.listeners.size > 0) this.wakeAll();
  }

  private wakeAll(): void {
    this.slots.setSleeping(this.index, false);
    const ls = [...this.listeners];
    this.listeners.clear();
    for (const l of ls) l();
  }

  /** Drop the keep-alive handle (shutting down: nothing waits any more). */
  release(): void {
    this.hold(false);
  }
}
