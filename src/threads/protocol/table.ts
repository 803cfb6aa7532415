// The shared slot table (DESIGN §2, docs/thread-protocol.md): one SharedArrayBuffer visible to
// every thread. It holds the 64 worker slots plus thread 0 (THR-POOL), their secrets
// (THR-SECRET), mail counts (THR-CHAN.1), the state of every OS Worker, one doorbell per OS
// thread and the "ended epoch". The slot transitions are in transitions.ts; this class runs them
// (their generated plain form, transitions.generated.ts).
import { MAX_THREADS_CEILING } from '../../contract/limits.js';
import { geneError } from '../../values/errors.js';
import { AtomicMem, ENDED, FULL } from './memory.js';
import {
  beginEnd, claim, free, keep, publish, reserveMail, resolve, takeMail, unclaim,
} from './transitions.generated.js';
import {
  EndReason, H_EPOCH, MAX_SLOTS, MAX_WORKERS, S_PARENT, S_PSECRET_HI, S_PSECRET_LO, S_SECRET_HI, S_SECRET_LO,
  S_STATE, SlotState, TOTAL_WORDS, W_DOORBELL, W_GEN, W_SIGNAL, W_SLEEPING, W_STATE, W_WATCHING, WorkerState, genOf, hiOf,
  isLive, join48, loOf, sAt, slotWord, stateOf, wAt,
} from './words.js';

export { ENDED, FULL };

const randomPool = new Uint32Array(128);
let randomNext = randomPool.length;

/** Thread 0's fixed secret: its handle stays valid for the whole process (THR-MAIN.1). */
export const MAIN_SECRET = 0;

/** THR-SECRET.1: 48 random bits from a CSPRNG (drawn in batches: slots are claimed often). */
export function randomSecret(): number {
  for (;;) {
    if (randomNext + 2 > randomPool.length) {
      // The global \`crypto\` loads Node's crypto modules at first use, so only threads that spawn
      // pay for them (THR-PERF: memory and start-up of a Worker).
      globalThis.crypto.getRandomValues(randomPool);
      randomNext = 0;
    }
    const s = join48(randomPool[randomNext++]! & 0xffff, randomPool[randomNext++]!);
    if (s !== MAIN_SECRET) return s;
  }
}

export class SlotTable {
  readonly i32: Int32Array;
  private readonly mem: AtomicMem;

  constructor(
    readonly sab: SharedArrayBuffer,
    /** Slots 1..maxThreads may be claimed (THR-POOL.1). */
    readonly maxThreads: number,
  ) {
    this.i32 = new Int32Array(sab);
    this.mem = new AtomicMem(this.i32);
  }

  /** Thread 0 creates the table: every slot free (generation 0); thread 0 runs in slot 0. */
  static create(maxThreads: number): SlotTable {
    const t = new SlotTable(new SharedArrayBuffer(TOTAL_WORDS * 4), maxThreads);
    // THR-MAIN.1: slot 0 is thread 0's for the whole process: generation 0, secret MAIN_SECRET.
    Atomics.store(t.i32, sAt(0, S_SECRET_HI), hiOf(MAIN_SECRET));
    Atomics.store(t.i32, sAt(0, S_SECRET_LO), loOf(MAIN_SECRET));
    Atomics.store(t.i32, sAt(0, S_STATE), slotWord(0, 0, SlotState.Running));
    return t;
  }

