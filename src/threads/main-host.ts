// Thread 0's host (THR-MAIN): the only thread that starts and stops OS Workers. It builds the
// port mesh as Workers start, stops threads on request (THR-LIFE.2), turns a dead Worker into
// ThreadCrashed failures (THR-LIFE.3), and at the end waits for the other threads (THR-LIFE.4).
import type { NativeContext } from '../contract/host.js';
import { MessageChannel, Worker } from 'node:worker_threads';
import { settleFuture, succeeded } from '../runtime/futures.js';
import { compiledPrelude, compiledWarmUp } from '../hosts/prelude.js';
import { type CodeUnit, GFuture, ThreadHandle, type NativeResult } from '../values/values.js';
import { display } from '../values/print.js';
import { drive } from '../hosts/driver.js';
import { exitOnInternalError } from '../hosts/internal-error.js';
import type { RunResult } from '../vm/frame.js';
import type { Limits } from '../contract/limits.js';
import type { VM } from '../vm/vm.js';
import { encodeUnit } from './codec.js';
import { crashIsPrinted, markWorkerGone, outputLockBuffer, traceEnabled } from './output.js';
import type { ControlWire, WorkerBoot, WorkerCode } from './wire.js';
import { readWorkerCode } from './worker-code.js';
import { ENDED, SlotTable } from './protocol/table.js';
import {
  EndReason, MAX_SLOTS, MAX_WORKERS, SlotState, WorkerState, genOf, isEnding, isLive, reasonOf, stateOf, whoOf,
} from './protocol/words.js';
import { ThreadHost } from './thread-host.js';

export interface MainHostOptions {
  /** GENE_TRACE=threads. */
  trace: boolean;
  /** Workers to start at once (the program contains spawn): min(2, maxThreads) is the norm. */
  warm: number;
  /** Captured output of thread 0 instead of the process's stdout/stderr (tests). */
  sink?: (fd: 1 | 2, text: string) => void;
}

/** A Worker being stopped: who waits for it to be gone. */
interface Dying {
  done: GFuture[];
}

/**
 * Workers start from compiled JavaScript, also when this module runs from source (tests): from
 * worker-boot.cjs, which runs the bundle the build makes of worker-main.js and what it imports (one
 * file: less time and memory than ~29 modules; THR-PERF cold spawn, RSS per thread) from V8's code
 * cache (worker-code.ts). Without the bundle (a bare `tsc`), worker-boot.cjs loads the modules.
 */
// From dist/threads/ (this module), dist/cli/ (the CLI bundle) or src/threads/ (tests run sources).
const DIST = import.meta.url.endsWith('.ts') ? new URL('../../dist/threads/', import.meta.url) : new URL('../threads/', import.meta.url);
const WORKER_URL = new URL('worker-boot.cjs', DIST);
const BUNDLE_URL = new URL('worker-bundle.js', DIST);

/** How long after a Worker was lost its replacement starts (see replaceLostWorker). */
const REPLACE_LOST_WORKER_AFTER_MS = 20;

export class MainThreadHost extends ThreadHost {
  private readonly workers: (Worker | undefined)[] = new Array(MAX_WORKERS);
  private readonly dying = new Map<number, Dying>();
  private readonly crashes = new Map<number, string>();
  private stopping = false;
  /** Workers kept live (a lost one is replaced): the pool's warm size, at most one more than the slots. */
  private readonly warm: number;
  private replacing = false;
  /** The Worker bundle and its code cache, read when the first Worker starts. */
  private code: WorkerCode | undefined | null = null;

  constructor(limits: Limits, options: MainHostOptions) {
    super(SlotTable.create(limits.maxThreads), 0, limits, options.trace || traceEnabled(), options.sink);
    // THR-POOL.5 / DESIGN §2: warm Workers so the first spawn does not pay their start-up. One
    // more than there are slots may be warm: the spare that a terminated thread's next spawn uses.
    // THR-PERF cold spawn: the first starts now, the others once it runs (its 'online'): a
    // program's first spawn waits for the first Worker, which so has a core to itself.
    this.warm = Math.min(options.warm, limits.maxThreads + 1);
    const first = this.warm > 0 ? this.startIdleWorker() : undefined;
    first?.once('online', () => this.topUpWarmWorkers());
  }

