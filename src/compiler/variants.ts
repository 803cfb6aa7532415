// Result and Option in source (spec/language/variants.md): `(case v when pattern body… else
// body…)` and the postfix `(expr ?)`. The values themselves are genes made by the builtins
// Ok/Err/Some/None (ops/variants.ts).
import { GGene, Sym, str, type Value } from '../values/values.js';
import { repr } from '../values/print.js';
import { VARIANT_TYPES } from '../ops/variants.js';
import { Op } from '../bytecode/opcodes.js';
import { emitReturnOfTop, isSym, type FormCompiler } from './form-compiler.js';

interface WhenClause {
  readonly pattern: Value;
  readonly body: Value[];
}

/** `case target (when pattern body…)… [else body…]`, split as upstream's normalize_case does. */
function parseCase(c: FormCompiler, g: GGene): { target: Value; whens: WhenClause[]; otherwise: Value[] | undefined } {
  const items = g.children;
  if (items.length === 0) c.fail('case expects a value to match', g);
  const whens: WhenClause[] = [];
  let otherwise: Value[] | undefined;
  let i = 1;
  while (i < items.length) {
    const word = items[i]!;
    if (isSym(word, 'else')) {
      otherwise = items.slice(i + 1).filter((x) => !isSym(x, 'when') && !isSym(x, 'else'));
      if (otherwise.length !== items.length - i - 1) c.fail('case: else must be the last clause', g);
      break;
    }
    if (!isSym(word, 'when')) c.fail(`case: expected when or else, got ${repr(word)}`, word);
    if (i + 1 >= items.length) c.fail('case: when expects a value or pattern', g);
    const pattern = items[i + 1]!;
    i += 2;
    const body: Value[] = [];
    while (i < items.length && !isSym(items[i]!, 'when') && !isSym(items[i]!, 'else')) body.push(items[i++]!);
    whens.push({ pattern, body });
  }
  return { target: items[0]!, whens, otherwise };
}

/** A variant pattern — `(Ok v)`, `(Err _)`, `(Some x)`, `None`, `(None)` — as name and binding. */
function variantPattern(c: FormCompiler, p: Value): { name: string; binding: Sym | null } | null {
  if (isSym(p, 'None')) return { name: 'None', binding: null };
  if (!(p instanceof GGene) || !(p.type instanceof Sym) || !Object.hasOwn(VARIANT_TYPES, p.type.name)) return null;
  if (p.children.length > 1 || p.props.size > 0) c.fail(`case: a ${p.type.name} pattern takes one name, as (${p.type.name} v)`, p);
  const b = p.children[0];
  if (b === undefined || isSym(b, '_')) return { name: p.type.name, binding: null };
  if (!(b instanceof Sym) || b.name.includes('/') || p.type.name === 'None') c.fail(`case: bad binding in a ${p.type.name} pattern: expected a name`, p);
  return { name: p.type.name, binding: b };
}

/**
 * LANG-VARIANT.2: the target is evaluated once; each `when` in order either matches a variant
 * pattern (binding its value) or compares with `==`; the first match's body gives the value, else
 * the `else` body, else nil.
 */
export function compileCase(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const { target, whens, otherwise } = parseCase(c, g);
  c.compileExpr(target);
  const slot = fn.newSlot();
  fn.emit(Op.StoreLocal, slot);
  fn.emit(Op.Pop);
  const ends: number[] = [];
  for (const w of whens) {
    const variant = variantPattern(c, w.pattern);
    fn.emit(Op.LoadLocal, slot);
    if (variant !== null) {
      fn.emit(Op.IsVariant, fn.constant(str(variant.name)));
    } else {
      c.compileExpr(w.pattern);
      fn.emit(Op.Eq);
    }
    const next = fn.emitJump(Op.JumpIfFalse);
    fn.pushScope();
    if (variant?.binding) {
      fn.emit(Op.LoadLocal, slot);
      fn.emit(Op.GetIndex, 0);
      c.bindPattern(variant.binding, g);
      fn.emit(Op.Pop);
    }
    c.compileBody(w.body);
    fn.popScope();
    ends.push(fn.emitJump(Op.Jump));
    fn.adjust(-1);
    fn.patch(next);
  }
  if (otherwise === undefined) {
    fn.emit(Op.Nil);
  } else {
    fn.pushScope();
    c.compileBody(otherwise);
    fn.popScope();
  }
  ends.forEach((e) => fn.patch(e));
}

/**
 * LANG-VARIANT.3: `(expr ?)` — an Ok or Some gives its value; an Err or None is returned from
 * the running function at once (at top level it ends the program, as `return` does); any other
 * value is left as it is.
 */
export function compileTryUnwrap(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  c.compileExpr(g.type);
  fn.emit(Op.Dup);
  fn.emit(Op.IsVariant, fn.constant(str('Err None')));
  const keep = fn.emitJump(Op.JumpIfFalse);
  emitReturnOfTop(c);
  fn.patch(keep);
  fn.emit(Op.Dup);
  fn.emit(Op.IsVariant, fn.constant(str('Ok Some')));
  const done = fn.emitJump(Op.JumpIfFalse);
  fn.emit(Op.GetIndex, 0);
  fn.patch(done);
}
