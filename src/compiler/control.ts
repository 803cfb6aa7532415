// Control forms: if, loops, break/continue/return, throw, try/catch/finally, async/await
// (gene-core §3.4–§3.7, §7). Loops yield exactly one value ([rule] §3.5).
import { BUILTIN_CLASSES } from '../ops/classes.js';
import { GGene, Sym, Value, str } from '../values/values.js';
import { compileProtected, emitReturnOfTop, isSym, type FormCompiler } from './form-compiler.js';
import { compileCase } from './variants.js';
import type { LoopContext } from './emitter.js';
import { Op } from '../bytecode/opcodes.js';
import { compileSpawn } from './threads.js';

export const CONTROL_FORMS = [
  'if', 'loop', 'while', 'for', 'repeat', 'break', 'continue', 'return', 'throw', 'try',
  'async', 'await', 'spawn', 'spawn_return', 'case',
] as const;

export function compileControlForm(c: FormCompiler, name: string, g: GGene): void {
  switch (name) {
    case 'if':
      return compileIf(c, g);
    case 'loop':
      return compileLoop(c, g);
    case 'while':
      return compileWhile(c, g);
    case 'for':
      return compileFor(c, g);
    case 'repeat':
      return compileRepeat(c, g);
    case 'break':
      return compileBreak(c, g);
    case 'continue':
      return compileContinue(c, g);
    case 'return':
      return compileReturn(c, g);
    case 'throw':
      if (g.children.length > 1) c.fail('throw expects at most one value', g);
      c.compileExpr(g.children[0] ?? null);
      c.fn.emit(Op.Throw);
      c.fn.adjust(1); // nominally an expression
      return;
    case 'try':
      return compileTry(c, g);
    case 'async':
      if (g.children.length !== 1) c.fail('async expects exactly one expression', g);
      return compileProtected(c, () => c.compileExpr(g.children[0]!), Op.FutureOk, Op.FutureFail);
    case 'await':
      return compileAwait(c, g);
    case 'spawn':
    case 'spawn_return':
      return compileSpawn(c, g, name === 'spawn_return');
    case 'case':
      return compileCase(c, g);
  }
  c.fail(`unknown form ${name}`, g);
}

// ---- if (gene-core §3.4) ----

function compileIf(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const items = g.children;
  const ends: number[] = [];
  let i = 0;
  let first = true;
  for (;;) {
    // One branch: [not] cond [then] body… up to the next elif/else.
    let negate = false;
    if (isSym(items[i] ?? null, 'not') && i + 1 < items.length) {
      negate = true;
      i++;
    }
    if (i >= items.length) c.fail(first ? 'if expects a condition' : 'elif expects a condition', g);
    c.compileExpr(items[i++]!);
    if (isSym(items[i] ?? null, 'then')) i++;
    const start = i;
    while (i < items.length && !isSym(items[i]!, 'elif') && !isSym(items[i]!, 'else')) i++;
    const next = fn.emitJump(negate ? Op.JumpIfTrue : Op.JumpIfFalse);
    compileScopedBody(c, items.slice(start, i));
    ends.push(fn.emitJump(Op.Jump));
    fn.adjust(-1);
    fn.patch(next);
    first = false;
    if (i >= items.length) {
      fn.emit(Op.Nil);
      break;
    }
    if (isSym(items[i]!, 'else')) {
      compileScopedBody(c, items.slice(i + 1));
      break;
    }
    i++; // elif
  }
  ends.forEach((e) => fn.patch(e));
}

/** A body in a new scope (if branches, catch bodies). */
function compileScopedBody(c: FormCompiler, forms: readonly Value[]): void {
  c.fn.pushScope();
  c.compileBody(forms);
  c.fn.popScope();
}

// ---- loops (gene-core §3.5) ----

function newLoop(c: FormCompiler, keepsBreakValue: boolean, hidden: number): LoopContext {
  const loop: LoopContext = {
    depth: c.fn.depth - hidden,
    breakJumps: [],
    continueJumps: [],
    exitsDepth: c.fn.exits.length,
    keepsBreakValue,
    hidden,
  };
  c.fn.loops.push(loop);
  return loop;
}

/** Compile body forms whose values are discarded. */
function compileStatements(c: FormCompiler, forms: readonly Value[]): void {
  for (const f of forms) {
    c.compileExpr(f);
    c.fn.emit(Op.Pop);
  }
}

function emitBackEdge(c: FormCompiler, top: number): void {
  c.fn.emit(c.options.safepoints ? Op.Loop : Op.Jump, top);
}

function compileLoop(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const loop = newLoop(c, true, 0);
  const top = fn.here();
  compileStatements(c, g.children);
  emitBackEdge(c, top);
  loop.continueJumps.forEach((j) => fn.patch(j, top));
  fn.loops.pop();
  fn.adjust(1); // the break value
  loop.breakJumps.forEach((j) => fn.patch(j));
}

