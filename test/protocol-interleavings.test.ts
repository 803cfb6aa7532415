// The cross-thread protocol under a controlled scheduler (docs/thread-protocol.md §5): each
// simulated thread runs the real transitions of src/threads/protocol/transitions.ts and yields
// after every atomic operation; fast-check's scheduler picks who goes next and shrinks a failing
// interleaving to a short one. The first three properties are the slot defects of issue 10: each
// is also run on the old protocol (test/protocol-old-model.ts), where it must be caught.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENDED, FULL, run, type Mem, type Step } from '../src/threads/protocol/memory.js';
import { beginEnd, claim, free, keep, publish, reserveMail, resolve, takeMail, unclaim } from '../src/threads/protocol/transitions.js';
import * as direct from '../src/threads/protocol/transitions.generated.js';
import { GENERATED_FILE, SOURCE_FILE, renderDirectTransitions } from '../scripts/gen-transitions.js';
import {
  EndReason, S_MAIL, S_SECRET_LO, S_STATE, SlotState, TOTAL_WORDS, mailWord, genOf, isLive, mailCount, mailTag, sAt, slotWord, stateOf, tagOf, whoOf,
} from '../src/threads/protocol/words.js';
import {
  OLD_TOTAL_WORDS, OldReason, OldState, oldAlive, oldAllocate, oldBeginEnd, oldFree, oldHasEnded, oldMailCount,
  oldReason, oldReserveMail, oldSecretAt, oldSetSecret, oldState,
} from './protocol-old-model.js';
import { interleave, type Actor } from './interleave.js';

/** One JavaScript thread plays every simulated thread: each operation is atomic by construction. */
class SimMem implements Mem {
  readonly a: Int32Array;
  constructor(words: number) {
    this.a = new Int32Array(words);
  }
  load(i: number): number {
    return this.a[i]!;
  }
  store(i: number, v: number): void {
    this.a[i] = v;
  }
  cas(i: number, expected: number, replacement: number): number {
    const old = this.a[i]!;
    if (old === expected) this.a[i] = replacement;
    return old;
  }
  add(i: number, v: number): number {
    const old = this.a[i]!;
    this.a[i] = old + v;
    return old;
  }
}


const schedules = fc.array(fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: 1, max: 16 })), { maxLength: 40 });

const RUNS = 2000;
const params = (seed: number) => ({ seed, numRuns: RUNS });

// ---- the protocols under test, behind one face ----

interface Occupant {
  slot: number;
  secret: number;
  gen: number;
}

/** What the scenarios do, in the new protocol and in the old one. */
interface Protocol {
  name: string;
  mem(): Mem;
  /** A spawn by OS thread `claimer` onto Worker `host` (null: pool full). */
  spawn(m: Mem, claimer: number, host: number): Step<Occupant | null>;
  /** Send: alive check, the copy (a pause), count. 'ok' | 'full' | 'ended'. */
  aliveBeforeCopy(m: Mem, o: Occupant): Step<boolean>;
  count(m: Mem, o: Occupant, capacity: number): Step<'ok' | 'full' | 'ended'>;
  /** Begin the end of the thread a handle names (thread 0 terminating, or the thread exiting). */
  beginEnd(m: Mem, o: Occupant, reason: EndReason): Step<boolean>;
  /** Free an occupant whose end was begun; `tell` delivers thread 0's word on why (new protocol). */
  free(m: Mem, o: Occupant, reason: EndReason, tell: (r: EndReason) => void): Step<void>;
  hasEnded(m: Mem, o: Occupant): Step<boolean>;
  /** Why the target ended, as a waiter that saw it end concludes (`told`: what thread 0 said). */
  reason(m: Mem, o: Occupant, told: EndReason | undefined): Step<EndReason | OldReason>;
  /** Undelivered messages counted for the occupant living in `slot` now. */
  mailOf(m: Mem, o: Occupant): number;
  slotFree(m: Mem, slot: number): boolean;
}

let nextSecret = 1000;

