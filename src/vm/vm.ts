// The VM (DESIGN §1): one dispatch loop over an explicit frame stack. Gene calls push frames
// instead of recursing in JavaScript, so the VM can suspend at an await and resume later, and
// deep recursion ends in a catchable StackOverflow.
import { Op } from '../compiler/opcodes.js';
import type { CodeUnit, KeyList, SpawnSpec } from '../compiler/unit.js';
import { GeneThrow, formatLoc, geneError, kindOf, messageOf } from '../runtime/errors.js';
import { lookupMethod } from '../runtime/methods.js';
import { installBuiltins } from '../runtime/builtins.js';
import {
  Cell, GChar, GClass, GFloat, GFunction, GFuture, GGene, GInstance, GMap, GRange, GString, INT_MAX, INT_MIN,
  Loc, Namespace, NativeFn, ThreadHandle, VOID, Value, display, equals, kindName, repr, str, truthy,
} from '../runtime/values.js';
import { settleFuture } from '../runtime/futures.js';
import * as A from './access.js';
import * as X from './arith.js';
import { ActiveException, Frame, FrameMode, Handler, RunResult, Wait } from './frame.js';
import { DEFAULT_LIMITS, Limits, VMHost } from './host.js';
import { classOfValue } from '../runtime/classes.js';

export class VM {
  readonly stack: Value[] = new Array<Value>(4096).fill(null);
  sp = 0;
  readonly frames: Frame[] = [];
  depth = 0; // number of live frames
  readonly handlers: Handler[] = [];
  readonly exStack: ActiveException[] = [];
  /** Builtins, shared parent of every module namespace of this VM. */
  readonly builtins = new Namespace(null);
  /** The module namespace of the running program. */
  module = new Namespace(this.builtins);
  /** `$name` variables. */
  readonly dollar = new Map<string, Value>();
  /** Callbacks waiting to run at the next safepoint or while idle (one at a time). */
  readonly pendingCallbacks: { fn: Value; args: Value[] }[] = [];
  /** Number of callback frames on the frame stack (callbacks never nest). */
  callbackDepth = 0;
  /** Set by a native that must suspend the VM. */
  private pendingWait: Wait | null = null;
  /** Set by a native that wants a Gene function called: its result is replaced by `after`. */
  private pendingCall: { fn: Value; args: Value[]; after: Value } | null = null;
  /** The wait the VM is suspended on, and the ones below it (an idle callback may suspend too). */
  wait: Wait | null = null;
  private readonly waitStack: (Wait | null)[] = [];

