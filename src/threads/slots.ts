// The shared slot table (DESIGN §2): one SharedArrayBuffer, read and written with Atomics, visible
// to every thread. It holds the 64 worker slots plus thread 0 (THR-POOL), their secrets
// (THR-SECRET), the state of every OS Worker, one doorbell word per OS thread, and the "ended
// epoch" that tells every thread to look for ended threads.
import { MAX_THREADS_CEILING } from '../contract/limits.js';
import { webcrypto } from 'node:crypto';
import { geneError } from '../values/errors.js';

/** Slots 0..64: 0 is thread 0 (never allocated or freed), 1..64 are worker slots (THR-POOL.1). */
export const MAX_SLOTS = MAX_THREADS_CEILING + 1;
/** OS Worker indices: 0 is the main thread; 1..72 are Workers (64 plus room for dying ones). */
export const MAX_WORKERS = 73;

export const enum SlotState {
  Free = 0,
  Running = 1,
  /** Terminated or crashed: the Worker is being stopped; the slot frees when it has exited. */
  Ending = 2,
}

export const enum EndReason {
  None = 0,
  Exited = 1,
  Crashed = 2,
  Terminated = 3,
}

export const enum WorkerState {
  /** No Worker at this index. */
  Free = 0,
  /** Index taken by a spawner that asked thread 0 to start the Worker. */
  Reserved = 1,
  /** Started (maybe still booting) and waiting for a task. */
  Idle = 2,
  /** Running a task, or claimed for one that is on its way. */
  Busy = 3,
  /** Terminated or crashed; waiting for its exit event. */
  Dead = 4,
}

// ---- layout ----
const H_EPOCH = 0;
const HEADER = 4;
const S_STATE = 0;
const S_SECRET_HI = 1;
const S_SECRET_LO = 2;
const S_PARENT = 3;
const S_PSECRET_HI = 4;
const S_PSECRET_LO = 5;
const S_KEEP = 6;
const S_REASON = 7;
const S_WORKER = 8;
const S_MAIL = 9;
const SLOT_WORDS = 10;
const W_STATE = 0;
const W_DOORBELL = 1;
const W_GEN = 2;
const W_SLOT = 3;
const W_SLEEPING = 4;
const W_WATCHING = 5;
const WORKER_WORDS = 6;
const SLOT_BASE = HEADER;
const WORKER_BASE = SLOT_BASE + MAX_SLOTS * SLOT_WORDS;
const TOTAL_WORDS = WORKER_BASE + MAX_WORKERS * WORKER_WORDS;

const TWO_32 = 2 ** 32;

const randomPool = new Uint32Array(128);
let randomNext = randomPool.length;

/** THR-SECRET.1: 48 random bits from a CSPRNG (drawn in batches: a slot frees often). */
export function randomSecret(): number {
  if (randomNext + 2 > randomPool.length) {
    webcrypto.getRandomValues(randomPool);
    randomNext = 0;
  }
  const hi = randomPool[randomNext++]! & 0xffff;
  const lo = randomPool[randomNext++]!;
  return hi * TWO_32 + lo;
}

/** Thread 0's fixed secret: its handle stays valid for the whole process (THR-MAIN.1). */
export const MAIN_SECRET = 0;

export class SlotTable {
  readonly i32: Int32Array;

  constructor(
    readonly sab: SharedArrayBuffer,
    /** Slots 1..maxThreads may be allocated (THR-POOL.1). */
    readonly maxThreads: number,
  ) {
    this.i32 = new Int32Array(sab);
  }

  /** Thread 0 creates the table; every slot starts free with a random secret. */
  static create(maxThreads: number): SlotTable {
    const t = new SlotTable(new SharedArrayBuffer(TOTAL_WORDS * 4), maxThreads);
    for (let s = 1; s < MAX_SLOTS; s++) t.setSecret(s, randomSecret());
    t.setSecret(0, MAIN_SECRET);
    Atomics.store(t.i32, SLOT_BASE + S_STATE, SlotState.Running);
    return t;
  }