const NEW: Protocol = {
  name: 'new',
  mem() {
    const m = new SimMem(TOTAL_WORDS);
    m.store(sAt(0, S_STATE), slotWord(0, 0, SlotState.Running));
    return m;
  },
  *spawn(m, claimer, host) {
    const secret = nextSecret++;
    const c = yield* claim(m, 1, claimer, secret, 0, 0);
    if (c === null) return null;
    yield* publish(m, c.slot, c.gen, claimer, host);
    return { ...c, secret };
  },
  *aliveBeforeCopy(m, o) {
    return isLive(yield* resolve(m, o.slot, o.secret));
  },
  *count(m, o, capacity) {
    const r = yield* reserveMail(m, o.slot, o.secret, capacity);
    return r === ENDED ? 'ended' : r === FULL ? 'full' : 'ok';
  },
  *beginEnd(m, o, reason) {
    // A handle holder knows only (slot, secret): it resolves the generation first.
    const w = yield* resolve(m, o.slot, o.secret);
    if (w === ENDED) return false;
    return yield* beginEnd(m, o.slot, genOf(w), reason);
  },
  *free(m, o, reason, tell) {
    if (reason !== EndReason.Exited) tell(reason); // posted before the slot frees
    yield* free(m, o.slot, o.gen);
  },
  *hasEnded(m, o) {
    return (yield* resolve(m, o.slot, o.secret)) === ENDED;
  },
  // eslint-disable-next-line require-yield
  *reason(_m, _o, told) {
    return told ?? EndReason.Exited;
  },
  mailOf(m, o) {
    const mail = m.load(sAt(o.slot, S_MAIL));
    return mailTag(mail) === tagOf(o.gen) ? mailCount(mail) : 0;
  },
  slotFree: (m, slot) => stateOf(m.load(sAt(slot, S_STATE))) === SlotState.Free,
};

const OLD: Protocol = {
  name: 'old',
  mem() {
    const m = new SimMem(OLD_TOTAL_WORDS);
    oldSetSecret(m, 1, nextSecret++);
    return m;
  },
  *spawn(m) {
    const a = yield* oldAllocate(m, 1);
    return a === null ? null : { ...a, gen: 0 };
  },
  aliveBeforeCopy: (m, o) => oldAlive(m, o.slot, o.secret),
  *count(m, o, capacity) {
    return (yield* oldReserveMail(m, o.slot, capacity)) ? 'ok' : 'full';
  },
  beginEnd: (m, o) => oldBeginEnd(m, o.slot, o.secret),
  free: (m, o, reason) => oldFree(m, o.slot, reason as number as OldReason, nextSecret++),
  hasEnded: (m, o) => oldHasEnded(m, o.slot, o.secret),
  reason: (m, o) => oldReason(m, o.slot),
  mailOf: (m, o) => (oldSecretAt(m, o.slot) === o.secret ? oldMailCount(m, o.slot) : 0),
  slotFree: (m, slot) => oldState(m, slot) === OldState.Free,
};

// ---- the scenarios: each builds its threads and a check that returns a failure, or null ----

interface Scenario {
  actors: Record<string, Actor>;
  check(): string | null;
}

/**
 * Defect 1 (phantom ChannelFull): x sends to w (alive check, long copy, count) while thread 0
 * terminates w and spawns y into its slot. With capacity 1, y must still have room: nothing was
 * ever sent to y.
 */
function mailAfterReuse(p: Protocol): Scenario {
  const m = p.mem();
  const w = run(p.spawn(m, 0, 1))!;
  let y: Occupant | null = null;
  return {
    actors: {
      x: (function* () {
        if (!(yield* p.aliveBeforeCopy(m, w))) return;
        yield 'copies the payload';
        yield* p.count(m, w, 1); // a message for w: a stray if w has ended
      })(),
      '0': (function* () {
        if (yield* p.beginEnd(m, w, EndReason.Terminated)) {
          yield 'waits for the Worker to exit';
          yield* p.free(m, w, EndReason.Terminated, () => {});
        }
        y = yield* p.spawn(m, 0, 3);
      })(),
    },
    check() {
      const yy = y as Occupant | null;
      if (yy === null) return 'y could not be spawned';
      const n = p.mailOf(m, yy);
      return n === 0 ? null : `y's mailbox is empty but ${n} message(s) are counted against it: its next send raises ChannelFull`;
    },
  };
}

/**
 * Defect 2 (end reason after reuse): a waiter on t sees t end; thread 0 terminated t and spawned y
 * into its slot meanwhile. The waiter's Future must fail with ThreadTerminated.
 */