function compileWhile(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  if (g.children.length === 0) c.fail('while expects a condition', g);
  const loop = newLoop(c, false, 0);
  const top = fn.here();
  c.compileExpr(g.children[0]!);
  const exit = fn.emitJump(Op.JumpIfFalse);
  compileStatements(c, g.children.slice(1));
  if (!c.options.safepoints || !fn.emitTestingBackEdge(top, exit)) emitBackEdge(c, top);
  loop.continueJumps.forEach((j) => fn.patch(j, top));
  fn.loops.pop();
  fn.patch(exit);
  loop.breakJumps.forEach((j) => fn.patch(j));
  fn.emit(Op.Nil);
}

/** `(for pattern in coll body…)`: a new scope per iteration, value nil. */
function compileFor(c: FormCompiler, g: GGene): void {
  const [pattern, inSym, coll] = g.children;
  if (pattern === undefined || !isSym(inSym ?? null, 'in') || coll === undefined) c.fail('for expects (for x in collection body…)', g);
  c.compileExpr(coll);
  compileIteration(c, pattern, g.children.slice(3), g);
}

function compileRepeat(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  if (g.children.length === 0) c.fail('repeat expects a count', g);
  // 1..n as an inclusive range; a count that is not an Int is a TypeError naming repeat.
  fn.emit(Op.Int, 1);
  c.compileExpr(g.children[0]!);
  fn.emit(Op.Dup);
  fn.emit(Op.Const, fn.constant(BUILTIN_CLASSES.Int));
  fn.emit(Op.IsInstance);
  const ok = fn.emitJump(Op.JumpIfTrue);
  fn.emit(Op.ThrowError, fn.constant(str('TypeError')), fn.constant(str('repeat expects an Int count')));
  fn.patch(ok);
  fn.emit(Op.MakeRange);
  compileIteration(c, null, g.children.slice(1), g);
}

function compileIteration(c: FormCompiler, pattern: Value, body: readonly Value[], g: GGene): void {
  const fn = c.fn;
  fn.emit(Op.IterInit);
  const loop = newLoop(c, false, 1);
  const top = fn.here();
  // [k v] binds key/index and element; a name or {^k v} binds the element.
  const pair = Array.isArray(pattern) && pattern.length === 2;
  const exit = pair ? fn.emitJump(Op.IterNext2) : fn.emitJump(Op.IterNext);
  fn.pushScope();
  if (pair) {
    const [k, v] = pattern as Value[];
    c.bindPattern(v!, g);
    fn.emit(Op.Pop);
    c.bindPattern(k!, g);
    fn.emit(Op.Pop);
  } else if (pattern !== null) {
    c.bindPattern(pattern, g);
    fn.emit(Op.Pop);
  } else {
    fn.emit(Op.Pop);
  }
  // Fresh cells for captured variables of this iteration's scope.
  compileStatements(c, body);
  fn.popScope();
  loop.continueJumps.forEach((j) => fn.patch(j));
  emitBackEdge(c, top);
  fn.loops.pop();
  // IterNext pops the iterator on exit.
  fn.adjust(-1);
  fn.patch(exit);
  loop.breakJumps.forEach((j) => fn.patch(j));
  fn.emit(Op.Nil);
}

function innermostLoop(c: FormCompiler, g: GGene, what: string): LoopContext | undefined {
  const loop = c.fn.loops[c.fn.loops.length - 1];
  if (loop === undefined) {
    c.fn.emit(Op.ThrowError, c.fn.constant(str('ControlFlowError')), c.fn.constant(str(`${what} used outside of a loop`)));
    c.fn.adjust(1);
  }
  return loop;
}

function compileBreak(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const loop = innermostLoop(c, g, 'break');
  if (loop === undefined) return;
  const before = fn.depth;
  c.compileExpr(g.children[0] ?? null);
  let temp = -1;
  if (loop.keepsBreakValue) {
    temp = fn.newSlot();
    fn.emit(Op.StoreLocal, temp);
  }
  fn.emit(Op.Pop);
  const extra = fn.depth - loop.depth;
  if (extra > 0) fn.emit(Op.PopN, extra);
  fn.emitExits(loop.exitsDepth);
  if (loop.keepsBreakValue) fn.emit(Op.LoadLocal, temp);
  loop.breakJumps.push(fn.emitJump(Op.Jump));
  fn.depth = before + 1;
}

function compileContinue(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const loop = innermostLoop(c, g, 'continue');
  if (loop === undefined) return;
  const before = fn.depth;
  const extra = fn.depth - (loop.depth + loop.hidden);
  if (extra > 0) fn.emit(Op.PopN, extra);
  fn.emitExits(loop.exitsDepth);
  loop.continueJumps.push(fn.emitJump(Op.Jump));
  fn.depth = before + 1;
}

