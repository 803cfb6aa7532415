// THR-LIFE.5: global deadlock detection, Go's "all goroutines are asleep" check across every OS
// thread. Each thread publishes what it is doing in a SharedArrayBuffer every Worker gets at boot:
//
//   Running  computing, or waiting with a deadline (a ^timeout, a pending timer): it will act.
//   Blocked  suspended in a wait without a deadline (await, join, recv, terminate, …).
//   Idle     asleep with nothing to wait for: kept alive, a Worker without a task, thread 0
//            waiting for the other threads at the end of the program.
//   Absent   no Worker at this index.
//   Stopping thread 0 is terminating this Worker: it will act (its exit ends a wait). Only
//            thread 0 leaves this state; the Worker, still running until it is stopped, cannot
//            overwrite it (a Worker going Idle after thread 0 marked it once made a terminate
//            look like a deadlock).
//
// Every message posted to a thread (postMessage) counts as sent to it, every one it takes from a
// port as taken by it when it handles it; a thread going to sleep publishes the signal value it has
// seen (ring() moves a thread's signal word for everything that comes by no port: ends, timers). A
// deadlock is the state where no thread is Running, at least one is Blocked and, for every present
// thread, sent == taken and its signal word still reads the value it has seen (nothing is on its
// way that could wake anyone: no message, no ring for a thread's end; messages to an Absent index
// are lost with its Worker). Every transition bumps CHANGES, so a scan
// that sees the same CHANGES before and after saw one instant: if that instant is a deadlock it is
// a lasting one (only a message, a timer or a Running thread could end it, and there are none).
// Whoever finds it writes what each thread waits for, bumps EPOCH and rings the blocked threads;
// each of them fails its wait with Deadlock (THR-LIFE.5: "every such wait fails in its own thread").
import type { SlotTable } from './protocol/table.js';

export const enum Activity {
  Running = 0,
  Blocked = 1,
  Idle = 2,
  Absent = 3,
  Stopping = 4,
}

/** What thread 0 knows of a Worker index: starting, being stopped (terminate), or gone. */
export type WorkerPresence = 'starting' | 'stopping' | 'gone';

/** Indexes 0..MAX_THREADS-1: thread 0 and every Worker index. */
const MAX_THREADS = 128;
const CHANGES = 0;
const EPOCH = 1;
/** 1 + the highest index a Worker ever started at: a scan stops there (thread 0 alone: 1). */
const PRESENT_BELOW = 2;
const STATE = 3;
const SENT = STATE + MAX_THREADS;
const TAKEN = SENT + MAX_THREADS;
/** The signal value each sleeping thread has seen (a ring after it moves its signal word and wakes it). */
const SEEN = TAKEN + MAX_THREADS;
/** What each Blocked thread waits for, at most WHAT_CHARS UTF-16 units, as written when it blocked. */
const WHAT = SEEN + MAX_THREADS;
const WHAT_CHARS = 96;
/** The deadlock report of the last EPOCH (what every thread waited for), REPORT_CHARS units. */
const REPORT = WHAT + MAX_THREADS * (WHAT_CHARS + 1);
const REPORT_CHARS = 1500;
const WORDS = REPORT + REPORT_CHARS + 1;

export class DeadlockWatch {
  private readonly w: Int32Array;
  private state: Activity = Activity.Running;
  /** The epoch when this thread last blocked, and on what. */
  private blockedAt = -1;
  private blockedOn: object | null = null;

  constructor(
    sab: SharedArrayBuffer,
    /** This OS thread's index. */
    private readonly index: number,
    private readonly slots: SlotTable,
    /** The signal value this thread has seen (its last look at its signal word). */
    private readonly signalSeen: () => number,
    /** The slot of the thread running here now (for the report). */
    private readonly slotNow: () => number,
  ) {
    this.w = new Int32Array(sab);
  }

  /** Thread 0: the shared words, every Worker index Absent. */
  static create(): SharedArrayBuffer {
    const sab = new SharedArrayBuffer(4 * WORDS);
    const w = new Int32Array(sab);
    for (let i = 1; i < MAX_THREADS; i++) w[STATE + i] = Activity.Absent;
    w[PRESENT_BELOW] = 1;
    return sab;
  }

  get buffer(): SharedArrayBuffer {
    return this.w.buffer as SharedArrayBuffer;
  }

  // ---- counting what is in flight ----

  // Counting needs no CHANGES bump: the sender and the taker are Running, and their next
  // transition (to Blocked or Idle) bumps it, so a scan that overlapped the count fails its CAS.

  /** A message was posted to OS thread `to`. */
  sent(to: number): void {
    Atomics.add(this.w, SENT + to, 1);
  }
  /** This thread took a message from one of its ports. */
  taken(): void {
    Atomics.add(this.w, TAKEN + this.index, 1);
  }

  // ---- this thread's activity ----

  /** This thread acts (it woke, or runs): one compare when nothing changed. */
  running(): void {
    if (this.state !== Activity.Running) this.set(Activity.Running);
  }

  /** This thread goes to sleep with nothing to wait for (kept alive, no task, the end of the program). */
  idle(): void {
    this.set(Activity.Idle);
    this.detect(false);
  }