  /** Start Workers until the pool has its warm size again (live ones, not being stopped). */
  // THR-POOL.5
  private topUpWarmWorkers(): void {
    let live = 0;
    for (let x = 1; x < MAX_WORKERS; x++) if (this.workers[x] !== undefined && !this.dying.has(x)) live++;
    for (; !this.stopping && live < this.warm; live++) if (this.startIdleWorker() === undefined) return;
  }

  /** A new idle Worker at the lowest free index, or undefined when none is free or it cannot start. */
  private startIdleWorker(): Worker | undefined {
    const w = this.slots.reserveWorkerIndex(WorkerState.Idle);
    if (w < 0) return undefined;
    try {
      this.startWorker(w);
    } catch {
      this.slots.setWorkerState(w, WorkerState.Free);
      return undefined;
    }
    return this.workers[w];
  }

  // ---- Workers and the mesh ----

  /**
   * THR-CORE.1: start a Worker at index w: its own OS thread, V8 isolate and VM, with no lock
   * shared with any other. It starts with one port, to thread 0; a port to another Worker is made
   * when one of the two first has a message for the other (`link`).
   */
  private startWorker(w: number): void {
    const gen = this.slots.gen(w);
    // THR-LIFE.5: w's message counts start afresh before any port to it exists. A peer given its
    // port may post to w at once (a task it held): counted after the reset, not erased by it.
    this.deadlock.setWorker(w, 'starting');
    const control = new MessageChannel();
    this.mesh.install(w, gen, control.port1);
    const boot: WorkerBoot = {
      sab: this.slots.sab, index: w, gen, limits: this.limits, trace: this.tracing, control: control.port2,
      prelude: this.preludeUnits().map(encodeUnit),
      warmUp: encodeUnit(compiledWarmUp()),
      output: outputLockBuffer(),
      deadlock: this.deadlock.buffer,
      code: this.workerCode(),
    };
    markWorkerGone(w, false);
    const worker = new Worker(WORKER_URL, {
      workerData: boot,
      transferList: [control.port2],
      // A small young generation keeps an idle Worker's RSS down (THR-PERF: ≤ 10 MiB a thread).
      resourceLimits: {
        maxYoungGenerationSizeMb: this.limits.workerYoungGenerationMb,
        ...(this.limits.threadMemoryMb > 0 ? { maxOldGenerationSizeMb: this.limits.threadMemoryMb } : {}),
      },
    });
    worker.unref();
    worker.on('error', (e: Error) => this.crashes.set(w, crashReason(e)));
    worker.on('exit', () => this.workerExited(w, worker));
    this.workers[w] = worker;
    this.trace(`worker ${w} starting (generation ${gen})`);
  }

  /** The Worker bundle for the next Worker: the first one may write its code cache (worker-code.ts). */
  private workerCode(): WorkerCode | undefined {
    if (this.code !== null) return this.code;
    const read = readWorkerCode(BUNDLE_URL);
    this.code = read?.code;
    return read && { ...read.code, writeTo: read.writeTo };
  }

  /** Worker a asked for a port to Worker b (the lazy mesh): made if both are still there. */
  private link(a: number, b: number): void {
    if (a === b || this.workers[a] === undefined || this.workers[b] === undefined) return;
    if (this.mesh.link(a, b)) this.trace(`port made between workers ${a} and ${b}`);
  }

  protected override startWorkerFor(): number {
    const w = this.slots.reserveWorkerIndex(WorkerState.Busy);
    if (w < 0) return w;
    try {
      this.startWorker(w);
    } catch (e) {
      this.slots.setWorkerState(w, WorkerState.Free);
      this.trace(`worker ${w} failed to start: ${e instanceof Error ? e.message : String(e)}`);
      return -1;
    }
    return w;
  }