  // ---- slots ----
  /** The slot word (generation, who, state) as it is now. */
  word(slot: number): number {
    return Atomics.load(this.i32, sAt(slot, S_STATE));
  }
  state(slot: number): SlotState {
    return stateOf(this.word(slot));
  }
  /** The slot word of the occupant the handle names, or ENDED (THR-SECRET.2). */
  resolve(slot: number, secret: number): number {
    return resolve(this.mem, slot, secret);
  }
  /** The handle names a thread that has not ended (it may be ending). */
  matches(slot: number, secret: number): boolean {
    return this.resolve(slot, secret) !== ENDED;
  }
  /** THR-JOIN.1, THR-POOL.4: the handle's thread has ended and its slot is free (or taken again). */
  hasEnded(slot: number, secret: number): boolean {
    return this.resolve(slot, secret) === ENDED;
  }
  /** `.alive`: the handle's thread runs (not ended, not being stopped). */
  alive(slot: number, secret: number): boolean {
    return isLive(this.resolve(slot, secret));
  }
  /** THR-API.2 `.parent` of the handle's thread, or null when it has ended. */
  parent(slot: number, secret: number): { id: number; secret: number } | null {
    const w = this.resolve(slot, secret);
    if (w === ENDED) return null;
    const id = Atomics.load(this.i32, sAt(slot, S_PARENT));
    const ps = join48(Atomics.load(this.i32, sAt(slot, S_PSECRET_HI)), Atomics.load(this.i32, sAt(slot, S_PSECRET_LO)));
    // Written under the claim of this generation: still this generation, so still its parent.
    return genOf(this.word(slot)) === genOf(w) ? { id, secret: ps } : null;
  }
  /** The secret of the occupant of slot `slot` now (thread 0, for the threads it stops at the end). */
  secretNow(slot: number): number {
    return join48(Atomics.load(this.i32, sAt(slot, S_SECRET_HI)), Atomics.load(this.i32, sAt(slot, S_SECRET_LO)));
  }

  /**
   * THR-POOL.2: claim the lowest free slot for a new thread whose spawner runs on OS thread
   * `claimer`. Throws ThreadPoolExhausted, changing nothing, when every slot is in use.
   */
  claim(claimer: number, parentId: number, parentSecret: number): { slot: number; gen: number; secret: number } {
    const secret = randomSecret();
    const c = claim(this.mem, this.maxThreads, claimer, secret, parentId, parentSecret);
    if (c !== null) return { ...c, secret };
    throw geneError(
      'ThreadPoolExhausted',
      `Thread pool exhausted: all ${this.maxThreads} worker slots are in use. Join or terminate threads ` +
        `before spawning more${this.maxThreads < MAX_THREADS_CEILING ? `, or raise --max-threads (up to ${MAX_THREADS_CEILING})` : ''}`,
    );
  }
  /** THR-SPAWN.1: the new thread runs on OS Worker `host` from now on. */
  publish(slot: number, gen: number, claimer: number, host: number): boolean {
    return publish(this.mem, slot, gen, claimer, host);
  }
  /** THR-SPAWN.6: a spawn failed after its claim; the slot is free again, as before. */
  unclaim(slot: number, gen: number, claimer: number): boolean {
    return unclaim(this.mem, slot, gen, claimer);
  }
  /** THR-LIFE.1: occupant `gen` (running on `host`) is kept alive after its body. */
  keep(slot: number, gen: number, host: number): boolean {
    return keep(this.mem, slot, gen, host);
  }
  /** Begin ending occupant `gen` for `reason`; exactly one caller wins. */
  beginEnd(slot: number, gen: number, reason: EndReason): boolean {
    if (slot === 0) return false;
    return beginEnd(this.mem, slot, gen, reason);
  }
  /** THR-POOL.3: the ending occupant `gen` has stopped: its slot is free. Ring watchers after. */
  free(slot: number, gen: number): boolean {
    return free(this.mem, slot, gen);
  }
  epoch(): number {
    return Atomics.load(this.i32, H_EPOCH);
  }
  /** Slots (other than 0) that are not free. */
  busySlots(): number[] {
    const out: number[] = [];
    for (let s = 1; s < MAX_SLOTS; s++) if (this.state(s) !== SlotState.Free) out.push(s);
    return out;
  }

  // ---- THR-CHAN.1: undelivered-message counts ----
  /** Count a message for the handle's thread: its slot word (where to post), FULL or ENDED. */
  reserveMail(slot: number, secret: number, capacity: number): number {
    return reserveMail(this.mem, slot, secret, capacity);
  }
  /** A message of occupant `gen` left its mailbox (or was never posted). */
  takeMail(slot: number, gen: number): void {
    takeMail(this.mem, slot, gen);
  }

