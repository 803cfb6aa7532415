// THR-POOL.2 under a race no conformance case can force: two spawners both read slot 1 as free
// before either claims it. The loser's compare-and-swap fails; it must look at slot 1 again and
// take the next free slot (or get none), never share the winner's slot nor skip a free one.
// The interleaving is fixed by hand on the generator form of the transitions (each yields after
// every atomic step), from which the runtime's transitions.generated.ts is made.
import { describe, expect, it } from 'vitest';
import { AtomicMem, type Step } from '../src/threads/protocol/memory.js';
import { claim as claimRuntime } from '../src/threads/protocol/transitions.generated.js';
import { claim } from '../src/threads/protocol/transitions.js';
import { S_PARENT, S_STATE, SlotState, TOTAL_WORDS, genOf, join48, sAt, stateOf, whoOf, S_SECRET_HI, S_SECRET_LO } from '../src/threads/protocol/words.js';

type Claimed = { slot: number; gen: number } | null;

/** Both claimers take their first step (loading slot 1's word), then each runs to its end. */
function race(maxThreads: number): { mem: AtomicMem; first: Claimed; second: Claimed } {
  const mem = new AtomicMem(new Int32Array(TOTAL_WORDS));
  const a: Step<Claimed> = claim(mem, maxThreads, 1, 0x1111_2222_3333, 7, 70);
  const b: Step<Claimed> = claim(mem, maxThreads, 2, 0x4444_5555_6666, 8, 80);
  expect(a.next()).toEqual({ done: false, value: 'load state' });
  expect(b.next()).toEqual({ done: false, value: 'load state' });
  const finish = (g: Step<Claimed>): Claimed => {
    for (;;) {
      const r = g.next();
      if (r.done) return r.value;
    }
  };
  const first = finish(a);
  const second = finish(b);
  return { mem, first, second };
}

/** The runtime's form has no steps to interleave: the rival's whole claim runs just before the loser's swap. */
class RivalBeforeFirstSwap extends AtomicMem {
  constructor(i32: Int32Array, private rival: (() => void) | null) {
    super(i32);
  }
  override cas(i: number, expected: number, replacement: number): number {
    const rival = this.rival;
    this.rival = null;
    rival?.();
    return super.cas(i, expected, replacement);
  }
}

function raceRuntime(maxThreads: number): { mem: AtomicMem; first: Claimed; second: Claimed } {
  const i32 = new Int32Array(TOTAL_WORDS);
  const mem = new AtomicMem(i32);
  let first: Claimed = null;
  const loser = new RivalBeforeFirstSwap(i32, () => {
    first = claimRuntime(mem, maxThreads, 1, 0x1111_2222_3333, 7, 70);
  });
  const second = claimRuntime(loser, maxThreads, 2, 0x4444_5555_6666, 8, 80);
  return { mem, first, second };
}

function occupant(mem: AtomicMem, slot: number) {
  const w = mem.load(sAt(slot, S_STATE));
  return {
    state: stateOf(w),
    gen: genOf(w),
    claimer: whoOf(w),
    secret: join48(mem.load(sAt(slot, S_SECRET_HI)), mem.load(sAt(slot, S_SECRET_LO))),
    parent: mem.load(sAt(slot, S_PARENT)),
  };
}

describe.each([
  ['generator form', race],
  ['runtime form (transitions.generated.ts)', raceRuntime],
])('THR-POOL.2: two spawners racing for the same free slot, %s', (_name, race) => {
  it('the loser takes the next free slot; each slot holds its own claimer, secret and parent', () => {
    const { mem, first, second } = race(2);
    expect(first).toEqual({ slot: 1, gen: 1 });
    expect(second).toEqual({ slot: 2, gen: 1 });
    expect(occupant(mem, 1)).toEqual({ state: SlotState.Claimed, gen: 1, claimer: 1, secret: 0x1111_2222_3333, parent: 7 });
    expect(occupant(mem, 2)).toEqual({ state: SlotState.Claimed, gen: 1, claimer: 2, secret: 0x4444_5555_6666, parent: 8 });
  });

  it('with one slot, the loser gets none and the winner keeps it untouched', () => {
    const { mem, first, second } = race(1);
    expect(first).toEqual({ slot: 1, gen: 1 });
    expect(second).toBeNull();
    expect(occupant(mem, 1)).toEqual({ state: SlotState.Claimed, gen: 1, claimer: 1, secret: 0x1111_2222_3333, parent: 7 });
  });
});
