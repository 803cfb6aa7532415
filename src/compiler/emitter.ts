// Per-function compile state: code buffer, constants, scopes and variable resolution.
// Locals live in flat frame slots; a local captured by an inner function lives in a Cell
// (closures capture by reference, gene-core §3.6). Which locals are captured is known only after
// the function body is compiled, so a function whose captures changed is compiled again.
import { CompileError } from '../values/errors.js';
import type { Loc } from '../values/values.js';
import { Op, stackEffect } from '../bytecode/opcodes.js';
import type { CaptureSpec, CodeUnit, Constant, KeywordParam } from '../values/values.js';

const FUSED_WITH_INT = new Map<Op, Op>([
  [Op.Add, Op.AddInt],
  [Op.Sub, Op.SubInt],
  [Op.Lt, Op.LtInt],
  [Op.Le, Op.LeInt],
  [Op.Gt, Op.GtInt],
  [Op.Ge, Op.GeInt],
]);

/** `LoadLocal x; <Cmp>Int k; JumpIfFalse` → one compare-and-branch on a local. */
const JUMP_UNLESS_LOCAL = new Map<Op, Op>([
  [Op.LtInt, Op.JumpUnlessLocalLtInt],
  [Op.LeInt, Op.JumpUnlessLocalLeInt],
  [Op.GtInt, Op.JumpUnlessLocalGtInt],
  [Op.GeInt, Op.JumpUnlessLocalGeInt],
]);

/** A loop head's compare-and-branch → the back-edge that repeats it (LoopWhileLocal…Int). */
const LOOP_WHILE_LOCAL = new Map<Op, Op>([
  [Op.JumpUnlessLocalLtInt, Op.LoopWhileLocalLtInt],
  [Op.JumpUnlessLocalLeInt, Op.LoopWhileLocalLeInt],
  [Op.JumpUnlessLocalGtInt, Op.LoopWhileLocalGtInt],
  [Op.JumpUnlessLocalGeInt, Op.LoopWhileLocalGeInt],
]);

export type VarRef =
  | { kind: 'local'; slot: number }
  | { kind: 'cell'; slot: number }
  | { kind: 'upval'; index: number }
  | { kind: 'global'; name: string };

/** A block scope (gene-core §3.1): fn body, if/elif/else branch, for iteration, catch body. */
export class Scope {
  readonly vars = new Map<string, number>();
  /** The module's top scope: its `var`s are module variables, not slots. */
  constructor(readonly isModuleTop: boolean) {}
}

export interface LoopContext {
  /** Static stack depth at loop entry (what break/continue must unwind to). */
  readonly depth: number;
  readonly breakJumps: number[];
  readonly continueJumps: number[];
  /** Height of the exit-action stack when the loop started. */
  readonly exitsDepth: number;
  /** Whether `(break v)` provides the loop's value (only `loop`). */
  readonly keepsBreakValue: boolean;
  /** Extra values (iterators) on the stack inside the loop, below its body. */
  readonly hidden: number;
}

/**
 * What leaving a block early (break, continue, return) must undo, innermost last:
 * remove a handler (TryEnd), run a finally body inline, or restore $ex (ExitCatch).
 */
export type ExitAction =
  | { readonly kind: 'handler' }
  | { readonly kind: 'catch' }
  | { readonly kind: 'finally'; readonly emit: () => void };

export class FnState {
  code: number[] = [];
  lines: number[] = [];
  cols: number[] = [];
  consts: Constant[] = [];
  names: string[] = [];
  private nameIndex = new Map<string, number>();
  scopes: Scope[] = [];
  nlocals = 0;
  upvals: (CaptureSpec & { name: string })[] = [];
  /** Locals found captured during this pass. */
  captured = new Set<number>();
  loops: LoopContext[] = [];
  exits: ExitAction[] = [];
  depth = 0;
  maxDepth = 0;
  loc: Loc;
  globalNames = new Set<string>();
  /** Module variables this (module-level) unit declares: not free names. */
  definedGlobals = new Set<string>();
  /** The ones declared by `var` (private to the module, modules.md#private). */
  readonly moduleVars = new Set<string>();
  /** Set when an inner function captured a local of this one that was not known captured. */
  needsRecompile = false;
  /** A constructor: every return yields `self` (classes.md#ctor). */
  returnsSelf = false;
  /** The CheckType constant of a `-> T` return type, or -1 (types.md). */
  returnCheck = -1;
  /** Emits the `^post` checks at each return, the value to return on the stack (contracts.md). */
  onReturn: (() => void) | null = null;