  constructor(
    readonly host: VMHost,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
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
    this.pendingWait = null;
    this.pendingCall = null;
    this.nativeWait = null;
    this.pendingThrow = null;
    this.module = new Namespace(this.builtins);
    return leaked;
  }

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
    this.pendingThrow = err;
    return this.execute();
  }
  private pendingThrow: GeneThrow | null = null;

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
    this.callValue(fn, args.length, FrameMode.Boundary);
    return this.execute();
  }

  get idle(): boolean {
    return this.depth === 0 || this.wait !== null;
  }

  // ---- natives' requests ----

  /** A native asks the VM to suspend until `wait.future` settles; its result is then the Future's value. */
  suspend(wait: Wait): Value {
    this.pendingWait = wait;
    return null;
  }

  /** A native asks the VM to call a Gene function; the native's result becomes `after`. */
  callThen(fn: Value, args: Value[], after: Value): Value {
    this.pendingCall = { fn, args, after };
    return after;
  }

  /** Queue a callback to run at the next safepoint or while idle. */
  scheduleCallback(fn: Value, args: Value[]): void {
    this.pendingCallbacks.push({ fn, args });
  }

  // ---- frames ----

  private pushFrame(fn: GFunction, base: number, retBase: number, mode: FrameMode): Frame {
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
   * Pushes a frame for Gene functions; runs natives at once.
   */
  private callValue(callee: Value, argc: number, mode: FrameMode, kw: Map<string, Value> | null = null): void {
    const sp = this.sp;
    if (callee instanceof GFunction) {
      const unit = callee.unit;
      const base = sp - argc;
      this.bindArguments(unit, base, argc, kw);
      this.pushFrame(callee, base, base - 1, mode);
      return;
    }
    if (callee instanceof NativeFn) {
      const args = this.stack.slice(sp - argc, sp);
      this.sp = sp - argc - 1;
      const r = callee.impl(args, kw);
      this.afterNative(r, mode);
      return;
    }
    throw geneError('TypeError', `Cannot call a value of type ${kindName(callee)}: it is not a function`);
  }

  /** gene-core §3.6: bind positional, rest and keyword arguments; missing optionals are undefined. */
  private bindArguments(unit: CodeUnit, base: number, argc: number, kw: Map<string, Value> | null): void {
    const stack = this.stack;
    const { nparams, nrequired, restSlot } = unit;
    if (argc < nrequired || (argc > nparams && restSlot < 0)) {
      throw geneError('ArgumentError', `Expected ${nrequired === nparams ? nparams : `${nrequired} to ${nparams}`} arguments, got ${argc}`);
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

  private afterNative(r: Value, mode: FrameMode): void {
    if (this.pendingWait !== null) return; // the caller handles suspension
    if (this.pendingCall !== null) {
      const { fn, args, after } = this.pendingCall;
      this.pendingCall = null;
      const base = this.sp;
      this.stack[this.sp++] = fn;
      for (const a of args) this.stack[this.sp++] = a;
      this.callValue(fn, args.length, FrameMode.Replace);
      const top = this.frames[this.depth - 1]!;
      if (top.mode === FrameMode.Replace) {
        top.after = after;
        top.retBase = base;
      }
      return;
    }
    if (mode === FrameMode.Normal) this.stack[this.sp++] = r;
  }

  // ---- the dispatch loop ----

  private execute(): RunResult {
    const stack = this.stack;
    let frame = this.frames[this.depth - 1]!;
    let code = frame.code;
    let consts = frame.consts;
    let base = frame.base;
    let pc = frame.pc;
    let sp = this.sp;
    let ip = pc;
    // THR-CHAN.2: a real mailbox check every `interval` safepoints, counted in a local.
    const interval = this.limits.safepointInterval;
    let budget = interval;
    if (this.nativeWait !== null) {
      const f = this.nativeWait;
      this.nativeWait = null;
      if (f.state === 'failure') {
        f.observed = true;
        this.pendingThrow = new GeneThrow(f.value);
      } else stack[sp++] = f.value;
    }
    if (this.pendingThrow !== null) {
      const t = this.pendingThrow;
      this.pendingThrow = null;
      ip = pc;
      // Thrown at the waiting instruction.
      const r = this.unwind(t, frame, ip);
      if (r !== null) return r;
      frame = this.frames[this.depth - 1]!;
      ({ code, consts, base, pc } = frame);
      sp = this.sp;
    }
    for (;;) {
      try {
        for (;;) {
          ip = pc;
          switch (code[pc++]) {
            case Op.Const:
              stack[sp++] = consts[code[pc++]!] as Value;
              break;
            case Op.Str:
              stack[sp++] = new GString((consts[code[pc++]!] as GString).s);
              break;
            case Op.Int:
              stack[sp++] = code[pc++]!;
              break;
            case Op.Nil:
              stack[sp++] = null;
              break;
            case Op.True:
              stack[sp++] = true;
              break;
            case Op.False:
              stack[sp++] = false;
              break;
            case Op.Pop:
              sp--;
              break;
            case Op.PopN:
              sp -= code[pc++]!;
              break;
            case Op.Dup:
              stack[sp] = stack[sp - 1]!;
              sp++;
              break;
            case Op.Swap: {
              const t = stack[sp - 1]!;
              stack[sp - 1] = stack[sp - 2]!;
              stack[sp - 2] = t;
              break;
            }
            case Op.Over:
              stack[sp] = stack[sp - 2]!;
              sp++;
              break;

            // ---- variables ----
            case Op.LoadLocal:
              stack[sp++] = stack[base + code[pc++]!]!;
              break;
            case Op.StoreLocal:
              stack[base + code[pc++]!] = stack[sp - 1]!;
              break;
            case Op.NewCell:
              stack[base + code[pc++]!] = new Cell(null) as unknown as Value;
              break;
            case Op.LoadCell:
              stack[sp++] = (stack[base + code[pc++]!] as unknown as Cell).v;
              break;
            case Op.StoreCell:
              (stack[base + code[pc++]!] as unknown as Cell).v = stack[sp - 1]!;
              break;
            case Op.LoadUpval:
              stack[sp++] = frame.fn.cells[code[pc++]!]!.v;
              break;
            case Op.StoreUpval:
              frame.fn.cells[code[pc++]!]!.v = stack[sp - 1]!;
              break;
            case Op.LoadGlobal: {
              const k = code[pc++]!;
              const unit = frame.unit;
              let cache = unit.globalCache;
              const ns = frame.globals;
              if (cache === undefined || unit.globalCacheVersion !== ns.version) {
                cache = unit.globalCache = new Array(unit.names.length);
                unit.globalCacheVersion = ns.version;
              }
              let cell = cache[k];
              if (cell === undefined) {
                cell = ns.lookup(unit.names[k]!);
                if (cell === undefined) throw this.undefinedVariable(unit.names[k]!);
                cache[k] = cell;
              }
              stack[sp++] = cell.v;
              break;
            }
            case Op.LoadGlobalOpt:
              stack[sp++] = frame.globals.lookup(frame.unit.names[code[pc++]!]!)?.v ?? VOID;
              break;
            case Op.StoreGlobal: {
              const k = code[pc++]!;
              const unit = frame.unit;
              const ns = frame.globals;
              let cache = unit.storeCache;
              if (cache === undefined) cache = unit.storeCache = new Array(unit.names.length);
              let cell = cache[k];
              if (cell === undefined) {
                // Assign the nearest binding, else create it in this namespace (gene-core §3.2).
                cell = ns.cells.get(unit.names[k]!) ?? ns.define(unit.names[k]!, null);
                cache[k] = cell;
              }
              cell.v = stack[sp - 1]!;
              break;
            }
            case Op.DefineGlobal: {
              const k = code[pc++]!;
              const unit = frame.unit;
              let cache = unit.storeCache;
              if (cache === undefined) cache = unit.storeCache = new Array(unit.names.length);
              let cell = cache[k];
              if (cell === undefined) cell = cache[k] = frame.globals.define(unit.names[k]!, stack[sp - 1]!);
              else cell.v = stack[sp - 1]!;
              break;
            }
            case Op.LoadDollar: {
              const name = frame.unit.names[code[pc++]!]!;
              const v = this.dollar.get(name);
              stack[sp++] = v === undefined ? VOID : v;
              break;
            }
            case Op.StoreDollar:
              this.dollar.set(frame.unit.names[code[pc++]!]!, stack[sp - 1]!);
              break;
            case Op.LoadEx: {
              const ex = this.exStack[this.exStack.length - 1];
              stack[sp++] = ex === undefined ? null : ex.value;
              break;
            }

            // ---- control flow ----
            case Op.Jump:
              pc = code[pc]!;
              break;
            case Op.JumpIfFalse: {
              const v = stack[--sp]!;
              if (v === false || v === null || v === VOID) pc = code[pc]!;
              else pc++;
              break;
            }
            case Op.JumpIfTrue: {
              const v = stack[--sp]!;
              if (v === false || v === null || v === VOID) pc++;
              else pc = code[pc]!;
              break;
            }
            case Op.AndJump:
              if (truthy(stack[sp - 1]!)) {
                sp--;
                pc++;
              } else pc = code[pc]!;
              break;
            case Op.OrJump:
              if (truthy(stack[sp - 1]!)) pc = code[pc]!;
              else {
                sp--;
                pc++;
              }
              break;
            case Op.Loop:
              pc = code[pc]!;
            // falls through: a back-edge is a safepoint
            case Op.CheckChannel:
              if (--budget <= 0) {
                budget = interval;
                if (this.pendingCallbacks.length > 0 || this.host.hasWork()) {
                  frame.pc = pc;
                  this.sp = sp;
                  this.safepoint();
                  frame = this.frames[this.depth - 1]!;
                  ({ code, consts, base, pc } = frame);
                  sp = this.sp;
                }
              }
              break;
            case Op.IterInit:
              stack[sp - 1] = A.makeIterator(stack[sp - 1]!) as unknown as Value;
              break;
            case Op.IterNext: {
              const it = stack[sp - 1] as unknown as A.GeneIterator;
              if (it.next()) {
                stack[sp++] = A.iteratorElement(it);
                pc++;
              } else {
                sp--;
                pc = code[pc]!;
              }
              break;
            }
            case Op.IterNext2: {
              const it = stack[sp - 1] as unknown as A.GeneIterator;
              if (it.next()) {
                stack[sp++] = it.key;
                stack[sp++] = it.value;
                pc++;
              } else {
                sp--;
                pc = code[pc]!;
              }
              break;
            }
            case Op.Return: {
              const result = stack[sp - 1]!;
              const done = frame;
              this.depth--;
              this.handlers.length = done.handlerBase;
              const mode = done.mode;
              if (mode === FrameMode.Normal) {
                sp = done.retBase;
                stack[sp++] = result;
              } else if (mode === FrameMode.Discard) {
                sp = done.retBase;
                this.callbackDepth--;
              } else if (mode === FrameMode.Replace) {
                sp = done.retBase;
                stack[sp++] = done.after;
              } else {
                this.sp = done.retBase;
                return this.boundaryReturned(result);
              }
              frame = this.frames[this.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              break;
            }

            // ---- calls ----
            case Op.Call: {
              const argc = code[pc++]!;
              const callee = stack[sp - argc - 1]!;
              frame.pc = pc;
              if (callee instanceof GFunction) {
                const unit = callee.unit;
                if (argc === unit.fastArity) {
                  // Fast path: exact positional arity.
                  const newBase = sp - argc;
                  const end = newBase + unit.nlocals;
                  for (let i = sp; i < end; i++) stack[i] = null;
                  frame = this.pushFrame(callee, newBase, newBase - 1, FrameMode.Normal);
                  sp = end;
                  code = frame.code;
                  consts = frame.consts;
                  base = newBase;
                  pc = 0;
                  // The entry safepoint, done here to save a dispatch per call (THR-CHAN.3).
                  if (code[0] === Op.CheckChannel) {
                    pc = 1;
                    if (--budget <= 0) {
                      budget = interval;
                      if (this.pendingCallbacks.length > 0 || this.host.hasWork()) {
                        frame.pc = pc;
                        this.sp = sp;
                        this.safepoint();
                        frame = this.frames[this.depth - 1]!;
                        ({ code, consts, base, pc } = frame);
                        sp = this.sp;
                      }
                    }
                  }
                  break;
                }
              }
              this.sp = sp;
              this.callValue(callee, argc, FrameMode.Normal);
              if (this.pendingWait !== null) return this.suspendAt();
              frame = this.frames[this.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              sp = this.sp;
              break;
            }
            case Op.CallArgs: {
              const kw = stack[--sp] as GMap | null;
              const args = stack[--sp] as Value[];
              const callee = stack[sp - 1]!;
              for (const a of args) stack[sp++] = a;
              frame.pc = pc;
              this.sp = sp;
              this.callValue(callee, args.length, FrameMode.Normal, kw?.entries ?? null);
              if (this.pendingWait !== null) return this.suspendAt();
              frame = this.frames[this.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              sp = this.sp;
              break;
            }
            case Op.CallMethod: {
              const name = frame.unit.names[code[pc++]!]!;
              const argc = code[pc++]!;
              frame.pc = pc;
              this.sp = sp;
              this.callMethod(name, argc, null);
              if (this.pendingWait !== null) return this.suspendAt();
              frame = this.frames[this.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              sp = this.sp;
              break;
            }
            case Op.CallMethodArgs: {
              const name = frame.unit.names[code[pc++]!]!;
              const kw = stack[--sp] as GMap | null;
              const args = stack[--sp] as Value[];
              for (const a of args) stack[sp++] = a;
              frame.pc = pc;
              this.sp = sp;
              this.callMethod(name, args.length, kw?.entries ?? null);
              if (this.pendingWait !== null) return this.suspendAt();
              frame = this.frames[this.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              sp = this.sp;
              break;
            }
            case Op.Closure: {
              const unit = consts[code[pc++]!] as CodeUnit;
              const cells = unit.captures.map((c) =>
                c.fromLocal ? (stack[base + c.index] as unknown as Cell) : frame.fn.cells[c.index]!,
              );
              stack[sp++] = new GFunction(unit, cells, frame.globals);
              break;
            }
            case Op.BindDefault: {
              const slotValue = stack[base + code[pc++]!] as unknown;
              const v = slotValue instanceof Cell ? slotValue.v : slotValue;
              if (v !== undefined) pc = code[pc]!;
              else pc++;
              break;
            }

            // ---- exceptions ----
            case Op.Throw:
              throw new GeneThrow(stack[--sp]!);
            case Op.TryBegin:
              this.handlers.push({ frameDepth: this.depth, pc: code[pc++]!, sp, exDepth: this.exStack.length });
              break;
            case Op.TryEnd:
              this.handlers.pop();
              break;
            case Op.EnterCatch:
              this.exStack.push({ value: stack[--sp]!, loc: this.lastThrowLoc });
              break;
            case Op.ExitCatch:
              this.exStack.pop();
              break;
            case Op.Rethrow: {
              const ex = this.exStack.pop()!;
              throw new GeneThrow(ex.value, ex.loc);
            }
            case Op.IsInstance: {
              const cls = stack[--sp]!;
              stack[sp - 1] = isInstanceOf(stack[sp - 1]!, cls);
              break;
            }
            case Op.ThrowError: {
              const kind = (consts[code[pc++]!] as GString).s;
              const message = (consts[code[pc++]!] as GString).s;
              throw geneError(kind as never, message);
            }

            // ---- operators ----
            case Op.Add: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              if (typeof a === 'number' && typeof b === 'number') {
                const r = a + b;
                stack[sp - 1] = r > INT_MAX || r < INT_MIN ? X.checkInt(r) : r;
              } else stack[sp - 1] = X.add(a, b);
              break;
            }
            case Op.Sub: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              if (typeof a === 'number' && typeof b === 'number') {
                const r = a - b;
                stack[sp - 1] = r > INT_MAX || r < INT_MIN ? X.checkInt(r) : r;
              } else stack[sp - 1] = X.sub(a, b);
              break;
            }
            case Op.Mul: {
              const b = stack[--sp]!;
              stack[sp - 1] = X.mul(stack[sp - 1]!, b);
              break;
            }
            case Op.Div: {
              const b = stack[--sp]!;
              stack[sp - 1] = X.div(stack[sp - 1]!, b);
              break;
            }
            case Op.Mod: {
              const b = stack[--sp]!;
              stack[sp - 1] = X.mod(stack[sp - 1]!, b);
              break;
            }
            case Op.Neg:
              stack[sp - 1] = X.neg(stack[sp - 1]!);
              break;
            case Op.Lt: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a < b : X.compare(a, b, '<') < 0;
              break;
            }
            case Op.Le: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a <= b : X.compare(a, b, '<=') <= 0;
              break;
            }
            case Op.Gt: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a > b : X.compare(a, b, '>') > 0;
              break;
            }
            case Op.Ge: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a >= b : X.compare(a, b, '>=') >= 0;
              break;
            }
            case Op.Eq: {
              const b = stack[--sp]!;
              stack[sp - 1] = equals(stack[sp - 1]!, b);
              break;
            }
            case Op.Ne: {
              const b = stack[--sp]!;
              stack[sp - 1] = !equals(stack[sp - 1]!, b);
              break;
            }
            case Op.AddInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              if (typeof a === 'number') {
                const r = a + k;
                stack[sp - 1] = r > INT_MAX || r < INT_MIN ? X.checkInt(r) : r;
              } else stack[sp - 1] = X.add(a, k);
              break;
            }
            case Op.SubInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              if (typeof a === 'number') {
                const r = a - k;
                stack[sp - 1] = r > INT_MAX || r < INT_MIN ? X.checkInt(r) : r;
              } else stack[sp - 1] = X.sub(a, k);
              break;
            }
            case Op.LtInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              stack[sp - 1] = typeof a === 'number' ? a < k : X.compare(a, k, '<') < 0;
              break;
            }
            case Op.LeInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              stack[sp - 1] = typeof a === 'number' ? a <= k : X.compare(a, k, '<=') <= 0;
              break;
            }
            case Op.GtInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              stack[sp - 1] = typeof a === 'number' ? a > k : X.compare(a, k, '>') > 0;
              break;
            }
            case Op.GeInt: {
              const a = stack[sp - 1]!;
              const k = code[pc++]!;
              stack[sp - 1] = typeof a === 'number' ? a >= k : X.compare(a, k, '>=') >= 0;
              break;
            }
            case Op.Not:
              stack[sp - 1] = !truthy(stack[sp - 1]!);
              break;

            // ---- building values ----
            case Op.MakeArray: {
              const n = code[pc++]!;
              const arr = stack.slice(sp - n, sp);
              sp -= n;
              stack[sp++] = arr;
              break;
            }
            case Op.ArrayPush: {
              const v = stack[--sp]!;
              (stack[sp - 1] as Value[]).push(v);
              break;
            }
            case Op.ArraySpread: {
              const xs = stack[--sp]!;
              const target = stack[sp - 1] as Value[];
              if (Array.isArray(xs)) target.push(...xs);
              else if (xs !== null) throw geneError('TypeError', `Cannot spread a value of type ${kindName(xs)}`);
              break;
            }
            case Op.MakeMap: {
              const keys = (consts[code[pc++]!] as KeyList).keys;
              const m = new Map<string, Value>();
              const start = sp - keys.length;
              for (let i = 0; i < keys.length; i++) m.set(keys[i]!, stack[start + i]!);
              sp = start;
              stack[sp++] = new GMap(m);
              break;
            }
            case Op.MakeGene: {
              const keys = (consts[code[pc++]!] as KeyList).keys;
              const nchildren = code[pc++]!;
              const children = stack.slice(sp - nchildren, sp);
              sp -= nchildren;
              const props = new Map<string, Value>();
              const start = sp - keys.length;
              for (let i = 0; i < keys.length; i++) props.set(keys[i]!, stack[start + i]!);
              sp = start;
              stack[sp - 1] = new GGene(stack[sp - 1]!, props, children);
              break;
            }
            case Op.MakeRange: {
              const b = stack[--sp]!;
              const a = stack[sp - 1]!;
              if (typeof a !== 'number' || typeof b !== 'number') {
                throw geneError('TypeError', `A range needs Int bounds, got ${kindName(a)} and ${kindName(b)}`);
              }
              stack[sp - 1] = new GRange(a, b, 1, false);
              break;
            }
            case Op.Interpolate: {
              const n = code[pc++]!;
              let s = '';
              for (let i = sp - n; i < sp; i++) s += interpolationText(stack[i]!);
              sp -= n;
              stack[sp++] = str(s);
              break;
            }

            // ---- paths ----
            case Op.GetMember:
              stack[sp - 1] = A.getMember(stack[sp - 1]!, frame.unit.names[code[pc++]!]!);
              break;
            case Op.GetMemberVar: {
              const variable = stack[--sp]!;
              stack[sp - 1] = A.getMemberVar(stack[sp - 1]!, frame.unit.names[code[pc++]!]!, variable);
              break;
            }
            case Op.GetIndex:
              stack[sp - 1] = A.getIndex(stack[sp - 1]!, code[pc++]!);
              break;
            case Op.SetMember: {
              const v = stack[--sp]!;
              A.setMember(stack[sp - 1]!, frame.unit.names[code[pc++]!]!, v);
              stack[sp - 1] = v;
              break;
            }
            case Op.SetMemberDyn: {
              const v = stack[--sp]!;
              const key = stack[--sp]!;
              A.setMemberDyn(stack[sp - 1]!, key, v);
              stack[sp - 1] = v;
              break;
            }
            case Op.SetIndex: {
              const v = stack[--sp]!;
              A.setIndex(stack[sp - 1]!, code[pc++]!, v);
              stack[sp - 1] = v;
              break;
            }
            case Op.DestructIndex:
              stack[sp] = A.destructIndex(stack[sp - 1]!, code[pc++]!);
              sp++;
              break;
            case Op.DestructKey:
              stack[sp] = A.destructKey(stack[sp - 1]!, frame.unit.names[code[pc++]!]!);
              sp++;
              break;

            // ---- async ----
            case Op.FutureOk: {
              const f = new GFuture();
              settleFuture(this, f, 'success', stack[sp - 1]!);
              stack[sp - 1] = f;
              break;
            }
            case Op.FutureFail: {
              const f = new GFuture();
              settleFuture(this, f, 'failure', stack[sp - 1]!);
              stack[sp - 1] = f;
              break;
            }
            case Op.Await: {
              const operand = code[pc++]!;
              const n = Math.abs(operand);
              const hasTimeout = operand < 0;
              const first = sp - n;
              let pending: GFuture | null = null;
              for (let i = first; i < sp; i++) {
                const f = stack[i]!;
                if (!(f instanceof GFuture)) throw geneError('TypeError', `await expects a Future, got: ${kindName(f)}`);
                if (f.state === 'pending') {
                  pending = f;
                  break;
                }
              }
              if (pending !== null) {
                const t = hasTimeout ? stack[first - 1]! : null;
                const timeoutMs = t === null ? null : timeoutArg(t);
                frame.pc = ip;
                this.sp = sp;
                this.wait = { future: pending, timeoutMs, what: 'await' };
                return { kind: 'suspended', wait: this.wait };
              }
              const results: Value[] = [];
              for (let i = first; i < sp; i++) {
                const f = stack[i] as GFuture;
                f.observed = true;
                if (f.state === 'failure') throw new GeneThrow(f.value, futureLoc(f));
                results.push(f.value);
              }
              sp = first - (hasTimeout ? 1 : 0);
              stack[sp++] = n === 1 ? results[0]! : results;
              break;
            }

            // ---- threads ----
            case Op.SpawnThread: {
              const spec = consts[code[pc++]!] as SpawnSpec;
              const n = code[pc++]!;
              const flags = code[pc++]!;
              const pushed = stack.slice(sp - n, sp);
              sp -= n;
              frame.pc = pc;
              this.sp = sp;
              stack[sp++] = this.host.spawn(this, spec, pushed, (flags & 1) !== 0);
              break;
            }
            case Op.SendMessage: {
              const expectReply = code[pc++]! === 1;
              const payload = stack[--sp]!;
              const target = stack[sp - 1]!;
              frame.pc = pc;
              this.sp = sp;
              if (target instanceof ThreadHandle) stack[sp - 1] = this.host.send(this, target, payload, expectReply);
              else {
                stack[sp++] = payload;
                this.sp = sp;
                this.callMethod(expectReply ? 'send_expect_reply' : 'send', 1, null);
                frame = this.frames[this.depth - 1]!;
                ({ code, consts, base, pc } = frame);
                sp = this.sp;
              }
              break;
            }
            case Op.ThreadJoin: {
              const withTimeout = code[pc++]! === 1;
              const timeout = withTimeout ? stack[--sp]! : null;
              const target = stack[sp - 1]!;
              if (!(target instanceof ThreadHandle)) {
                if (withTimeout) throw geneError('TypeError', `join expects a Thread, got ${kindName(target)}`);
                frame.pc = pc;
                this.sp = sp;
                this.callMethod('join', 0, null);
                frame = this.frames[this.depth - 1]!;
                ({ code, consts, base, pc } = frame);
                sp = this.sp;
                break;
              }
              const ended = this.host.join(this, target);
              if (ended.state === 'pending') {
                // Suspend with [thread timeout?] restored, so the instruction runs again.
                if (withTimeout) stack[sp++] = timeout!;
                frame.pc = ip;
                this.sp = sp;
                this.wait = { future: ended, timeoutMs: timeout === null ? null : timeoutArg(timeout), what: `join ${display(target)}` };
                return { kind: 'suspended', wait: this.wait };
              }
              stack[sp - 1] = null;
              break;
            }
            default:
              throw new Error(`unknown opcode ${code[ip]} at ${ip} in ${frame.unit.name}`);
          }
        }
      } catch (e) {
        frame.pc = pc;
        this.sp = sp;
        const t = this.toGeneThrow(e);
        const r = this.unwind(t, frame, ip);
        if (r !== null) return r;
        frame = this.frames[this.depth - 1]!;
        ({ code, consts, base, pc } = frame);
        sp = this.sp;
      }
    }
  }

  /** A native asked to suspend: on resume, its result is the Future's value (or its failure is thrown). */
  private suspendAt(): RunResult {
    const wait = this.pendingWait!;
    this.pendingWait = null;
    this.nativeWait = wait.future;
    this.wait = wait;
    return { kind: 'suspended', wait };
  }
  private nativeWait: GFuture | null = null;

  private callMethod(name: string, argc: number, kw: Map<string, Value> | null): void {
    const sp = this.sp;
    const receiver = this.stack[sp - argc - 1]!;
    const method = lookupMethod(this, receiver, name);
    if (method instanceof GFunction) {
      // Prelude methods take the receiver as their first parameter.
      const base = sp - argc - 1;
      this.bindArguments(method.unit, base, argc + 1, kw);
      this.pushFrame(method, base, base, FrameMode.Normal);
      return;
    }
    const args = this.stack.slice(sp - argc, sp);
    this.sp = sp - argc - 1;
    const r = method(receiver, args, kw);
    this.afterNative(r, FrameMode.Normal);
  }

  // ---- safepoints and callbacks ----

  /** THR-CHAN.2: deliver mail and run queued callbacks, never inside another callback. */
  private safepoint(): void {
    if (this.callbackDepth > 0) return;
    this.host.safepoint(this);
    const cb = this.pendingCallbacks.shift();
    if (cb === undefined) return;
    const base = this.sp;
    this.stack[this.sp++] = cb.fn;
    for (const a of cb.args) this.stack[this.sp++] = a;
    this.callbackDepth++;
    this.callValue(cb.fn, cb.args.length, FrameMode.Discard);
    const top = this.frames[this.depth - 1]!;
    if (top.mode === FrameMode.Discard) top.retBase = base;
    else this.callbackDepth--; // a native callback ran at once
  }

  /** The bottom frame of a host-started run returned. */
  private boundaryReturned(result: Value): RunResult {
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

  // ---- exceptions ----

  private lastThrowLoc: Loc | undefined;

  private toGeneThrow(e: unknown): GeneThrow {
    if (e instanceof GeneThrow) return e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return geneError('StackOverflow', 'Stack overflow: the JavaScript stack is exhausted');
    }
    const msg = e instanceof Error ? e.message : String(e);
    return geneError('InternalError', `internal error: ${msg}`);
  }

  /** Source location of the instruction at `ip` in `frame`. */
  locAt(frame: Frame, ip: number): Loc {
    return { file: frame.unit.file, line: frame.unit.lines[ip] ?? 0, col: frame.unit.cols[ip] ?? 0 };
  }

  /** The Gene stack as text, innermost first (THR-ERR.1 `trace`). */
  traceFrom(frame: Frame, ip: number): string {
    const lines: string[] = [`  at ${frame.unit.name} (${formatLoc(this.locAt(frame, ip))})`];
    for (let d = this.depth - 2; d >= 0 && lines.length < 20; d--) {
      const f = this.frames[d]!;
      lines.push(`  at ${f.unit.name} (${formatLoc(this.locAt(f, Math.max(0, f.pc - 1)))})`);
    }
    return lines.join('\n');
  }

  /**
   * Find the handler for a throw. Returns null when one was found (execution continues there),
   * or the result to give the host when the throw left the program or a callback.
   */
  private unwind(t: GeneThrow, frame: Frame, ip: number): RunResult | null {
    const loc = t.loc ?? this.locAt(frame, ip);
    t.loc = loc;
    this.lastThrowLoc = loc;
    const trace = this.traceFrom(frame, ip);
    // Innermost callback frame: a throw never crosses into the code a callback interrupted.
    let limit = 0;
    for (let d = this.depth - 1; d >= 0; d--) {
      if (this.frames[d]!.mode !== FrameMode.Normal) {
        limit = d;
        break;
      }
    }
    const h = this.handlers[this.handlers.length - 1];
    if (h !== undefined && h.frameDepth - 1 >= limit && this.handlers.length > this.frames[limit]!.handlerBase) {
      this.handlers.pop();
      this.depth = h.frameDepth;
      this.exStack.length = h.exDepth;
      this.sp = h.sp;
      this.stack[this.sp++] = t.value;
      this.frames[this.depth - 1]!.pc = h.pc;
      return null;
    }
    // Uncaught in this run (or this callback).
    const bottom = this.frames[limit]!;
    this.handlers.length = bottom.handlerBase;
    this.depth = limit;
    this.sp = bottom.retBase;
    if (bottom.mode === FrameMode.Boundary && limit === 0 && this.waitStack.length === 0) {
      this.exStack.length = 0;
      return { kind: 'error', value: t.value, loc, trace };
    }
    // A callback failed: report it and go on with what it interrupted.
    this.reportCallbackError(t.value, loc);
    if (bottom.mode === FrameMode.Discard) {
      this.callbackDepth--;
      return null;
    }
    if (bottom.mode === FrameMode.Replace) {
      this.stack[this.sp++] = bottom.after;
      return null;
    }
    this.callbackDepth--;
    this.wait = this.waitStack.pop() ?? null;
    if (this.wait === null) return { kind: 'done', value: null };
    return { kind: 'suspended', wait: this.wait };
  }

  /** THR-ERR.2's line, also used for an error escaping a callback: `[thread N] Kind: message`. */
  reportCallbackError(value: Value, _loc?: Loc): void {
    this.host.write(2, `[thread ${this.host.threadId}] ${kindOf(value)}: ${messageOf(value)}\n`);
  }

  private undefinedVariable(name: string): GeneThrow {
    const hint = this.host.threadId !== 0
      ? ' (a thread sees only the variables captured when it was spawned or passed in ^args)'
      : '';
    return geneError('UndefinedVariable', `Undefined variable: ${name}${hint}`, { name: str(name) });
  }
}

/** `#"…"` parts: strings raw; nil/bool/numbers/chars as println shows them; the rest in repr (gene-core §1.3). */
function interpolationText(v: Value): string {
  if (v instanceof GString) return v.s;
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || v instanceof GFloat || v instanceof GChar) return display(v);
  return repr(v);
}

function timeoutArg(t: Value): number {
  if (typeof t === 'number') return t;
  if (t instanceof GFloat) return t.v;
  throw geneError('TypeError', `^timeout expects a number of milliseconds, got ${kindName(t)}`);
}

function futureLoc(f: GFuture): Loc | undefined {
  return (f as GFuture & { loc?: Loc }).loc;
}

/** Class check for `catch Name` and `is` (THR-ERR.3: error kinds are classes under GeneException). */
export function isInstanceOf(v: Value, cls: Value): boolean {
  if (cls === VOID) return false; // an undefined class name in a catch clause
  if (!(cls instanceof GClass)) throw geneError('TypeError', `Expected a class, got ${kindName(cls)}`);
  if (v instanceof GInstance) return v.cls.isSubclassOf(cls);
  const c = classOfValue(v);
  return c !== null && c.isSubclassOf(cls);
}