  // ---- slots ----
  private s(slot: number, field: number): number {
    return SLOT_BASE + slot * SLOT_WORDS + field;
  }
  state(slot: number): SlotState {
    return Atomics.load(this.i32, this.s(slot, S_STATE));
  }
  secret(slot: number): number {
    const hi = Atomics.load(this.i32, this.s(slot, S_SECRET_HI));
    const lo = Atomics.load(this.i32, this.s(slot, S_SECRET_LO)) >>> 0;
    return hi * TWO_32 + lo;
  }
  private setSecret(slot: number, secret: number): void {
    Atomics.store(this.i32, this.s(slot, S_SECRET_HI), Math.floor(secret / TWO_32));
    Atomics.store(this.i32, this.s(slot, S_SECRET_LO), secret % TWO_32 | 0);
  }
  /** THR-SECRET.2: does the handle (slot, secret) name the thread living in the slot now? */
  matches(slot: number, secret: number): boolean {
    return slot >= 0 && slot < MAX_SLOTS && this.secret(slot) === secret;
  }
  /**
   * THR-JOIN.1, THR-POOL.4: the handle's thread has ended and its slot is free (or taken again).
   * `free` rotates the secret before the slot reads Free: in between, the thread has not ended yet
   * for a joiner, or a spawn right after the join could find the pool still full.
   */
  hasEnded(slot: number, secret: number): boolean {
    return !this.matches(slot, secret) && this.state(slot) !== SlotState.Ending;
  }
  /** `.alive`: the handle's thread is running (not ended, not being stopped). */
  alive(slot: number, secret: number): boolean {
    return this.matches(slot, secret) && this.state(slot) === SlotState.Running;
  }
  parent(slot: number): { id: number; secret: number } {
    const hi = Atomics.load(this.i32, this.s(slot, S_PSECRET_HI));
    const lo = Atomics.load(this.i32, this.s(slot, S_PSECRET_LO)) >>> 0;
    return { id: Atomics.load(this.i32, this.s(slot, S_PARENT)), secret: hi * TWO_32 + lo };
  }
  keptAlive(slot: number): boolean {
    return Atomics.load(this.i32, this.s(slot, S_KEEP)) !== 0;
  }
  setKeptAlive(slot: number): void {
    Atomics.store(this.i32, this.s(slot, S_KEEP), 1);
  }
  reason(slot: number): EndReason {
    return Atomics.load(this.i32, this.s(slot, S_REASON));
  }
  workerOf(slot: number): number {
    return Atomics.load(this.i32, this.s(slot, S_WORKER));
  }
  setWorker(slot: number, w: number): void {
    Atomics.store(this.i32, this.s(slot, S_WORKER), w);
  }

  /**
   * THR-POOL.2: take the lowest free slot ≤ maxThreads (any thread may allocate). Returns the
   * slot and its secret, or throws ThreadPoolExhausted and changes nothing.
   */
  allocate(parentId: number, parentSecret: number): { slot: number; secret: number } {
    for (let slot = 1; slot <= this.maxThreads; slot++) {
      if (Atomics.compareExchange(this.i32, this.s(slot, S_STATE), SlotState.Free, SlotState.Running) !== SlotState.Free) {
        continue;
      }
      Atomics.store(this.i32, this.s(slot, S_PARENT), parentId);
      Atomics.store(this.i32, this.s(slot, S_PSECRET_HI), Math.floor(parentSecret / TWO_32));
      Atomics.store(this.i32, this.s(slot, S_PSECRET_LO), parentSecret % TWO_32 | 0);
      Atomics.store(this.i32, this.s(slot, S_KEEP), 0);
      Atomics.store(this.i32, this.s(slot, S_REASON), EndReason.None);
      Atomics.store(this.i32, this.s(slot, S_MAIL), 0);
      return { slot, secret: this.secret(slot) };
    }
    throw geneError(
      'ThreadPoolExhausted',
      `Thread pool exhausted: all ${this.maxThreads} worker slots are in use. Join or terminate threads ` +
        `before spawning more${this.maxThreads < MAX_THREADS_CEILING ? `, or raise --max-threads (up to ${MAX_THREADS_CEILING})` : ''}`,
    );
  }

  /**
   * Begin ending the thread (slot, secret): Running → Ending. Only one caller wins (the thread
   * itself finishing, or thread 0 terminating it / seeing its Worker crash).
   */
  beginEnd(slot: number, secret: number): boolean {
    if (slot === 0 || !this.matches(slot, secret)) return false;
    if (Atomics.compareExchange(this.i32, this.s(slot, S_STATE), SlotState.Running, SlotState.Ending) !== SlotState.Running) {
      return false;
    }
    if (this.secret(slot) !== secret) {
      // The slot was freed and reused between the check and the exchange: not ours to end.
      Atomics.compareExchange(this.i32, this.s(slot, S_STATE), SlotState.Ending, SlotState.Running);
      return false;
    }
    return true;
  }

