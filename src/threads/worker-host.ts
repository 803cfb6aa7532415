// The host of one OS Worker: runs one thread (task) after another in the same VM (THR-POOL.5),
// resetting it in between (THR-RESET), and reports each thread's result or error (THR-ERR).
import type { NativeContext } from '../contract/host.js';
import { kindOf, messageOf } from '../values/errors.js';
import { type CodeUnit, type NativeResult, GFuture, Namespace, ThreadHandle } from '../values/values.js';
import { display } from '../values/print.js';
import { drive } from '../hosts/driver.js';
import type { RunResult } from '../vm/frame.js';
import { VM } from '../vm/vm.js';
import { Decoder, decodeUnit, encode, type EncUnit, type Encoded } from './codec.js';
import { useOutputLock } from './output.js';
import { errorValueOf } from './remote-errors.js';
import type { CodeCacheUse, ControlWire, MsgWire, TaskSpec, Who, WorkerBoot } from './wire.js';
import { SlotTable } from './protocol/table.js';
import { EndReason, WorkerState, genOf, isLive, whoOf } from './protocol/words.js';
import { ThreadHost } from './thread-host.js';

const NO_THREAD = new ThreadHandle(-1, -1);

export class WorkerHost extends ThreadHost {
  private readonly tasks: TaskSpec[] = [];
  /**
   * Messages for a thread placed on this Worker whose task has not arrived yet. Bounded: only for
   * the slot placed here (checked on arrival), each message counted against that slot's mailbox
   * (at most --channel-capacity, THR-CHAN.1); the entry goes when the task starts or is dropped.
   */
  private readonly early = new Map<number, MsgWire[]>();
  /** This Worker's VM, reused task after task (the inherited `vm` is the same VM as a NativeContext). */
  private readonly machine: VM;
  private readonly prelude: readonly CodeUnit[];
  /** Run once, when the first thread's body has run (worker-boot.cts writes the code cache then). */
  private afterFirstRun: (() => void) | undefined;
  preludeUnits(): readonly CodeUnit[] {
    return this.prelude;
  }

  /** THR-ISO.1: this Worker's VM is its own: nothing mutable in it is shared with another thread. */
  constructor(boot: WorkerBoot) {
    super(new SlotTable(boot.sab, boot.limits.maxThreads), boot.index, boot.limits, boot.trace, undefined, boot.deadlock);
    useOutputLock(boot.output, boot.index);
    this.slot = -1;
    this.secret = -1;
    this.handle = NO_THREAD;
    this.mesh.install(0, this.slots.gen(0), boot.control);
    this.machine = new VM(this, this.limits);
    this.prelude = boot.prelude.map((u) => decodeUnit(u, this.machine.builtins));
    this.vm = this.machine;
  }

  /** Serve tasks until thread 0 stops this Worker (or ends the process after an internal error). */
  async main(warmUp: EncUnit, afterFirstRun?: () => void): Promise<void> {
    this.afterFirstRun = afterFirstRun;
    await this.warmUp(warmUp);
    for (;;) {
      const task = await this.nextTask();
      try {
        await this.runTask(task);
      } catch (e) {
        // Not a Gene error (runTask turns those into the thread's error): a bug in gene-ref.
        this.internalError(e);
        // Stay until thread 0 ends the process: a Worker whose loop empties would exit first.
        setInterval(() => {}, 1 << 30);
        await new Promise<never>(() => {});
      }
    }
  }

  /** GENE_TRACE=threads: whether this Worker compiled its code from V8's code cache (worker-boot.cts). */
  startedWith(codeCache: CodeCacheUse): void {
    if (this.tracing) this.trace(`worker ${this.index} code cache: ${codeCache}`);
  }

  /**
   * A bug in gene-ref on this Worker: thread 0 ends the process with status 70 when it reads
   * this (the thread's joiners never see an error value they could catch).
   */
  protected override internalError(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    this.mesh.send(0, { t: 'internal', slot: this.slot, message: err.message, stack: err.stack ?? '' });
    this.mesh.flush();
  }

  /**
   * THR-PERF terminate then respawn: run a small body once before the first task, so that task
   * does not pay V8's lazy compilation of the VM, the codec and the driver (hosts/prelude.ts).
   * Nothing of it stays: its module is dropped and the VM is reset (THR-RESET.1).
   */
  private async warmUp(unit: EncUnit): Promise<void> {
    const vm = this.machine;
    try {
      vm.load(decodeUnit(unit, vm.builtins), new Namespace(vm.builtins));
      const r = await drive(vm, vm.run(), this);
      if (r.kind === 'done') {
        const e = encode(r.value, 'result', vm.builtins);
        new Decoder(vm.builtins, e.t).value(e.r);
      }
    } catch {
      // Only a warm-up: whatever failed here fails again, and is reported, in the task that meets it.
    }
    vm.resetAfterTask();
  }

  private async nextTask(): Promise<TaskSpec> {
    for (;;) {
      this.poll(null);
      const t = this.tasks.shift();
      if (t !== undefined) return t;
      await new Promise<void>((resolve) => this.waitForEvent(resolve));
    }
  }

  protected override onTask(task: TaskSpec): void {
    this.tasks.push(task);
  }

  protected override onControl(_m: ControlWire): void {}