function reasonAfterReuse(p: Protocol): Scenario {
  const m = p.mem();
  const t = run(p.spawn(m, 0, 1))!;
  let inPort: EndReason | undefined; // the waiter's port: thread 0's word on why t ended
  let seen: EndReason | OldReason | undefined;
  return {
    actors: {
      a: (function* () {
        let told: EndReason | undefined;
        for (let i = 0; i < 500; i++) {
          const ended = yield* p.hasEnded(m, t); // looked at before the ports are drained
          told = inPort ?? told; // drain
          if (ended) {
            seen = yield* p.reason(m, t, told);
            return;
          }
          yield 'sleeps until rung';
        }
      })(),
      '0': (function* () {
        if (yield* p.beginEnd(m, t, EndReason.Terminated)) {
          yield 'waits for the Worker to exit';
          yield* p.free(m, t, EndReason.Terminated, (r) => (inPort = r));
        }
        yield* p.spawn(m, 0, 3);
      })(),
    },
    check() {
      if (seen === undefined) return 'the waiter never saw t end';
      return seen === EndReason.Terminated ? null : `the waiter's Future failed with reason ${seen}, not Terminated (${EndReason.Terminated})`;
    },
  };
}

/**
 * Defect 3 (beginEnd ABA): thread 0 terminates t through its handle while t exits by itself and
 * x spawns n into the freed slot; n then exits by itself. Nobody ever asked to stop n, so n's
 * own end must succeed (a Worker whose end fails waits for thread 0 to stop it: forever).
 */
function endWithoutAba(p: Protocol): Scenario {
  const m = p.mem();
  const t = run(p.spawn(m, 0, 1))!;
  let stuck = false;
  let n: Occupant | null = null;
  return {
    actors: {
      '0': (function* () {
        if (yield* p.beginEnd(m, t, EndReason.Terminated)) {
          yield 'waits for the Worker to exit';
          yield* p.free(m, t, EndReason.Terminated, () => {});
        }
      })(),
      t: (function* () {
        if (yield* p.beginEnd(m, t, EndReason.Exited)) yield* p.free(m, t, EndReason.Exited, () => {});
      })(),
      x: (function* () {
        for (let i = 0; i < 200 && n === null; i++) n = yield* p.spawn(m, 2, 3);
        if (n === null) return;
        const nn: Occupant = n;
        if (yield* p.beginEnd(m, nn, EndReason.Exited)) yield* p.free(m, nn, EndReason.Exited, () => {});
        else stuck = true;
      })(),
    },
    check() {
      if (n === null) return "x never got t's slot";
      if (stuck) return "n's own end failed although nobody stopped n: its Worker waits forever";
      return p.slotFree(m, 1) ? null : 'the slot is not free after every thread ended';
    },
  };
}

/**
 * Joins and reuse: j waits until t has ended, then spawns at once with one slot in the pool. It
 * must get the slot (THR-JOIN.1: a join returns once the slot is free).
 */
function joinThenSpawn(p: Protocol): Scenario {
  const m = p.mem();
  const t = run(p.spawn(m, 0, 1))!;
  let got: Occupant | null | undefined;
  return {
    actors: {
      t: (function* () {
        if (yield* p.beginEnd(m, t, EndReason.Exited)) yield* p.free(m, t, EndReason.Exited, () => {});
      })(),
      j: (function* () {
        for (let i = 0; i < 500; i++) {
          if (yield* p.hasEnded(m, t)) {
            got = yield* p.spawn(m, 2, 3);
            return;
          }
          yield 'sleeps until rung';
        }
      })(),
    },
    check() {
      if (got === undefined) return 'the join never returned';
      return got === null ? 'the join returned but the pool was still full (ThreadPoolExhausted)' : null;
    },
  };
}

/**
 * Sends, replies and ends together (new protocol): two senders post requests to r (capacity 2)
 * while r takes and answers them and thread 0 terminates r and spawns y into its slot. The count
 * never exceeds the capacity, a message taken is uncounted once, and y starts empty.
 */