  constructor(
    readonly parent: FnState | null,
    readonly name: string,
    readonly file: string,
    /** Locals known to be captured (from the previous pass). */
    readonly knownCaptured: ReadonlySet<number>,
    readonly isModule: boolean,
    loc: Loc,
  ) {
    this.loc = loc;
  }

  // ---- emitting ----

  emit(op: Op, ...operands: number[]): number {
    if (op === Op.Pop) {
      const at = this.fuseStatement();
      if (at >= 0) return at;
    }
    const fused = FUSED_WITH_INT.get(op);
    if (fused !== undefined && this.lastOp === Op.Int && this.lastAt >= this.labelAt) {
      // Peephole: `Int k; Add` → `AddInt k` (nothing jumps between them).
      const k = this.code[this.lastAt + 1]!;
      this.code.length = this.lines.length = this.cols.length = this.lastAt;
      this.recent.pop();
      this.adjust(-1);
      return this.emitPlain(fused, [k]);
    }
    return this.emitPlain(op, operands);
  }

  private lastOp = -1;
  private lastAt = -1;
  /** Code position of the latest jump target: no fusion across it. */
  private labelAt = 0;
  /** Where the last few instructions start (for the peepholes). */
  private recent: number[] = [];

  /**
   * The starts of the last n instructions when nothing can jump between them (a jump target
   * may only be the first: the fused instruction starts there too); otherwise null.
   */
  private window(n: number): number[] | null {
    if (this.recent.length < n) return null;
    const w = this.recent.slice(-n);
    return this.labelAt <= w[0]! ? w : null;
  }

  /**
   * Replace the instructions from `from` on by one, at the source place of the instruction at
   * `placeOf` (the first by default; for a fused compare, the compare: what can raise).
   * `removed` is the stack effect of what is dropped (the new instruction adds its own).
   */
  private refuse(from: number, removed: number, op: Op, operands: number[], placeOf = from): number {
    const line = this.lines[placeOf]!, col = this.cols[placeOf]!;
    this.code.length = this.lines.length = this.cols.length = from;
    this.recent = this.recent.filter((at) => at < from);
    this.adjust(-removed);
    const at = this.emitPlain(op, operands);
    this.lines.fill(line, at);
    this.cols.fill(col, at);
    return at;
  }

  /** Peepholes for a statement whose value is dropped (at its Pop); -1 when none fits. */
  private fuseStatement(): number {
    const c = this.code;
    const is = (at: number, op: Op) => c[at] === op;
    const w4 = this.window(4);
    // `(x += y)` on locals: LoadLocal x; LoadLocal y; Add; StoreLocal x → AddLocal x y
    if (w4 && is(w4[0]!, Op.LoadLocal) && is(w4[1]!, Op.LoadLocal) && is(w4[2]!, Op.Add) && is(w4[3]!, Op.StoreLocal) && c[w4[0]! + 1] === c[w4[3]! + 1]) {
      return this.refuse(w4[0]!, 1, Op.AddLocal, [c[w4[0]! + 1]!, c[w4[1]! + 1]!]);
    }
    const w3 = this.window(3);
    // `(x += k)` on a local: LoadLocal x; AddInt k; StoreLocal x → IncLocal x k
    if (w3 && is(w3[0]!, Op.LoadLocal) && is(w3[1]!, Op.AddInt) && is(w3[2]!, Op.StoreLocal) && c[w3[0]! + 1] === c[w3[2]! + 1]) {
      return this.refuse(w3[0]!, 1, Op.IncLocal, [c[w3[0]! + 1]!, c[w3[1]! + 1]!]);
    }
    return -1;
  }