  /** A message for a thread not running here: keep it if its task is on the way, else refuse it. */
  protected override strayMessage(m: MsgWire): void {
    const [, to, ts] = m;
    const word = this.slots.resolve(to, ts);
    if (isLive(word) && whoOf(word) === this.index) {
      let q = this.early.get(to);
      if (q === undefined) this.early.set(to, (q = []));
      q.push(m);
      return;
    }
    super.strayMessage(m);
  }

  /** THR-RESET.1: run one thread from a clean VM to its end (THR-SPAWN.1), reporting its result or error (THR-ERR.2). */
  private async runTask(task: TaskSpec): Promise<void> {
    const vm = this.machine;
    // A thread terminated before its task arrived: nothing to run.
    const word = this.slots.resolve(task.slot, task.secret);
    if (!isLive(word) || genOf(word) !== task.gen) {
      this.rejectEarly(task.slot);
      this.becomeIdle();
      return;
    }
    if (this.tracing) this.trace(`start ${task.slot} on worker ${this.index}`);
    // 1. This Worker is now thread `slot`.
    this.slot = task.slot;
    this.secret = task.secret;
    this.gen = task.gen;
    this.handle = new ThreadHandle(task.slot, task.secret);
    vm.resetForTask(this.handle);
    this.box = this.mailbox(vm);
    this.keep = false;
    // 2. THR-RESET.1: a fresh module holding the copies of what the body captured.
    const ns = new Namespace(vm.builtins);
    let result: RunResult;
    try {
      const dec = new Decoder(vm.builtins, task.tables, ns);
      task.names.forEach((name, i) => ns.define(name, dec.value(task.values[i] ?? null)));
      const early = this.early.get(task.slot) ?? [];
      this.early.delete(task.slot);
      for (const m of early) this.onWire(m);
      vm.load(dec.units[task.body]!, ns);
      result = await drive(vm, vm.run(), this, () => this.keep || this.timerCallbacksPending());
    } catch (e) {
      result = {
        kind: 'error',
        value: errorValueOf(e),
        trace: '',
      };
    }
    this.afterFirstRun?.();
    this.afterFirstRun = undefined;
    // 3. The result goes out before the slot frees (THR-POOL.4).
    if (task.returnsFuture) {
      let v: Encoded;
      let ok = result.kind === 'done';
      if (result.kind === 'done') {
        try {
          v = encode(result.value, 'result', vm.builtins);
        } catch (e) {
          // THR-SPAWN.5: an unsendable result fails the Future with NotSendable.
          ok = false;
          v = this.remoteError(errorValueOf(e), '');
        }
      } else {
        v = this.remoteError(result.kind === 'error' ? result.value : null, traceText(result));
      }
      const to: Who = { id: task.replyTo.id, secret: task.replyTo.secret };
      this.postReply(to, task.replyTo.rid, ok, v);
    } else if (result.kind === 'error') {
      // THR-ERR.2
      this.write(2, `[thread ${task.slot}] ${kindOf(result.value)}: ${messageOf(result.value)}\n`);
    }
    this.failOwedRequests();
    this.resetVm(vm);
    // 4. THR-POOL.3: free the slot, unless thread 0 is stopping this thread (then wait for it).
    if (!this.slots.beginEnd(task.slot, task.gen, EndReason.Exited)) {
      this.slot = -1;
      await new Promise<never>(() => {});
    }
    this.rejectEarly(task.slot);
    // Everything this thread sent (its result, failed requests) is posted before it ends.
    this.mesh.flush();
    // Idle before the slot frees: whoever sees the slot free (a joiner about to spawn again)
    // also finds this Worker ready for the next task (THR-POOL.5).
    if (this.tracing) this.trace(`end ${task.slot} (exited; slot ${task.slot} free)`);
    this.becomeIdle();
    this.slots.free(task.slot, task.gen);
    this.slots.ringAll();
  }

  private becomeIdle(): void {
    this.slot = -1;
    this.secret = -1;
    this.handle = NO_THREAD;
    this.box = null;
    this.slots.casWorkerState(this.index, WorkerState.Busy, WorkerState.Idle);
  }

  private rejectEarly(slot: number): void {
    const q = this.early.get(slot);
    this.early.delete(slot);
    for (const m of q ?? []) super.strayMessage(m);
  }

  /** THR-RESET.2: after a task the VM's stacks must be empty; a leak is reported and cleared. */
  private resetVm(vm: VM): void {
    this.clearTimers();
    this.pending.clear();
    this.joins = [];
    this.unwatchIfIdle();
    const leak = vm.resetAfterTask();
    if (leak !== null) this.write(2, `[thread ${this.slot}] InternalError: VM state leaked after the task (${leak}); cleared\n`);
  }

  protected override startWorkerFor(): number {
    const w = this.slots.reserveWorkerIndex(WorkerState.Reserved);
    if (w >= 0) this.mesh.send(0, { t: 'create', w });
    return w;
  }

  /** THR-LIFE.2 from a Worker: thread 0 stops it; this thread waits until it has. */
  protected override terminate(vm: NativeContext, target: ThreadHandle): NativeResult {
    const rid = this.rid();
    const f = new GFuture('terminate');
    this.pending.set(rid, { future: f, target: null });
    this.mesh.send(0, { t: 'terminate', slot: target.id, secret: target.secret, from: this.slot, fs: this.secret, rid });
    return vm.suspend({ future: f, timeoutMs: null, what: `terminate ${display(target)}` });
  }
}

function traceText(r: RunResult): string {
  return r.kind === 'error' ? r.trace : '';
}