  /** THR-LIFE.2, THR-LIFE.3: a Worker is gone — stopped on purpose or died. Its thread's slot frees. */
  private workerExited(w: number, worker: Worker): void {
    if (this.workers[w] !== worker) return;
    // THR-LIFE.5: thread 0 acts now (it may have been asleep in a wait): not a stuck thread.
    this.deadlock.running();
    this.workers[w] = undefined;
    // A bug the Worker reported just before it went is that, not a crash: end the process now.
    for (const m of this.mesh.drop(w)) if (!Array.isArray(m) && m.t === 'internal') exitOnInternalError(m.message, m.stack, m.slot);
    markWorkerGone(w, true);
    this.slots.setWorkerState(w, WorkerState.Dead);
    const d = this.dying.get(w);
    this.dying.delete(w);
    this.endThreadsOn(w, this.crashes.get(w) ?? 'the Worker exited');
    this.crashes.delete(w);
    this.slots.setWorkerState(w, WorkerState.Free);
    this.slots.ringAll();
    if (d !== undefined) for (const f of d.done) if (this.vm !== null) settleFuture(this.vm, f, 'success', null);
    // Gone: after the ends it causes are rung and acknowledged (they are on their way).
    this.deadlock.setWorker(w, 'gone');
    this.replaceLostWorker();
  }

  /**
   * THR-PERF terminate then respawn: a Worker lost to `terminate` or a crash is replaced by a new
   * idle one, so the pool stays at its warm size and the next spawn (a program enforcing
   * deadlines spawns again at once) finds a ready Worker instead of paying a start-up (tens of
   * ms). The replacement starts a little later, not in the step that terminated: the spawn that
   * follows should not share the CPU with a booting Worker.
   */
  private replaceLostWorker(): void {
    if (this.stopping || this.replacing) return;
    this.replacing = true;
    setTimeout(() => {
      this.replacing = false;
      this.topUpWarmWorkers();
    }, REPLACE_LOST_WORKER_AFTER_MS).unref();
  }

  /**
   * Worker w is gone: end what concerns it in the slot table. A slot it was claiming for a spawn
   * goes back (the spawn never happened); a thread it hosted that was running crashed
   * (THR-LIFE.3); one being terminated or exiting ends for that reason.
   */
  private endThreadsOn(w: number, why: string): void {
    for (let slot = 1; slot < MAX_SLOTS; slot++) {
      let word = this.slots.word(slot);
      if (whoOf(word) !== w || stateOf(word) === SlotState.Free) continue;
      const gen = genOf(word);
      if (stateOf(word) === SlotState.Claimed) {
        this.slots.unclaim(slot, gen, w);
        continue;
      }
      // THR-LIFE.3: the Worker died under a running thread.
      if (isLive(word) && this.slots.beginEnd(slot, gen, EndReason.Crashed)) word = this.slots.word(slot);
      if (genOf(word) !== gen || !isEnding(word)) continue;
      const reason = reasonOf(word);
      this.endOccupant(slot, gen, reason);
      if (reason === EndReason.Crashed) {
        this.trace(`crash ${slot} (worker ${w}: ${why}; slot ${slot} free)`);
        // THR-LIFE.3: a spawn_return thread's crash reaches its Future only.
        if (!this.stopping && crashIsPrinted(slot)) this.write(2, `[thread ${slot}] ThreadCrashed: ${why}\n`);
      } else {
        this.trace(`end ${slot} (${reason === EndReason.Terminated ? 'terminated' : 'exited'}; slot ${slot} free)`);
      }
    }
  }

