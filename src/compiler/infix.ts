// gene-core §4.1: `(a OP b OP c …)` rewritten by precedence climbing, left-associative;
// `&&` and `||` short-circuit ([rule] §4.4).
import { GGene, Sym, Value } from '../values/values.js';
import type { FormCompiler } from './form-compiler.js';
import { Op } from '../bytecode/opcodes.js';

const PRECEDENCE: Record<string, number> = {
  '*': 80, '/': 80, '%': 80,
  '+': 70, '-': 70,
  '<': 60, '<=': 60, '>': 60, '>=': 60, '==': 60, '!=': 60, is: 60,
  '&&': 50,
  '||': 40,
};

export const INFIX_OPS: ReadonlySet<string> = new Set(Object.keys(PRECEDENCE));

export const BINARY_OPCODES: Readonly<Record<string, Op>> = {
  '+': Op.Add, '-': Op.Sub, '*': Op.Mul, '/': Op.Div, '%': Op.Mod,
  '<': Op.Lt, '<=': Op.Le, '>': Op.Gt, '>=': Op.Ge, '==': Op.Eq, '!=': Op.Ne, is: Op.IsInstance,
};

/** Operators that take exactly two operands in prefix form (they do not fold). */
const COMPARISONS: ReadonlySet<Op> = new Set([Op.Lt, Op.Le, Op.Gt, Op.Ge, Op.Eq, Op.Ne, Op.IsInstance]);

type Tree = { leaf: Value } | { op: string; left: Tree; right: Tree };

export function compileInfix(c: FormCompiler, g: GGene): void {
  // Operands and operators must alternate: a op b op c.
  const items = [g.type, ...g.children];
  if (g.props.size > 0) c.fail('an infix expression cannot have properties', g);
  if (items.length % 2 === 0) c.fail('Incomplete infix expression', g);
  for (let i = 1; i < items.length; i += 2) {
    const o = items[i];
    if (!(o instanceof Sym) || !INFIX_OPS.has(o.name)) c.fail(`Incomplete infix expression: expected an operator at position ${i + 1}`, g);
  }
  let pos = 0;
  const parse = (minPrec: number): Tree => {
    let left: Tree = { leaf: items[pos++]! };
    while (pos < items.length) {
      const op = (items[pos] as Sym).name;
      const prec = PRECEDENCE[op]!;
      if (prec < minPrec) break;
      pos++;
      const right = parse(prec + 1);
      left = { op, left, right };
    }
    return left;
  };
  emitTree(c, parse(0));
}

function emitTree(c: FormCompiler, t: Tree): void {
  if ('leaf' in t) return c.compileExpr(t.leaf);
  const fn = c.fn;
  emitTree(c, t.left);
  if (t.op === '&&' || t.op === '||') {
    const end = fn.emitJump(t.op === '&&' ? Op.AndJump : Op.OrJump); // falls through with the left value popped
    emitTree(c, t.right);
    fn.patch(end);
    return;
  }
  emitTree(c, t.right);
  fn.emit(BINARY_OPCODES[t.op]!);
}

/** Prefix arithmetic `(+ a b c)` folds left; `(- x)` negates; `(/ x)` is 1/x (gene-core §4.1). */
export function compilePrefixOperator(c: FormCompiler, op: string, g: GGene): boolean {
  const fn = c.fn;
  const args = g.children;
  if (g.props.size > 0 || args.some((a) => a instanceof Sym && a.name.endsWith('...'))) return false;
  if (op === '&&' || op === '||') {
    if (args.length === 0) {
      fn.emit(op === '&&' ? Op.True : Op.False);
      return true;
    }
    const ends: number[] = [];
    args.forEach((a, i) => {
      c.compileExpr(a);
      if (i < args.length - 1) {
        ends.push(fn.emitJump(op === '&&' ? Op.AndJump : Op.OrJump));
      }
    });
    ends.forEach((e) => fn.patch(e));
    return true;
  }
  const code = BINARY_OPCODES[op];
  if (code === undefined) return false;
  if (COMPARISONS.has(code)) {
    if (args.length !== 2) c.fail(`${op} requires exactly 2 arguments`, g);
    c.compileExpr(args[0]!);
    c.compileExpr(args[1]!);
    fn.emit(code);
    return true;
  }
  if (args.length === 0) {
    if (op === '+' ) fn.emit(Op.Int, 0);
    else if (op === '*') fn.emit(Op.Int, 1);
    else c.fail(`${op} needs at least one argument`, g);
    return true;
  }
  if (args.length === 1 && (op === '-' || op === '/')) {
    if (op === '-') {
      c.compileExpr(args[0]!);
      fn.emit(Op.Neg);
    } else {
      fn.emit(Op.Int, 1);
      c.compileExpr(args[0]!);
      fn.emit(Op.Div);
    }
    return true;
  }
  c.compileExpr(args[0]!);
  for (const a of args.slice(1)) {
    c.compileExpr(a);
    fn.emit(code);
  }
  return true;
}