  private emitPlain(op: Op, operands: number[]): number {
    const at = this.code.length;
    this.lastOp = op;
    this.lastAt = at;
    this.recent.push(at);
    if (this.recent.length > 4) this.recent.shift();
    this.code.push(op, ...operands);
    for (let i = 0; i <= operands.length; i++) {
      this.lines.push(this.loc.line);
      this.cols.push(this.loc.col);
    }
    this.adjust(stackEffect(op, operands, this.consts));
    return at;
  }

  adjust(delta: number): void {
    this.depth += delta;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
  }

  /** Emit a jump whose target is patched later; returns the operand position. */
  emitJump(op: Op, ...before: number[]): number {
    const w = op === Op.JumpIfFalse ? this.window(2) : null;
    const fused = w && this.code[w[0]!] === Op.LoadLocal ? JUMP_UNLESS_LOCAL.get(this.code[w[1]!] as Op) : undefined;
    if (w && fused !== undefined) {
      // Peephole: `LoadLocal x; LtInt k; JumpIfFalse` → `JumpUnlessLocalLtInt x k` (<=, >, >= too).
      // At the compare's place: its error names the condition, not the variable.
      return this.refuse(w[0]!, 1, fused, [this.code[w[0]! + 1]!, this.code[w[1]! + 1]!, -1], w[1]!) + 3;
    }
    const at = this.emit(op, ...before, -1);
    return at + 1 + before.length;
  }

  /**
   * The back-edge of a `while` loop whose head at `top` is one JumpUnlessLocal…Int: the same test
   * at the bottom, jumping into the body while it holds (one instruction fewer per iteration), at
   * the head's source place (an error in the test names the condition). The test may come before
   * the back-edge's safepoint: a callback cannot change x (a local a callback sees lives in a Cell,
   * and a Cell's test is never fused). `exit`: the operand of the loop's exit jump. Returns false
   * when the head is anything else (a condition that only begins with such an instruction, say an
   * inner `if`, has its exit jump elsewhere).
   */
  emitTestingBackEdge(top: number, exit: number): boolean {
    const op = LOOP_WHILE_LOCAL.get(this.code[top] as Op);
    if (op === undefined || exit !== top + 3) return false;
    const line = this.lines[top]!, col = this.cols[top]!;
    const at = this.emitPlain(op, [this.code[top + 1]!, this.code[top + 2]!, top + 4]);
    this.lines.fill(line, at);
    this.cols.fill(col, at);
    return true;
  }

  patch(operandAt: number, target = this.code.length): void {
    this.code[operandAt] = target;
    if (target === this.code.length) this.labelAt = target;
  }

  /** The current position, as a jump target. */
  here(): number {
    this.labelAt = this.code.length;
    return this.code.length;
  }

  constant(c: Constant): number {
    this.consts.push(c);
    return this.consts.length - 1;
  }