  /**
   * THR-MSG.6: free the slot of occupant `gen` that thread 0 stopped. First every Worker that may
   * wait on it learns why (a Worker running a task; one idle now cannot have asked it anything,
   * since the thread stopped being alive before it looked); then the slot frees and watchers ring.
   */
  private endOccupant(slot: number, gen: number, reason: EndReason): void {
    if (reason !== EndReason.Exited) {
      const secret = this.slots.secretNow(slot);
      if (genOf(this.slots.word(slot)) === gen) {
        this.noteEnd(slot, secret, reason);
        this.mesh.flush();
        for (let x = 1; x < MAX_WORKERS; x++) {
          if (this.workers[x] !== undefined && this.slots.workerState(x) === WorkerState.Busy) {
            this.mesh.post(x, { t: 'ended', slot, secret, reason });
          }
        }
      }
    }
    this.slots.free(slot, gen);
    this.slots.ringAll();
  }

  // ---- THR-LIFE.2: terminate ----

  protected override terminate(vm: NativeContext, target: ThreadHandle): NativeResult {
    const f = this.terminateThread(target.id, target.secret);
    return f.state === 'pending' ? vm.suspend({ future: f, timeoutMs: null, what: `terminate ${display(target)}` }) : null;
  }

  /** Stop thread (slot, secret) now, even in an endless loop; the Future settles when its slot is free. */
  private terminateThread(slot: number, secret: number): GFuture {
    if (slot <= 0) return succeeded(null);
    for (;;) {
      // THR-SECRET.2: a stale handle names a thread that has ended: nothing to do.
      const word = this.slots.resolve(slot, secret);
      if (word === ENDED) return succeeded(null);
      const w = whoOf(word);
      const gen = genOf(word);
      if (isEnding(word)) {
        // Already ending: wait until its slot is free.
        const d = this.dying.get(w);
        if (d !== undefined) {
          const f = new GFuture('terminate');
          d.done.push(f);
          return f;
        }
        return this.vm === null ? succeeded(null) : this.join(this.vm, new ThreadHandle(slot, secret));
      }
      if (!this.slots.beginEnd(slot, gen, EndReason.Terminated)) continue; // it changed: look again
      this.trace(`terminate ${slot} (worker ${w})`);
      const worker = w > 0 ? this.workers[w] : undefined;
      if (worker === undefined) {
        // Its Worker is not started yet: nothing runs there; the task is dropped on arrival.
        this.endOccupant(slot, gen, EndReason.Terminated);
        return succeeded(null);
      }
      const f = new GFuture('terminate');
      this.dying.set(w, { done: [f] });
      this.slots.setWorkerState(w, WorkerState.Dead);
      markWorkerGone(w, true);
      // THR-LIFE.5: a Worker being stopped is busy ending (not a stuck wait) until it is gone.
      this.deadlock.setWorker(w, 'stopping');
      void worker.terminate();
      return f;
    }
  }

  // ---- control requests from Workers ----

  /** A bug in gene-ref on thread 0: the process ends at once (exit 70). */
  protected override internalError(e: unknown): never {
    return exitOnInternalError(e instanceof Error ? e.message : String(e), e instanceof Error ? e.stack : undefined, 0);
  }

  protected override onControl(m: ControlWire): void {
    switch (m.t) {
      case 'internal':
        // A bug in gene-ref in a Worker is never a Gene error of that thread: end the process.
        return exitOnInternalError(m.message, m.stack, m.slot);
      case 'link':
        return this.link(m.from, m.peer);
      case 'create':
        if (this.slots.workerState(m.w) !== WorkerState.Reserved) return;
        this.slots.setWorkerState(m.w, WorkerState.Busy);
        try {
          this.startWorker(m.w);
        } catch (e) {
          // The thread placed there can never run: it crashed.
          this.endThreadsOn(m.w, `the Worker could not start: ${e instanceof Error ? e.message : String(e)}`);
          this.slots.setWorkerState(m.w, WorkerState.Free);
          this.slots.ringAll();
        }
        return;
      case 'terminate': {
        const f = this.terminateThread(m.slot, m.secret);
        const ack = () => this.postReply({ id: m.from, secret: m.fs }, m.rid, true, { r: null });
        if (f.state === 'pending') f.onSettle.push(ack);
        else ack();
        return;
      }
      default:
        return;
    }
  }

  // ---- THR-LIFE.5: Deadlock ----

