// The machine state of one thread (DESIGN §1) — value stack, explicit frame stack, handlers — and
// its calling convention. Gene calls push frames instead of recursing in JavaScript, so the VM can
// suspend at an await and resume later, and deep recursion ends in a catchable StackOverflow.
// The dispatch loop (dispatch.ts) and unwinding (unwind.ts) work on a Machine; the VM (vm.ts)
// adds the entry points hosts call.
import type { CodeUnit } from '../values/values.js';
import { GeneThrow, InternalError, geneError, kindOf, messageOf } from '../values/errors.js';
import { lookupMethod } from '../runtime/methods.js';
import { installBuiltins } from '../runtime/builtins.js';
import { GFunction, GFuture, GGenerator, GInstance, Loc, Namespace, NativeFn, NativeRequest, Value, kindName, str, type NativeResult } from '../values/values.js';
import { ActiveException, Frame, FrameMode, Handler, RunResult, Wait } from './frame.js';
import type { NativeContext, VMHost } from '../contract/host.js';
import { DEFAULT_LIMITS, type Limits } from '../contract/limits.js';
import { traceTopics } from '../contract/trace.js';
import { traceInstruction, type InstructionTracer } from './trace.js';
import type { ModuleTable } from './module-record.js';

export interface MachineOptions {
  /** Print each executed instruction and the stack on stderr (default: GENE_TRACE has `vm`). */
  readonly traceVm?: boolean;
}

export class Machine implements NativeContext {
  readonly stack: Value[];
  sp = 0;
  readonly frames: Frame[] = [];
  depth = 0; // number of live frames
  readonly handlers: Handler[] = [];
  readonly exStack: ActiveException[] = [];
  /** Builtins, shared parent of every module namespace of this VM. */
  readonly builtins = new Namespace(null);
  /** The module namespace of the running program. */
  module = new Namespace(this.builtins);
  /** Modules imported by the running thread, by absolute path (LANG-MOD.3). */
  readonly modules: ModuleTable = new Map();
  /** `$name` variables. */
  readonly dollar = new Map<string, Value>();
  /** Callbacks waiting to run at the next safepoint or while idle (one at a time). */
  readonly pendingCallbacks: { fn: Value; args: Value[] }[] = [];
  /** Number of callback frames on the frame stack (callbacks never nest). */
  callbackDepth = 0;
  /** The wait the VM is suspended on, and the ones below it (an idle callback may suspend too). */
  wait: Wait | null = null;
  /** @internal */ readonly waitStack: (Wait | null)[] = [];

  /** GENE_TRACE=vm: called before each instruction; null when tracing is off. */
  readonly tracer: InstructionTracer | null;

  constructor(
    readonly host: VMHost,
    readonly limits: Limits = DEFAULT_LIMITS,
    options: MachineOptions = {},
  ) {
    this.stack = new Array<Value>(limits.initialStackSlots).fill(null);
    this.tracer = options.traceVm ?? traceTopics().has('vm') ? traceInstruction : null;
    installBuiltins(this);
  }

  // ---- starting and resuming ----

  /** Prepare to run a compiled module as this VM's program (THR-RESET.1: a fresh module). */
  load(unit: CodeUnit, module: Namespace = new Namespace(this.builtins)): void {
    this.module = module;
    const fn = new GFunction(unit, [], module);
    this.stack[0] = fn;
    this.sp = 1;
    this.pushFrame(fn, 1, 0, FrameMode.Boundary);
    this.sp = 1 + unit.nlocals;
  }

  /**
   * THR-RESET: forget everything of the last program (frames, handlers, callbacks, waits, module
   * variables). Returns whether frames or handlers were left over: a leak to report (THR-RESET.2).
   */
  reset(): boolean {
    const leaked = this.depth !== 0 || this.handlers.length !== 0;
    this.depth = 0;
    this.handlers.length = 0;
    this.exStack.length = 0;
    this.sp = 0;
    this.pendingCallbacks.length = 0;
    this.callbackDepth = 0;
    this.wait = null;
    this.waitStack.length = 0;
    this.nativeWait = null;
    this.module = new Namespace(this.builtins);
    this.modules.clear();
    return leaked;
  }

  // ---- natives' requests ----

  /** A native asks the VM to suspend until `wait.future` settles; its result is then the Future's value. */
  suspend(wait: Wait): NativeRequest {
    return NativeRequest.suspend(wait);
  }

  /** A native asks the VM to call a Gene function; the native's result becomes `after`. */
  callThen(fn: Value, args: Value[], after: Value): NativeRequest {
    return NativeRequest.callThen(fn, args, after);
  }

  /** Queue a callback to run at the next safepoint or while idle. */
  scheduleCallback(fn: Value, args: Value[]): void {
    this.pendingCallbacks.push({ fn, args });
  }

  /** generators.md: only a VM (vm.ts) can start another VM for a generator's body. */
  generatorStep(_g: GGenerator): Value | undefined {
    throw new InternalError('generators run on a VM');
  }