function mailAccounting(): Scenario {
  const m = NEW.mem();
  const r = run(NEW.spawn(m, 0, 1))!;
  const port: string[] = []; // r's port: messages counted for r and posted
  let bad: string | null = null;
  let live = true;
  let y: Occupant | null = null;
  const watch = () => {
    const n = NEW.mailOf(m, r);
    if (n > 2 && bad === null) bad = `r's count ${n} exceeds the capacity 2`;
  };
  function* sender(name: string): Actor {
    for (let i = 0; i < 3; i++) {
      const res = yield* NEW.count(m, r, 2);
      if (res === 'ok') port.push(`${name}${i}`);
      watch();
      if (res === 'ended') return;
    }
  }
  return {
    actors: {
      a: sender('a'),
      b: sender('b'),
      r: (function* () {
        for (let i = 0; i < 12 && live; i++) {
          if (port.shift() !== undefined) yield* takeMail(m, r.slot, r.gen); // taken, then replied
          else yield 'idles';
          watch();
        }
      })(),
      '0': (function* () {
        yield 'runs';
        if (yield* NEW.beginEnd(m, r, EndReason.Terminated)) {
          live = false;
          yield* NEW.free(m, r, EndReason.Terminated, () => {});
        }
        y = yield* NEW.spawn(m, 0, 3);
      })(),
    },
    check() {
      if (bad !== null) return bad;
      const yy = y as Occupant | null;
      if (yy === null) return 'y could not be spawned';
      return NEW.mailOf(m, yy) === 0 ? null : `y starts with ${NEW.mailOf(m, yy)} message(s) counted`;
    },
  };
}

/**
 * A spawner's Worker is terminated at any point of its spawn (new protocol): thread 0 then
 * cleans up after the Worker as `endThreadsOn` does. The slot is never left Claimed (it leaked
 * Running in the first release), and is free or running the published thread.
 */
function spawnerDies(): Scenario & { stopped: Set<string> } {
  const m = NEW.mem();
  const stopped = new Set<string>();
  return {
    stopped,
    actors: {
      x: (function* () {
        yield* NEW.spawn(m, 2, 3);
      })(),
      '0': (function* () {
        yield 'terminates Worker 2';
        stopped.add('x');
        yield 'sees Worker 2 exit';
        const w = m.load(sAt(1, S_STATE));
        yield 'load state';
        if (stateOf(w) === SlotState.Claimed && whoOf(w) === 2) yield* unclaim(m, 1, genOf(w), 2);
      })(),
    },
    check() {
      const st = stateOf(m.load(sAt(1, S_STATE)));
      return st === SlotState.Free || st === SlotState.Running ? null : `the slot was left in state ${st}`;
    },
  };
}

// ---- the properties ----

function property(make: () => Scenario & { stopped?: Set<string> }) {
  return fc.property(schedules, (schedule) => {
    const sc = make();
    const trace = interleave(sc.actors, schedule, sc.stopped);
    const failure = sc.check();
    if (failure !== null) throw new Error(`${failure}\ninterleaving: ${trace.join(' → ')}`);
  });
}

const DEFECTS: [string, (p: Protocol) => Scenario][] = [
  ['a message counted for an ended thread never weighs on the next occupant (phantom ChannelFull)', mailAfterReuse],
  ['a waiter on a terminated thread learns ThreadTerminated after the slot is reused', reasonAfterReuse],
  ["ending a thread through its handle never touches the slot's next occupant (beginEnd ABA)", endWithoutAba],
];

describe('the thread protocol under a controlled scheduler', () => {
  DEFECTS.forEach(([name, scenario], i) => {
    it(name, () => {
      fc.assert(property(() => scenario(NEW)), params(7001 + i));
    });
    it(`${name}: caught on the old protocol`, () => {
      const out = fc.check(property(() => scenario(OLD)), params(7001 + i));
      // The explorer must find the defect and shrink it to a short interleaving.
      expect(out.failed, `the old protocol passed ${RUNS} interleavings of: ${name}`).toBe(true);
      if (process.env.GENE_SHOW_INTERLEAVINGS) {
        console.log(`${name} (old protocol), found after ${out.numRuns} runs, ${out.numShrinks} shrinks:\n${String(out.errorInstance)}`);
      }
    });
  });
  it('a join returns only once the slot is free: a spawn right after it gets the slot', () => {
    fc.assert(property(() => joinThenSpawn(NEW)), params(7101));
    fc.assert(property(() => joinThenSpawn(OLD)), params(7101));
  });
  it("a spawner's Worker stopped mid-spawn never leaves its claim behind", () => {
    fc.assert(property(spawnerDies), params(7103));
  });
  it('mail counts with two senders, a receiver taking messages, terminate and reuse', () => {
    fc.assert(property(mailAccounting), params(7102));
  });
});

// ---- the runtime runs these same transitions without their yields ----