  /**
   * THR-LIFE.5: this thread is about to sleep in a wait on `on` that has no deadline. Returns
   * the deadlock report when the wait can never complete (a deadlock was found, now or while it
   * slept in this same wait), else null.
   */
  block(on: object, what: string): string | null {
    // One read of the epoch: a deadlock declared after it is seen at the next wake-up.
    const epoch = Atomics.load(this.w, EPOCH);
    // It blocked on this wait before a deadlock was declared: it is one of the stuck waits.
    const declared = this.declaredDuring(on, epoch);
    if (declared !== null) return declared;
    this.blockedOn = on;
    this.blockedAt = epoch;
    this.writeText(WHAT + this.index * (WHAT_CHARS + 1), WHAT_CHARS, `thread ${this.slotName()}: ${what}`);
    this.set(Activity.Blocked);
    if (this.detect(false)) {
      this.blockedOn = null;
      return this.report();
    }
    return null;
  }

  /**
   * THR-LIFE.5: this thread woke from its wait on `on`: was a deadlock declared while it slept
   * there? Then that wait was one of the stuck ones and fails, even if what it awaited arrives now
   * (another stuck thread, failing first, may answer it). The report, once; else null.
   */
  declaredDuring(on: object, epoch = Atomics.load(this.w, EPOCH)): string | null {
    if (this.blockedOn !== on || this.blockedAt === epoch) return null;
    this.blockedOn = null;
    return this.report();
  }

  /**
   * Thread 0: Worker w starts (Running until it idles: messages to an earlier Worker there were
   * lost with it), is being stopped (Stopping: it is about to end, and its exit will act), or is
   * gone (Absent). 'starting' resets w's counts, so it must come before any port to w exists:
   * a message posted to w before the reset would be erased from `sent`, and w's taking it would
   * then hide the next message to w from every scan (a false deadlock).
   */
  setWorker(w: number, presence: WorkerPresence): void {
    if (presence === 'starting') {
      Atomics.store(this.w, TAKEN + w, Atomics.load(this.w, SENT + w));
      for (let below = Atomics.load(this.w, PRESENT_BELOW); below <= w; below = Atomics.load(this.w, PRESENT_BELOW)) {
        if (Atomics.compareExchange(this.w, PRESENT_BELOW, below, w + 1) === below) break;
      }
    }
    const s = presence === 'starting' ? Activity.Running : presence === 'stopping' ? Activity.Stopping : Activity.Absent;
    Atomics.store(this.w, STATE + w, s);
    Atomics.add(this.w, CHANGES, 1);
    if (presence === 'gone') this.detect(true);
  }

  private set(s: Activity): void {
    // What it sleeps on is published before the state that says it sleeps.
    if (s !== Activity.Running) Atomics.store(this.w, SEEN + this.index, this.signalSeen());
    this.state = s;
    // A Worker thread 0 is stopping stays Stopping whatever it does until it is stopped.
    for (;;) {
      const now = Atomics.load(this.w, STATE + this.index);
      if (now === Activity.Stopping || Atomics.compareExchange(this.w, STATE + this.index, now, s) === now) break;
    }
    Atomics.add(this.w, CHANGES, 1);
  }

  /** The slot this OS thread runs now, as the user knows it. */
  private slotName(): string {
    return String(this.slotNow());
  }

  /**
   * Scan every thread's activity between two reads of CHANGES. On a deadlock: write the report,
   * move EPOCH, ring every Blocked thread (this one included: its caller sees the result).
   */
  private detect(ringSelf: boolean): boolean {
    const w = this.w;
    const before = Atomics.load(w, CHANGES);
    const blocked: number[] = [];
    // Past PRESENT_BELOW every index is Absent (a Worker starting there moves CHANGES first).
    const end = Atomics.load(w, PRESENT_BELOW);
    for (let i = 0; i < end; i++) {
      const s = Atomics.load(w, STATE + i) as Activity;
      if (s === Activity.Absent) continue;
      if (s === Activity.Running || s === Activity.Stopping || Atomics.load(w, SENT + i) !== Atomics.load(w, TAKEN + i)) return false;
      // Signalled since it last looked (a thread's end, a timer): it will wake. (Mail is counted above.)
      if (Atomics.load(this.slots.i32, this.slots.signalIndex(i)) !== Atomics.load(w, SEEN + i)) return false;
      if (s === Activity.Blocked) blocked.push(i);
    }
    if (blocked.length === 0) return false;
    // Claim the instant: nobody changed anything since `before`, or it was no instant.
    if (Atomics.compareExchange(w, CHANGES, before, before + 1) !== before) return false;
    const parts = blocked.map((i) => this.readText(WHAT + i * (WHAT_CHARS + 1)));
    this.writeText(REPORT, REPORT_CHARS, parts.join('; '));
    Atomics.add(w, EPOCH, 1);
    for (const i of blocked) if (ringSelf || i !== this.index) this.slots.ring(i);
    return true;
  }

  private report(): string {
    return this.readText(REPORT);
  }

  private writeText(at: number, max: number, text: string): void {
    const n = Math.min(text.length, max);
    for (let k = 0; k < n; k++) this.w[at + 1 + k] = text.charCodeAt(k);
    Atomics.store(this.w, at, n);
  }

  private readText(at: number): string {
    const n = Atomics.load(this.w, at);
    let s = '';
    for (let k = 0; k < n; k++) s += String.fromCharCode(this.w[at + 1 + k]!);
    return s;
  }
}