  /** The module namespace of the running function (the program's module when idle). */
  currentNamespace(): Namespace {
    return this.frames[this.depth - 1]?.globals ?? this.module;
  }

  // ---- frames ----

  /** @internal */ pushFrame(fn: GFunction, base: number, retBase: number, mode: FrameMode): Frame {
    if (this.depth >= this.limits.maxCallDepth) {
      throw geneError('StackOverflow', `Stack overflow: call depth exceeded ${this.limits.maxCallDepth}`);
    }
    let f = this.frames[this.depth];
    if (f === undefined) {
      f = new Frame();
      this.frames.push(f);
    }
    this.depth++;
    const unit = fn.unit;
    f.fn = fn;
    f.unit = unit;
    f.code = unit.code;
    f.consts = unit.consts;
    f.globals = fn.globals;
    f.caches = fn.caches;
    f.pc = 0;
    f.base = base;
    f.retBase = retBase;
    f.mode = mode;
    f.after = null;
    f.handlerBase = this.handlers.length;
    return f;
  }

  /**
   * Call `callee` whose `argc` arguments sit on top of the stack (callee below them).
   * Pushes a frame for Gene functions; runs natives at once. Returns what a native asked to wait
   * for (the caller suspends: suspendForNative), or null.
   */
  /** @internal */ callValue(callee: Value, argc: number, mode: FrameMode, kw: Map<string, Value> | null = null): Wait | null {
    const sp = this.sp;
    if (callee instanceof GFunction) {
      const unit = callee.unit;
      const base = sp - argc;
      this.bindArguments(unit, base, argc, kw);
      this.pushFrame(callee, base, base - 1, mode);
      return null;
    }
    if (callee instanceof NativeFn) {
      const args = this.stack.slice(sp - argc, sp);
      this.sp = sp - argc - 1;
      return this.nativeReturned(callee.impl(args, kw), mode);
    }
    if (callee instanceof GInstance) {
      // classes.md#callable: calling an instance calls its `call` method.
      const call = callee.cls.findMethod('call');
      if (call !== undefined) {
        const receiverSlot = sp - argc - 1;
        this.bindArguments(call.unit, receiverSlot, argc + 1, kw);
        this.pushFrame(call, receiverSlot, receiverSlot, mode);
        return null;
      }
    }
    throw geneError('TypeError', `Cannot call a value of type ${kindName(callee)}: it is not a function`);
  }

  /** gene-core §3.6: bind positional, rest and keyword arguments; missing optionals are undefined. */
  /** @internal */ bindArguments(unit: CodeUnit, base: number, argc: number, kw: Map<string, Value> | null): void {
    const stack = this.stack;
    const { nparams, nrequired, restSlot } = unit;
    if (argc < nrequired || (argc > nparams && restSlot < 0)) {
      throw geneError('ArgumentError', arityMessage(unit, argc));
    }
    let top = base + argc;
    if (argc > nparams) {
      const rest = stack.slice(base + nparams, top);
      top = base + nparams;
      stack[top] = rest as Value; // restSlot === nparams
      top++;
    } else {
      for (; top < base + nparams; top++) stack[top] = undefined as unknown as Value;
      if (restSlot >= 0) stack[top++] = [];
    }
    for (const p of unit.kwParams) {
      const v = kw?.get(p.name);
      if (v === undefined && p.required) throw geneError('ArgumentError', `Missing keyword argument: ${p.name}`);
      stack[base + p.slot] = v === undefined ? (undefined as unknown as Value) : v;
    }
    top = Math.max(top, base + (unit.kwParams.length ? unit.kwParams[unit.kwParams.length - 1]!.slot + 1 : 0));
    const end = base + unit.nlocals;
    for (; top < end; top++) stack[top] = null;
    this.sp = end;
  }

  /** A native returned: push its value, or act on its request (NativeRequest). */
  private nativeReturned(r: NativeResult, mode: FrameMode): Wait | null {
    if (!(r instanceof NativeRequest)) {
      if (mode === FrameMode.Normal) this.stack[this.sp++] = r;
      return null;
    }
    if (r.wait !== null) return r.wait;
    // A Gene call made for the native (e.g. `.on_success` of a settled Future): its result is
    // replaced by `after` when it returns.
    const { fn, args, after } = r.call!;
    const base = this.sp;
    this.stack[this.sp++] = fn;
    for (const a of args) this.stack[this.sp++] = a;
    const wait = this.callValue(fn, args.length, FrameMode.Replace);
    const top = this.frames[this.depth - 1]!;
    if (top.mode === FrameMode.Replace) {
      top.after = after;
      top.retBase = base;
    }
    return wait;
  }

  /** A native asked to suspend: on resume, its result is the Future's value (or its failure is thrown). */
  /** @internal */ suspendForNative(wait: Wait): RunResult {
    this.nativeWait = wait.future;
    this.wait = wait;
    return { kind: 'suspended', wait };
  }
  /** @internal */ nativeWait: GFuture | null = null;