/** A SimMem that writes down every atomic operation and its result. */
class RecordingMem extends SimMem {
  readonly ops: string[] = [];
  private note(op: string): void {
    // A transition that never ends on a state no run can reach must fail the test, not hang it.
    if (this.ops.length > 200) throw new Error(`more than 200 atomic operations: ${this.ops.slice(0, 12).join(', ')} …`);
    this.ops.push(op);
  }
  override load(i: number): number {
    const v = super.load(i);
    this.note(`load ${i} = ${v}`);
    return v;
  }
  override store(i: number, v: number): void {
    super.store(i, v);
    this.note(`store ${i} ${v}`);
  }
  override cas(i: number, e: number, r: number): number {
    const v = super.cas(i, e, r);
    this.note(`cas ${i} ${e} ${r} = ${v}`);
    return v;
  }
  override add(i: number, d: number): number {
    const v = super.add(i, d);
    this.note(`add ${i} ${d} = ${v}`);
    return v;
  }
}

/** Slot 1 (and 2) in any state, generation and mail count a run can leave them in. */
const slotStates = fc.record({
  gen: fc.integer({ min: 0, max: 3 }),
  who: fc.integer({ min: 0, max: 2 }),
  state: fc.integer({ min: 0, max: 6 }),
  secret: fc.integer({ min: 1, max: 3 }),
  handleSecret: fc.integer({ min: 1, max: 3 }),
  staleMail: fc.boolean(),
  count: fc.integer({ min: 0, max: 3 }),
  next: fc.integer({ min: 0, max: 6 }),
});
type SlotSetup = typeof slotStates extends fc.Arbitrary<infer T> ? T : never;

function memWith(s: SlotSetup): RecordingMem {
  const m = new RecordingMem(TOTAL_WORDS);
  m.a[sAt(1, S_STATE)] = slotWord(s.gen, s.who, s.state);
  // A claim writes the mail word with its generation's tag; a stale tag is only seen by a
  // receiver that ended (takeMail), since reserveMail re-reads the slot word first.
  m.a[sAt(1, S_MAIL)] = mailWord(s.staleMail ? s.gen + 1 : s.gen, s.count);
  m.a[sAt(2, S_STATE)] = slotWord(s.gen, s.who, s.next);
  // The occupant's secret as its claim wrote it (hi 0, lo the secret).
  m.a[sAt(1, S_SECRET_LO)] = s.secret;
  return m;
}

describe('the transitions the runtime runs (transitions.generated.ts)', () => {
  // In the mutation sandbox (tools/mutate/gene-runner.ts) the runtime's file carries Stryker's
  // instrumentation, so it cannot equal the generator's output there; everywhere else it must.
  it.skipIf(process.env.GENE_MUTATION_SANDBOX === '1')('are generated from the current transitions.ts', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderDirectTransitions(readFileSync(SOURCE_FILE, 'utf8')));
  });
  it('make the same atomic operations, in the same order, with the same results, as the explored ones', () => {
    type Call = (t: typeof direct | typeof stepwise, m: Mem, s: SlotSetup) => unknown;
    const stepwise = { beginEnd, claim, free, keep, publish, reserveMail, resolve, takeMail, unclaim };
    const calls: Record<string, Call> = {
      claim: (t, m, s) => t.claim(m, 2, s.who, s.secret, 0, 0),
      publish: (t, m, s) => t.publish(m, 1, s.gen, s.who, 1),
      unclaim: (t, m, s) => t.unclaim(m, 1, s.gen, s.who),
      resolve: (t, m, s) => t.resolve(m, 1, s.handleSecret),
      keep: (t, m, s) => t.keep(m, 1, s.gen, s.who),
      beginEnd: (t, m, s) => t.beginEnd(m, 1, s.gen, EndReason.Terminated),
      free: (t, m, s) => t.free(m, 1, s.gen),
      reserveMail: (t, m, s) => t.reserveMail(m, 1, s.handleSecret, 2),
      takeMail: (t, m, s) => t.takeMail(m, 1, s.gen),
    };
    fc.assert(
      // The handle's secret (1..3) may or may not be the occupant's.
      fc.property(fc.constantFrom(...Object.keys(calls)), slotStates, (name, s) => {
        // With nobody else running, a sender that sees a stale tag would look again forever.
        fc.pre(!(name === 'reserveMail' && s.staleMail));
        const a = memWith(s), b = memWith(s);
        const stepResult = run(calls[name]!(stepwise, a, s) as Step<unknown>);
        const directResult = calls[name]!(direct, b, s);
        expect(b.ops).toEqual(a.ops);
        expect(directResult).toEqual(stepResult);
      }),
      { seed: 7201, numRuns: 3000 },
    );
  });
});