  name_(n: string): number {
    let i = this.nameIndex.get(n);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(n);
      this.nameIndex.set(n, i);
    }
    return i;
  }

  // ---- scopes and variables ----

  pushScope(isModuleTop = false): Scope {
    const s = new Scope(isModuleTop);
    this.scopes.push(s);
    return s;
  }

  popScope(): void {
    this.scopes.pop();
  }

  get scope(): Scope {
    return this.scopes[this.scopes.length - 1]!;
  }

  newSlot(): number {
    return this.nlocals++;
  }

  /** `(var x …)`: the same scope re-uses the slot (redeclaring overwrites, gene-core §3.1). */
  declare(name: string, isParam = false): VarRef {
    const scope = this.scope;
    if (scope.isModuleTop) {
      this.definedGlobals.add(name);
      return { kind: 'global', name };
    }
    let slot = scope.vars.get(name);
    if (slot === undefined) {
      slot = this.newSlot();
      scope.vars.set(name, slot);
      // A captured variable needs its cell before its first store.
      if (this.knownCaptured.has(slot)) {
        if (isParam) this.emit(Op.LoadLocal, slot); // keep the argument: re-box it
        this.emit(Op.NewCell, slot);
        if (isParam) {
          this.emit(Op.StoreCell, slot);
          this.emit(Op.Pop);
        }
      }
    }
    return this.refForSlot(slot);
  }

  refForSlot(slot: number): VarRef {
    return this.knownCaptured.has(slot) ? { kind: 'cell', slot } : { kind: 'local', slot };
  }

  findLocal(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const slot = this.scopes[i]!.vars.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  resolve(name: string): VarRef {
    const slot = this.findLocal(name);
    if (slot !== undefined) return this.refForSlot(slot);
    const up = this.resolveUpval(name);
    if (up !== undefined) return { kind: 'upval', index: up };
    this.globalNames.add(name);
    return { kind: 'global', name };
  }

  private resolveUpval(name: string): number | undefined {
    const existing = this.upvals.findIndex((u) => u.name === name);
    if (existing >= 0) return existing;
    const parent = this.parent;
    if (parent === null) return undefined;
    const slot = parent.findLocal(name);
    let spec: CaptureSpec;
    if (slot !== undefined) {
      parent.captured.add(slot);
      if (!parent.knownCaptured.has(slot)) parent.needsRecompile = true;
      spec = { fromLocal: true, index: slot };
    } else {
      const idx = parent.resolveUpval(name);
      if (idx === undefined) return undefined;
      spec = { fromLocal: false, index: idx };
    }
    this.upvals.push({ ...spec, name });
    return this.upvals.length - 1;
  }

  emitLoad(ref: VarRef): void {
    switch (ref.kind) {
      case 'local':
        this.emit(Op.LoadLocal, ref.slot);
        break;
      case 'cell':
        this.emit(Op.LoadCell, ref.slot);
        break;
      case 'upval':
        this.emit(Op.LoadUpval, ref.index);
        break;
      case 'global':
        this.emit(Op.LoadGlobal, this.name_(ref.name));
        break;
    }
  }

  /** Store the top of the stack (it stays). `define` = a module-level `var`. */
  emitStore(ref: VarRef, define = false): void {
    switch (ref.kind) {
      case 'local':
        this.emit(Op.StoreLocal, ref.slot);
        break;
      case 'cell':
        this.emit(Op.StoreCell, ref.slot);
        break;
      case 'upval':
        this.emit(Op.StoreUpval, ref.index);
        break;
      case 'global':
        this.emit(define ? Op.DefineGlobal : Op.StoreGlobal, this.name_(ref.name));
        break;
    }
  }

  fail(message: string, loc: Loc = this.loc): never {
    throw new CompileError(message, loc);
  }

  /** Emit what leaving down to exit-stack height `downTo` must undo (innermost first). */
  emitExits(downTo: number): void {
    const saved = this.exits;
    for (let i = saved.length - 1; i >= downTo; i--) {
      const action = saved[i]!;
      // A finally body runs outside itself: a break or return inside it must not re-run it.
      this.exits = saved.slice(0, i);
      if (action.kind === 'handler') this.emit(Op.TryEnd);
      else if (action.kind === 'catch') this.emit(Op.ExitCatch);
      else action.emit();
    }
    this.exits = saved;
  }

  finish(params: {
    nparams: number;
    nrequired: number;
    restSlot: number;
    kwParams: KeywordParam[];
    isAsync: boolean;
  }): CodeUnit {
    return {
      kind: 'unit',
      name: this.name,
      file: this.file,
      code: Int32Array.from(this.code),
      lines: Int32Array.from(this.lines),
      cols: Int32Array.from(this.cols),
      consts: this.consts,
      names: this.names,
      nlocals: this.nlocals,
      captures: this.upvals.map(({ fromLocal, index }) => ({ fromLocal, index })),
      globalNames: [...this.globalNames].filter((n) => !this.definedGlobals.has(n)),
      ...(this.moduleVars.size > 0 ? { moduleVars: [...this.moduleVars] } : {}),
      ...params,
      fastArity:
        params.nrequired === params.nparams && params.restSlot < 0 && params.kwParams.length === 0 ? params.nparams : -1,
    };
  }
}
