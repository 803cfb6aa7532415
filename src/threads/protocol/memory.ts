// The shared memory as the protocol's transitions see it (docs/thread-protocol.md §2): Atomics on
// the slot table's Int32Array in the runtime, a simulation in test/protocol-interleavings.test.ts.

/** The shared memory as the protocol sees it: Atomics on an Int32Array, or a simulation. */
export interface Mem {
  load(i: number): number;
  store(i: number, v: number): void;
  /** Returns the value before (the swap happened iff it equals `expected`). */
  cas(i: number, expected: number, replacement: number): number;
  /** Returns the value before. */
  add(i: number, v: number): number;
}

/** A transition as the tests run it: yields (the name of the atomic operation just made) after every step. */
export type Step<T> = Generator<string, T, void>;

/** Run a transition to its end (no other simulated thread's step comes in between). */
export function run<T>(step: Step<T>): T {
  for (;;) {
    const r = step.next();
    if (r.done) return r.value;
  }
}

export class AtomicMem implements Mem {
  constructor(readonly i32: Int32Array) {}
  load(i: number): number {
    return Atomics.load(this.i32, i);
  }
  store(i: number, v: number): void {
    Atomics.store(this.i32, i, v);
  }
  cas(i: number, expected: number, replacement: number): number {
    return Atomics.compareExchange(this.i32, i, expected, replacement);
  }
  add(i: number, v: number): number {
    return Atomics.add(this.i32, i, v);
  }
}

/** `resolve` found no live occupant for the handle; `reserveMail` found the thread ended. */
export const ENDED = 0;
/** `reserveMail`: the mailbox is at capacity (THR-CHAN.1). */
export const FULL = 1;