  // ---- OS Workers ----
  workerState(w: number): WorkerState {
    return Atomics.load(this.i32, wAt(w, W_STATE));
  }
  setWorkerState(w: number, s: WorkerState): void {
    Atomics.store(this.i32, wAt(w, W_STATE), s);
  }
  casWorkerState(w: number, from: WorkerState, to: WorkerState): boolean {
    return Atomics.compareExchange(this.i32, wAt(w, W_STATE), from, to) === from;
  }
  /** THR-POOL.5: claim the lowest idle Worker for a task, or -1. */
  claimIdleWorker(): number {
    for (let w = 1; w < MAX_WORKERS; w++) {
      if (this.casWorkerState(w, WorkerState.Idle, WorkerState.Busy)) return w;
    }
    return -1;
  }
  /**
   * Take a free Worker index (for a Worker thread 0 is about to start), or -1. Its generation
   * moves on at once, so nobody posts to the port of the Worker that had the index before.
   */
  reserveWorkerIndex(state: WorkerState): number {
    for (let w = 1; w < MAX_WORKERS; w++) {
      if (this.casWorkerState(w, WorkerState.Free, state)) {
        Atomics.add(this.i32, wAt(w, W_GEN), 1);
        return w;
      }
    }
    return -1;
  }
  /** Generation of the Worker at index w: bumped each time a Worker is started there. */
  gen(w: number): number {
    return Atomics.load(this.i32, wAt(w, W_GEN));
  }

  // ---- doorbells (THR-CHAN.2) ----
  /** Index of OS thread w's signal word in `i32`: moved by `ring`, not by mail. */
  signalIndex(w: number): number {
    return wAt(w, W_SIGNAL);
  }
  /** Index of OS thread w's doorbell word in `i32` (for Atomics.waitAsync). */
  doorbellIndex(w: number): number {
    return wAt(w, W_DOORBELL);
  }
  /**
   * Tell OS thread w that something concerns it that comes by no port: an end, a deadlock, a
   * timer (mail uses ringForMail).
   * The notify is paid only when w sleeps on its doorbell: w raises its sleeping flag before it
   * checks the doorbell and waits, and we move the doorbell before we read the flag, so one of
   * the two always sees the other (sequentially consistent Atomics).
   */
  ring(w: number): void {
    const i = wAt(w, W_DOORBELL);
    // The signal first: whoever sees the doorbell move also finds the signal moved (deadlock.ts).
    Atomics.add(this.i32, wAt(w, W_SIGNAL), 1);
    Atomics.add(this.i32, i, 1);
    if (Atomics.load(this.i32, wAt(w, W_SLEEPING)) !== 0) Atomics.notify(this.i32, i);
  }
  /**
   * Mail for w was just posted to one of its ports: move the doorbell (a running w sees it at its
   * next safepoint) without a notify — an idle w listens on its ports and the message itself
   * wakes it (mesh.ts), so a notify would only wake it a second time.
   */
  ringForMail(w: number): void {
    Atomics.add(this.i32, wAt(w, W_DOORBELL), 1);
  }
  /** OS thread w is about to sleep on its doorbell (or has woken up). */
  setSleeping(w: number, sleeping: boolean): void {
    Atomics.store(this.i32, wAt(w, W_SLEEPING), sleeping ? 1 : 0);
  }
  /** OS thread w waits on some thread's end (a join, a reply, a spawn_return result). */
  setWatching(w: number, watching: boolean): void {
    Atomics.store(this.i32, wAt(w, W_WATCHING), watching ? 1 : 0);
  }
  /** A thread ended (THR-MSG.6, THR-JOIN): ring thread 0 and every Worker that waits on an end. */
  ringAll(): void {
    this.ring(0);
    for (let w = 1; w < MAX_WORKERS; w++) {
      if (Atomics.load(this.i32, wAt(w, W_WATCHING)) !== 0) this.ring(w);
    }
  }
}