function compileReturn(c: FormCompiler, g: GGene): void {
  c.compileExpr(g.children[0] ?? null);
  emitReturnOfTop(c);
}

// ---- try / catch / finally (gene-core §3.7) ----

interface CatchClause {
  readonly what: Sym;
  readonly body: Value[];
}

function parseTry(c: FormCompiler, g: GGene) {
  const items = g.children;
  let i = 0;
  const body: Value[] = [];
  while (i < items.length && !isSym(items[i]!, 'catch') && !isSym(items[i]!, 'finally')) body.push(items[i++]!);
  const clauses: CatchClause[] = [];
  let fin: Value[] | undefined;
  while (i < items.length) {
    if (isSym(items[i]!, 'catch')) {
      const what = items[i + 1];
      if (!(what instanceof Sym)) c.fail('catch expects *, a name or a class name', g);
      i += 2;
      const b: Value[] = [];
      while (i < items.length && !isSym(items[i]!, 'catch') && !isSym(items[i]!, 'finally')) b.push(items[i++]!);
      clauses.push({ what, body: b });
    } else {
      if (fin !== undefined) c.fail('try has more than one finally', g);
      i++;
      fin = [];
      while (i < items.length && !isSym(items[i]!, 'catch') && !isSym(items[i]!, 'finally')) fin.push(items[i++]!);
    }
  }
  return { body, clauses, fin };
}

function compileTry(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const { body, clauses, fin } = parseTry(c, g);
  const emitFinally = fin === undefined ? () => {} : () => {
    c.compileBody(fin);
    fn.emit(Op.Pop);
  };
  if (fin !== undefined) fn.exits.push({ kind: 'finally', emit: emitFinally });
  const start = fn.depth;
  const toCatch = fn.emitJump(Op.TryBegin);
  fn.exits.push({ kind: 'handler' });
  c.compileBody(body);
  fn.exits.pop();
  fn.emit(Op.TryEnd);
  if (fin !== undefined) fn.exits.pop();
  emitFinally();
  const ends = [fn.emitJump(Op.Jump)];

  // The handler starts with the thrown value on the stack.
  fn.depth = start + 1;
  fn.patch(toCatch);
  if (clauses.length === 0) {
    emitFinally();
    fn.emit(Op.Throw);
  } else {
    fn.emit(Op.EnterCatch);
    let protect = -1;
    if (fin !== undefined) {
      fn.exits.push({ kind: 'finally', emit: emitFinally });
      protect = fn.emitJump(Op.TryBegin);
      fn.exits.push({ kind: 'handler' });
    }
    fn.exits.push({ kind: 'catch' });
    for (const clause of clauses) {
      const name = clause.what.name;
      let next = -1;
      const catchAll = name === '*' || name === '_' || !/^[A-Z]/.test(name);
      if (!catchAll) {
        fn.emit(Op.LoadEx);
        // An undefined class name matches nothing: the exception goes outward ([rule] §3.7).
        const ref = fn.resolve(name);
        if (ref.kind === 'global') fn.emit(Op.LoadGlobalOpt, fn.name_(name));
        else fn.emitLoad(ref);
        fn.emit(Op.IsInstance);
        next = fn.emitJump(Op.JumpIfFalse);
      }
      fn.pushScope();
      if (catchAll && name !== '*' && name !== '_') {
        fn.emit(Op.LoadEx);
        c.bindPattern(clause.what, g);
        fn.emit(Op.Pop);
      }
      c.compileBody(clause.body);
      fn.popScope();
      fn.emitExits(fn.exits.length - (fin !== undefined ? 3 : 1));
      ends.push(fn.emitJump(Op.Jump));
      fn.adjust(-1);
      if (next >= 0) fn.patch(next);
    }
    // No clause matched: rethrow to the outer handler after finally ([rule] §3.7).
    fn.exits.pop();
    if (fin !== undefined) {
      fn.exits.pop();
      fn.emit(Op.TryEnd);
      fn.exits.pop();
      emitFinally();
    }
    fn.emit(Op.Rethrow);
    if (fin !== undefined) {
      // A throw inside a catch body: leave the catch, run finally, propagate.
      fn.depth = start + 1;
      fn.patch(protect);
      fn.emit(Op.ExitCatch);
      emitFinally();
      fn.emit(Op.Throw);
    }
  }
  fn.depth = start + 1;
  ends.forEach((e) => fn.patch(e));
}

// ---- await (gene-core §7, THR-API.2) ----

function compileAwait(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const futures = g.children;
  if (futures.length === 0) c.fail('await expects at least one Future', g);
  const timeout = g.props.get('timeout');
  if (timeout !== undefined) c.compileExpr(timeout);
  futures.forEach((f) => c.compileExpr(f));
  const n = futures.length;
  fn.emit(Op.Await, timeout !== undefined ? -n : n);
}
