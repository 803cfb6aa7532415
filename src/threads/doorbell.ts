// One OS thread's doorbell (DESIGN §2, THR-CHAN.2): a word in the slot table that others bump
// when something concerns this thread. A running VM compares it with the value it last saw (one
// Atomics.load per check); an idle one sleeps on it with Atomics.waitAsync — no polling loop.
import type { SlotTable } from './protocol/table.js';

/** Atomics.waitAsync (ES2024; Node 20 has it, the project's lib setting is ES2022). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync.bind(Atomics);

interface PendingWait {
  value: number;
  listeners: Set<() => void>;
}

export class Doorbell {
  /** The value seen by the last `take()`: -1 first, so the first look always reads the ports. */
  private seen = -1;
  private readonly at: number;
  private pending: PendingWait | null = null;
  /**
   * Keeps the event loop alive while someone waits (a pending Atomics.waitAsync does not): one
   * timer that never fires, ref'd for a wait and unref'd after. Creating and clearing a timer on
   * every sleep cost a fifth of an idle Worker's CPU per message (THR-PERF idle wake-up).
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
  }

  /** The value seen by the last `take()`: a wait sleeps until the doorbell moves from it. */
  get seenValue(): number {
    return this.seen;
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
   * Sleep until the doorbell moves away from the value last taken — waiting on the exact value
   * observed, so no ring is lost — holding a ref'd handle meanwhile: a pending Atomics.waitAsync
   * does not keep Node's event loop alive. Returns a function that cancels the wait.
   */
  wait(wake: () => void): () => void {
    const value = this.seen;
    this.slots.setSleeping(this.index, true);
    if (Atomics.load(this.slots.i32, this.at) !== value) {
      this.slots.setSleeping(this.index, false);
      let live = true;
      queueMicrotask(() => live && wake());
      return () => (live = false);
    }
    let w = this.pending;
    if (w === null || w.value !== value) {
      // One waitAsync per observed value; later waits on the same value share it.
      const r = waitAsync(this.slots.i32, this.at, value);
      const entry: PendingWait = { value, listeners: new Set() };
      w = this.pending = entry;
      const fire = () => {
        // Only the current wait lowers the sleeping flag: a stale one firing late must not.
        if (this.pending === entry) {
          this.pending = null;
          this.slots.setSleeping(this.index, false);
          this.hold(false);
        }
        const ls = [...entry.listeners];
        entry.listeners.clear();
        for (const l of ls) l();
      };
      if (r.async) void r.value.then(fire);
      else queueMicrotask(fire);
    }
    const entry = w;
    entry.listeners.add(wake);
    this.hold(true);
    return () => {
      entry.listeners.delete(wake);
      if (entry.listeners.size === 0 && this.pending === entry) this.hold(false);
    };
  }

  /** Drop the keep-alive handle (shutting down). */
  release(): void {
    this.hold(false);
  }
}