  /**
   * THR-POOL.3 / THR-SECRET.1: free a slot that is Ending: record why it ended, rotate its
   * secret (so every handle to it goes stale), mark it free and bump the ended epoch. The caller
   * rings every doorbell afterwards.
   */
  free(slot: number, reason: EndReason): void {
    Atomics.store(this.i32, this.s(slot, S_REASON), reason);
    const old = this.secret(slot);
    let next = randomSecret();
    while (next === old || next === MAIN_SECRET) next = randomSecret();
    this.setSecret(slot, next);
    Atomics.store(this.i32, this.s(slot, S_KEEP), 0);
    Atomics.store(this.i32, this.s(slot, S_MAIL), 0);
    Atomics.store(this.i32, this.s(slot, S_WORKER), 0);
    // The epoch moves before the slot reads as free: whoever sees it free also sees the epoch
    // changed (THR-LIFE.5 never mistakes a thread that just ended for a deadlock).
    Atomics.add(this.i32, H_EPOCH, 1);
    Atomics.store(this.i32, this.s(slot, S_STATE), SlotState.Free);
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

  // ---- THR-CHAN.1: undelivered-message counters ----
  /** Count one more message for `slot`; false (and nothing counted) when it is at capacity. */
  reserveMail(slot: number, capacity: number): boolean {
    const before = Atomics.add(this.i32, this.s(slot, S_MAIL), 1);
    if (before >= capacity) {
      Atomics.sub(this.i32, this.s(slot, S_MAIL), 1);
      return false;
    }
    return true;
  }
  takeMail(slot: number): void {
    Atomics.sub(this.i32, this.s(slot, S_MAIL), 1);
  }
  mailCount(slot: number): number {
    return Atomics.load(this.i32, this.s(slot, S_MAIL));
  }

  // ---- OS Workers ----
  private w(index: number, field: number): number {
    return WORKER_BASE + index * WORKER_WORDS + field;
  }
  workerState(w: number): WorkerState {
    return Atomics.load(this.i32, this.w(w, W_STATE));
  }
  setWorkerState(w: number, s: WorkerState): void {
    Atomics.store(this.i32, this.w(w, W_STATE), s);
  }
  casWorkerState(w: number, from: WorkerState, to: WorkerState): boolean {
    return Atomics.compareExchange(this.i32, this.w(w, W_STATE), from, to) === from;
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
        Atomics.add(this.i32, this.w(w, W_GEN), 1);
        return w;
      }
    }
    return -1;
  }
  idleWorkers(): number {
    let n = 0;
    for (let w = 1; w < MAX_WORKERS; w++) if (this.workerState(w) === WorkerState.Idle) n++;
    return n;
  }
  workerSlot(w: number): number {
    return Atomics.load(this.i32, this.w(w, W_SLOT));
  }
  setWorkerSlot(w: number, slot: number): void {
    Atomics.store(this.i32, this.w(w, W_SLOT), slot);
  }
  /** Generation of the Worker at index w: bumped each time a Worker is started there. */
  gen(w: number): number {
    return Atomics.load(this.i32, this.w(w, W_GEN));
  }

  // ---- doorbells ----
  /** Index of OS thread w's doorbell word in `i32` (for Atomics.waitAsync). */
  doorbellIndex(w: number): number {
    return this.w(w, W_DOORBELL);
  }
  doorbell(w: number): number {
    return Atomics.load(this.i32, this.w(w, W_DOORBELL));
  }
  /**
   * Tell OS thread w that something concerns it: mail, a reply, a control message, an end.
   * The notify (a wake-up) is paid only when w sleeps on its doorbell: w raises its sleeping
   * flag before it checks the doorbell and waits, and we move the doorbell before we read the
   * flag, so one of the two always sees the other (sequentially consistent Atomics).
   */
  ring(w: number): void {
    const i = this.w(w, W_DOORBELL);
    Atomics.add(this.i32, i, 1);
    if (Atomics.load(this.i32, this.w(w, W_SLEEPING)) !== 0) Atomics.notify(this.i32, i);
  }
  /** OS thread w is about to sleep on its doorbell (or has woken up). */
  setSleeping(w: number, sleeping: boolean): void {
    Atomics.store(this.i32, this.w(w, W_SLEEPING), sleeping ? 1 : 0);
  }
  /**
   * OS thread w waits on some thread's end (a join, a reply, a spawn_return result): it must be
   * rung when any thread ends. Threads that wait on nobody are left asleep.
   */
  setWatching(w: number, watching: boolean): void {
    Atomics.store(this.i32, this.w(w, W_WATCHING), watching ? 1 : 0);
  }
  /** A thread ended (THR-MSG.6, THR-JOIN): ring thread 0 and every Worker that waits on an end. */
  ringAll(): void {
    this.ring(0);
    for (let w = 1; w < MAX_WORKERS; w++) {
      if (Atomics.load(this.i32, this.w(w, W_WATCHING)) !== 0) this.ring(w);
    }
  }

}