  /** THR-LIFE.5: alone (no other thread, no timer, nothing arrived), at once; else the global check. */
  override canProgress(vm: NativeContext, f: GFuture, what: string): boolean {
    const alone = !(this.slots.busySlots().length > 0 || this.slots.epoch() !== this.lastEpoch || this.timers.size > 0 || this.hasWork());
    if (!alone) return super.canProgress(vm, f, what);
    this.deadlockReport = null;
    return false;
  }

  // ---- THR-LIFE.4: the end of the program ----

  private runningNotKept(): boolean {
    for (let s = 1; s < MAX_SLOTS; s++) {
      const st = this.slots.state(s);
      if (st !== SlotState.Free && st !== SlotState.Kept) return true;
    }
    return false;
  }

  /**
   * THR-LIFE.4: wait for every spawned thread still running and not kept alive (dispatching
   * thread 0's messages and callbacks meanwhile), terminate the kept-alive ones, then stop every
   * Worker, close every port and clear every timer so the process exits by itself.
   */
  async finish(result: RunResult): Promise<void> {
    if (result.kind === 'error') {
      // THR-LIFE.4: a main body that raised fails fast: its error line is out already; every
      // other thread stops now (what they wrote is on the fd already: writes are synchronous).
      this.trace('main program failed; terminating every thread');
      await this.shutdown();
      return;
    }
    if (this.tracing) {
      const names = ['free', 'claimed', 'running', 'kept', 'exiting', 'terminating', 'crashing'];
      const desc = this.slots.busySlots().map((s) => `${s}:${names[this.slots.state(s)]}`);
      this.trace(`main program ended; waiting for threads [${desc.join(' ')}]`);
    }
    for (;;) {
      // 1. Wait for the threads still running and not kept alive (and timers with callbacks).
      await this.idleWhile(() => this.runningNotKept() || this.timerCallbacksPending());
      // 2. Terminate the kept-alive ones; a thread they spawned meanwhile is waited for next round.
      const kept = this.slots.busySlots().filter((s) => this.slots.state(s) === SlotState.Kept);
      if (kept.length === 0 && this.slots.busySlots().length === 0) break;
      for (const s of kept) this.terminateThread(s, this.slots.secretNow(s));
    }
    // 3. Nothing runs: stop the Workers, close the ports.
    await this.shutdown();
  }

  preludeUnits(): readonly CodeUnit[] {
    return compiledPrelude();
  }

  /** Thread 0's VM: `finish` drives it while it waits, so callbacks keep running. */
  bind(vm: VM): void {
    this.machine = vm;
    this.attach(vm);
  }
  private machine: VM | null = null;

  private async idleWhile(cond: () => boolean): Promise<void> {
    const vm = this.machine;
    if (vm !== null) {
      await drive(vm, { kind: 'done', value: null }, this, cond);
      return;
    }
    while (cond()) {
      this.poll(null);
      if (!cond()) break;
      await new Promise<void>((resolve) => this.waitForEvent(resolve));
    }
  }

  /** Stop every Worker and release every handle. */
  private async shutdown(): Promise<void> {
    this.stopping = true;
    const keep = setInterval(() => {}, 1 << 30);
    try {
      const exits: Promise<number>[] = [];
      for (let w = 1; w < MAX_WORKERS; w++) {
        const worker = this.workers[w];
        if (worker === undefined) continue;
        markWorkerGone(w, true);
        exits.push(worker.terminate());
      }
      await Promise.all(exits);
    } finally {
      clearInterval(keep);
    }
    this.mesh.closeAll();
    this.clearTimers();
    this.releaseWait();
  }

  /** For tests and the CLI: a spawn-free program needs no Workers. */
  get workerCount(): number {
    return this.workers.filter((w) => w !== undefined).length;
  }
}

/** THR-LIFE.3: the reason a crash line gives; the spec fixes `out of memory` for the heap limit. */
function crashReason(e: Error): string {
  if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory';
  return `the Worker hosting it died (${e.message})`;
}
