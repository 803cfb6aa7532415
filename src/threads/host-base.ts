// What every thread on the mesh has, thread 0 and Workers alike: who runs here now, its mailbox,
// output, timers and the doorbell it idles on (THR-CHAN.2). The layers above add requests and
// replies (host-requests.ts), ends and joins (host-ends.ts), message delivery
// (host-delivery.ts), and spawning and the handle methods (thread-host.ts).
import { Timers } from '../hosts/timers.js';
import type { Limits } from '../contract/limits.js';
import type { NativeContext } from '../contract/host.js';
import type { CodeUnit, GFuture } from '../values/values.js';
import { ThreadHandle } from '../values/values.js';
import type { IdleHow } from '../hosts/driver.js';
import { DeadlockWatch } from './deadlock.js';
import { Doorbell } from './doorbell.js';
import { Mailbox } from './mailbox.js';
import { Mesh } from './mesh.js';
import { trace, writeOut } from './output.js';
import { MAIN_SECRET, type SlotTable } from './protocol/table.js';
import type { Wire } from './wire.js';

/** THR-MAIN.1: thread 0's handle, valid for the whole process. */
export const MAIN_HANDLE = new ThreadHandle(0, MAIN_SECRET);

export abstract class ThreadHostBase {
  readonly mesh: Mesh;
  /** The running VM as natives see it (mailbox, futures); subclasses keep the full VM as `machine`. */
  protected vm: NativeContext | null = null;
  // ---- the thread running here now ----
  protected slot = 0;
  protected secret = MAIN_SECRET;
  /** Its generation in the slot word (thread 0: 0 for the whole process). */
  protected gen = 0;
  protected handle: ThreadHandle = MAIN_HANDLE;
  protected box: Mailbox | null = null;
  protected keep = false;
  /** Wakes this thread's idle driver when a timer fires: the settled Future may have callbacks. */
  protected readonly timers = new Timers(() => this.slots.ring(this.index));
  private nextRid = 1;
  // ---- the doorbell and the ended epoch ----
  protected readonly bell: Doorbell;
  protected lastEpoch = -1;
  /** THR-LIFE.5: what every thread is doing, for global deadlock detection. */
  protected readonly deadlock: DeadlockWatch;
  protected deadlockReport: string | null = null;

  constructor(
    readonly slots: SlotTable,
    /** This OS thread's index: 0 on the main thread. */
    readonly index: number,
    readonly limits: Limits,
    protected readonly tracing: boolean,
    protected readonly sink?: (fd: 1 | 2, text: string) => void,
    /** THR-LIFE.5: thread 0 makes the shared words; Workers get them at boot. */
    deadlockWords: SharedArrayBuffer = DeadlockWatch.create(),
  ) {
    this.bell = new Doorbell(slots, index);
    this.deadlock = new DeadlockWatch(deadlockWords, index, slots, () => this.bell.signalSeenValue, () => this.slot);
    this.mesh = new Mesh(slots, index, limits.mailDrainBatch, this.deadlock, () => this.bell.arrived());
  }

  /** The prelude's compiled units: compiled on thread 0, received by a Worker. */
  abstract preludeUnits(): readonly CodeUnit[];

  get threadId(): number {
    return this.slot;
  }

  protected attach(vm: NativeContext): void {
    if (this.vm !== vm) {
      this.vm = vm;
      this.box = this.mailbox(vm);
    }
  }

  /** The mailbox of the occupant running here now: what it takes is released from its own count. */
  protected mailbox(vm: NativeContext): Mailbox {
    const slot = this.slot;
    const gen = this.gen;
    return new Mailbox(vm, () => this.slots.takeMail(slot, gen));
  }

  /** THR-IO.1: straight to the process's stdout/stderr, one write per call. */
  write(fd: 1 | 2, text: string): void {
    if (this.sink !== undefined) this.sink(fd, text);
    else writeOut(fd, text);
  }

  protected trace(text: string): void {
    if (this.tracing) trace(text);
  }

  /** THR-API.1: `$thread`. */
  currentThread(): ThreadHandle {
    return this.handle;
  }
  /** THR-MAIN.2: `$main_thread` is thread 0's handle in every thread. */
  mainThread(): ThreadHandle {
    return MAIN_HANDLE;
  }

  protected rid(): number {
    return this.nextRid++;
  }

  /** One message from a port; a failure in the runtime itself is an internal error. */
  protected readonly handleWire = (m: Wire): void => {
    try {
      this.onWire(m);
    } catch (e) {
      this.internalError(e);
    }
  };

  /** A bug in gene-ref (not a Gene error) on this thread: the process ends with status 70. */
  protected abstract internalError(e: unknown): void;

  /** Handle one message from a port (or from this thread to itself). */
  protected abstract onWire(m: Wire): void;

  // ---- timers ----

  timer(vm: NativeContext, ms: number): GFuture {
    return this.timers.sleep(vm, ms);
  }
  timeoutFuture(vm: NativeContext, f: GFuture, ms: number): void {
    this.timers.timeout(vm, f, ms);
  }
  protected clearTimers(): void {
    this.timers.clear();
  }

  /** A pending timer will run callbacks when it fires: the program waits for it. */
  protected timerCallbacksPending(): boolean {
    return this.timers.callbacksPending();
  }

  // ---- idling (THR-CHAN.2) ----

  /** One Atomics.load: has anything rung this thread's doorbell since it last looked? (Or is there mail to post?) */
  hasWork(): boolean {
    return this.mesh.pendingOut || this.bell.rung() || this.mesh.hasArrivals();
  }

  /**
   * Sleep until the doorbell rings (posting the outbox first): never a polling loop. THR-LIFE.5:
   * asleep with nothing to wait for and no timer, this thread is Idle for deadlock detection.
   */
  waitForEvent(wake: () => void, how: IdleHow = 'idle'): () => void {
    this.mesh.flush();
    if (how === 'idle' && this.timers.size === 0) this.deadlock.idle();
    return this.bell.wait(wake, this.mesh.hasArrivals());
  }

  // THR-LIFE.5
  /** A wait without a deadline: Blocked, unless a timer will act; false when every thread is stuck. */
  canProgress(_vm: NativeContext, f: GFuture, what: string): boolean {
    this.deadlockReport = null;
    if (this.timers.size > 0) return true;
    this.deadlockReport = this.deadlock.block(f, this.describeWait(f, what));
    return this.deadlockReport === null;
  }

  // THR-LIFE.5
  /** Woken from a wait without a deadline: was it one of the stuck waits of a deadlock declared meanwhile? */
  deadlockedDuring(_vm: NativeContext, f: GFuture): boolean {
    this.deadlockReport = this.deadlock.declaredDuring(f);
    return this.deadlockReport !== null;
  }

  /** What a wait is for, as the deadlock report names it (`await (recv)`). */
  protected describeWait(f: GFuture, what: string): string {
    if (what !== 'await') return what;
    if (f.label === 'recv') return 'await (recv)';
    if (f.label === 'reply') return 'await a reply';
    if (f.label === 'spawn_return') return "await a thread's result";
    return 'await a Future nothing settles';
  }

  deadlockReason(): string | null {
    return this.deadlockReport === null ? null : `every thread is waiting (${this.deadlockReport}), no message is on its way and no timer is pending`;
  }

  /** Release the keep-alive handle of a pending wait (shutting down). */
  protected releaseWait(): void {
    this.bell.release();
  }
}