  /** Like callValue, for a method of the receiver below the arguments. */
  /** @internal */ callMethod(name: string, argc: number, kw: Map<string, Value> | null): Wait | null {
    const sp = this.sp;
    const receiver = this.stack[sp - argc - 1]!;
    const method = lookupMethod(this, receiver, name);
    if (method instanceof GFunction) {
      // Prelude methods take the receiver as their first parameter.
      const base = sp - argc - 1;
      this.bindArguments(method.unit, base, argc + 1, kw);
      this.pushFrame(method, base, base, FrameMode.Normal);
      return null;
    }
    const args = this.stack.slice(sp - argc, sp);
    this.sp = sp - argc - 1;
    return this.nativeReturned(method(receiver, args, kw), FrameMode.Normal);
  }

  /**
   * Before the dispatch loop resumes a native's wait: push the settled Future's value as the
   * native's result, or return its failure to throw at the waiting instruction.
   */
  /** @internal */ takeNativeResult(): GeneThrow | null {
    const f = this.nativeWait;
    if (f === null) return null;
    this.nativeWait = null;
    if (f.state === 'failure') {
      f.observed = true;
      return new GeneThrow(f.value);
    }
    this.stack[this.sp++] = f.value;
    return null;
  }

  // ---- safepoints and callbacks ----

  /** THR-CHAN.2: deliver mail and run queued callbacks, never inside another callback. */
  /** @internal */ safepoint(): void {
    if (this.callbackDepth > 0) return this.host.postSent();
    this.host.safepoint(this);
    const cb = this.pendingCallbacks.shift();
    if (cb === undefined) return;
    const base = this.sp;
    this.stack[this.sp++] = cb.fn;
    for (const a of cb.args) this.stack[this.sp++] = a;
    this.callbackDepth++;
    // A callback runs to its end: a native callback cannot suspend a safepoint (its request is dropped).
    this.callValue(cb.fn, cb.args.length, FrameMode.Discard);
    const top = this.frames[this.depth - 1]!;
    if (top.mode === FrameMode.Discard) top.retBase = base;
    else this.callbackDepth--; // a native callback ran at once
  }

  /**
   * A frame that is not an ordinary call returned (its frame is already popped): a safepoint
   * callback (result dropped), a Gene call made by a native (result replaced), or the bottom of a
   * host-started run (control goes back to the host: the RunResult). Sets `sp` otherwise.
   */
  /** @internal */ returnedFromCallback(done: Frame, result: Value): RunResult | null {
    this.sp = done.retBase;
    if (done.mode === FrameMode.Discard) this.callbackDepth--;
    else if (done.mode === FrameMode.Replace) this.stack[this.sp++] = done.after;
    else return this.boundaryReturned(result);
    return null;
  }

  /** The bottom frame of a host-started run returned. */
  /** @internal */ boundaryReturned(result: Value): RunResult {
    if (this.waitStack.length > 0 && this.depth > 0) {
      // An idle callback finished: back to waiting for what the program waited on.
      this.callbackDepth--;
      this.wait = this.waitStack.pop()!;
      if (this.wait === null) return { kind: 'done', value: result };
      return { kind: 'suspended', wait: this.wait };
    }
    if (this.waitStack.length > 0) {
      this.callbackDepth--;
      this.waitStack.pop();
    }
    return { kind: 'done', value: result };
  }

  // ---- exceptions (unwind.ts) ----

  /** Where the exception being unwound was first thrown (kept by EnterCatch for Rethrow). */
  lastThrowLoc: Loc | undefined;
  /** The Gene stack where it was thrown (THR-ERR.1: a reply callback's error carries it). */
  lastThrowTrace = '';

  /** THR-ERR.2's line, also used for an error escaping a callback: `[thread N] Kind: message`. */
  reportCallbackError(value: Value): void {
    this.host.write(2, `[thread ${this.host.threadId}] ${kindOf(value)}: ${messageOf(value)}\n`);
  }

  /** @internal */ undefinedVariable(name: string): GeneThrow {
    const hint = this.host.threadId !== 0
      ? ' (a thread sees only the variables captured when it was spawned or passed in ^args)'
      : '';
    return geneError('UndefinedVariable', `Undefined variable: ${name}${hint}`, { name: str(name) });
  }
}

/** `Expected 2 arguments, got 1`; with a rest parameter `Expected at least 1 argument, got 0`. */
function arityMessage(unit: CodeUnit, argc: number): string {
  const { nparams, nrequired, restSlot } = unit;
  const want = restSlot >= 0 ? `at least ${nrequired}` : nrequired === nparams ? `${nparams}` : `${nrequired} to ${nparams}`;
  const plural = restSlot < 0 && nparams === 1 && nrequired === 1 ? 'argument' : restSlot >= 0 && nrequired === 1 ? 'argument' : 'arguments';
  const who = unit.name.startsWith('<') ? '' : ` (${unit.name})`;
  return `Expected ${want} ${plural}, got ${argc}${who}`;
}
