// The VM (DESIGN §1): a Machine plus the entry points a host calls to start, resume and reset
// it. Everything else a host may do with a VM is a method here, never a field write.
import { GeneThrow } from '../values/errors.js';
import type { GFunction, GGenerator, ThreadHandle, Value } from '../values/values.js';
import { stepGenerator } from './generators.js';
import { execute } from './dispatch.js';
import { FrameMode, type RunResult } from './frame.js';
import { Machine } from './machine.js';

export class VM extends Machine {
  /** Run until the program ends, fails, or suspends. */
  run(): RunResult {
    this.wait = null;
    return this.execute();
  }

  /** Resume after the awaited Future settled: the waiting instruction runs again. */
  resume(): RunResult {
    this.wait = null;
    return this.execute();
  }

  /** Resume by throwing into the waiting code (a timeout, a deadlock). */
  resumeThrow(err: GeneThrow): RunResult {
    this.wait = null;
    return execute(this, err);
  }

  /**
   * Run a callback while the VM is suspended or finished (THR-CHAN.2: callbacks run at
   * safepoints or while idle, one at a time). Returns when the callback ends or suspends.
   */
  runCallbackNow(fn: Value, args: Value[]): RunResult {
    this.waitStack.push(this.wait);
    this.wait = null;
    this.stack[this.sp++] = fn;
    for (const a of args) this.stack[this.sp++] = a;
    this.callbackDepth++;
    // A native callback runs at once; like at a safepoint, it cannot suspend the VM.
    this.callValue(fn, args.length, FrameMode.Boundary);
    return this.execute();
  }

  /**
   * THR-RESET.1: make this VM ready for a new thread on a reused Worker: the special variables as
   * they were when the VM was made, with `$thread` (and `thread`) naming `self`.
   */
  resetForTask(self: ThreadHandle): void {
    if (this.initialDollar === null) this.initialDollar = new Map(this.dollar);
    this.dollar.clear();
    for (const [k, v] of this.initialDollar) this.dollar.set(k, v);
    this.dollar.set('thread', self);
    this.builtins.define('thread', self);
  }
  private initialDollar: Map<string, Value> | null = null;

  /** THR-RESET.2: forget the task that ended; what it left over (a leak to report), or null. */
  resetAfterTask(): string | null {
    const frames = this.depth;
    const handlers = this.handlers.length;
    return this.reset() ? `frames ${frames}, handlers ${handlers}` : null;
  }

  /** Run a function of no arguments as this VM's program (a generator's body, LANG-GEN.2). */
  runFunction(fn: GFunction): RunResult {
    this.stack[0] = fn;
    this.sp = 1;
    this.pushFrame(fn, 1, 0, FrameMode.Boundary);
    this.sp = 1 + fn.unit.nlocals;
    return this.run();
  }

  /** generators.md: run `g`'s body, on a VM of its own, to its next yield (LANG-GEN.2). */
  override generatorStep(g: GGenerator): Value | undefined {
    return stepGenerator(g, () => new VM(this.host, this.limits));
  }

  private execute(): RunResult {
    return execute(this, null);
  }
}
