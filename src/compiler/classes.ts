// Classes (spec/language/classes.md): `class`, `object`, `ctor`, `method`, `new`, `new!`, `super`,
// and `/field` paths on `self`. A method or constructor is a function whose first parameter is
// `self`, so it is called like the prelude's methods and closures inside it capture `self`.
import { GGene, Sym, Value } from '../values/values.js';
import { isSpread, isSym, type FormCompiler as Compiler } from './form-compiler.js';
import { Op } from '../bytecode/opcodes.js';
import { defineName, shortName } from './modules.js';
import { splitReturnType } from './types.js';

export const CLASS_FORMS = ['class', 'object', 'new', 'new!', 'super'] as const;

export function compileClassForm(c: Compiler, name: string, g: GGene): void {
  switch (name) {
    case 'class':
      return compileClass(c, g, false);
    case 'object':
      return compileClass(c, g, true);
    case 'new':
    case 'new!':
      return compileNew(c, g, name === 'new!');
    case 'super':
      return compileSuperCall(c, g);
  }
}

/** classes.md#class: `(class Name [< Parent] body…)`; the value is the class. */
function compileClass(c: Compiler, g: GGene, singleton: boolean): void {
  const fn = c.fn;
  const [nameSym, ...rest] = g.children;
  const form = singleton ? 'object' : 'class';
  if (!(nameSym instanceof Sym)) c.fail(`${form} expects a name: (${form} Name …)`, g);
  if (singleton && nameSym.name.includes('/')) c.fail(`object ${nameSym.name}: an object name is a plain name`, g);
  let body = rest;
  let hasParent = 0;
  if (isSym(body[0] ?? null, '<')) {
    if (body.length < 2) c.fail(`${form} ${nameSym.name} < needs a parent class`, g);
    c.compileExpr(body[1]!);
    hasParent = 1;
    body = body.slice(2);
  }
  const className = singleton && !nameSym.name.endsWith('Class') ? `${nameSym.name}Class` : shortName(nameSym.name);
  fn.emit(Op.DefineClass, fn.name_(className), hasParent);
  // Bound before the body so that methods can name their own class; `A/K` is a member of A.
  defineName(c, singleton ? new Sym(className, nameSym.loc) : nameSym, g);
  for (const member of body) compileMember(c, member, className);
  if (singleton) {
    fn.emit(Op.New, 0);
    fn.emitStore(fn.declare(nameSym.name), true);
  }
}

/** One form of a class body: `(ctor params body…)`, `(ctor! …)`, `(method name params body…)`. */
function compileMember(c: Compiler, member: Value, className: string): void {
  const fn = c.fn;
  if (!(member instanceof GGene) || !(member.type instanceof Sym)) {
    c.fail(`a class body holds (ctor …) and (method …) forms, got ${String(member)}`, member instanceof Sym ? member : undefined);
  }
  const kind = member.type.name;
  const loc = member.loc ?? fn.loc;
  if (kind === 'ctor' || kind === 'ctor!') {
    if (member.children.length === 0) c.fail(`${kind} expects a parameter list: (${kind} [a b] body…)`, member);
    const params = methodParams(c, member.children[0]!, member);
    const unit = c.compileFunction(`${className}.ctor`, params, member.children.slice(1), loc, false, true);
    fn.emit(Op.Closure, fn.constant(unit));
    fn.emit(Op.DefineMethod, fn.name_('ctor'), 1);
    return;
  }
  if (kind === 'method') {
    const [name, params, ...body] = member.children;
    if (!(name instanceof Sym) || name.name.includes('/')) c.fail('method expects a name: (method name [params] body…)', member);
    if (params === undefined) c.fail(`method ${name.name} expects a parameter list: (method ${name.name} [a b] body…)`, member);
    const isAsync = member.props.get('async') === true;
    const typed = splitReturnType(body);
    const unit = c.compileFunction(`${className}.${name.name}`, methodParams(c, params, member), typed.body, loc, isAsync, false, typed.returnType, member.props);
    fn.emit(Op.Closure, fn.constant(unit));
    fn.emit(Op.DefineMethod, fn.name_(name.name), 0);
    return;
  }
  c.fail(`${kind} is not allowed in a class body (only ctor, ctor! and method)`, member);
}

/** `[a b]`, `_` (none) or a single name; `self` is always the implicit first parameter. */
function methodParams(c: Compiler, params: Value, at: GGene): Value[] {
  let list: Value[];
  if (Array.isArray(params)) list = [...params];
  else if (isSym(params, '_')) list = [];
  else if (params instanceof Sym) list = [params];
  else c.fail('expected a parameter list [a b], _ or a single name', at);
  if (isSym(list[0] ?? null, 'self')) list = list.slice(1);
  return [new Sym('self'), ...list];
}

/** classes.md#new: `(new Class args…)`; `new!` passes its arguments unevaluated. */
function compileNew(c: Compiler, g: GGene, quoted: boolean): void {
  const fn = c.fn;
  const [cls, ...args] = g.children;
  if (cls === undefined) c.fail(`${quoted ? 'new!' : 'new'} expects a class: (new Class args…)`, g);
  c.compileExpr(cls);
  if (quoted) {
    for (const a of args) fn.emit(Op.Const, fn.constant(a));
    fn.emit(Op.New, args.length);
    return;
  }
  if (g.props.size === 0 && !args.some(isSpread)) {
    args.forEach((a) => c.compileExpr(a));
    fn.emit(Op.New, args.length);
    return;
  }
  c.compileArgsAndKw(g.props, args);
  fn.emit(Op.NewArgs);
}

/** classes.md#super: `(super .name args…)` calls the parent class's method on `self`. */
export function compileSuperCall(c: Compiler, g: GGene): void {
  const fn = c.fn;
  const [m, ...args] = g.children;
  if (!(m instanceof Sym) || !m.name.startsWith('.') || m.name.length < 2) c.fail('super expects (super .method args…)', g);
  const self = fn.resolve('self');
  if (self.kind === 'global') c.fail('super is only allowed inside a method or ctor', g);
  fn.emitLoad(self);
  const name = fn.name_(m.name.slice(1));
  if (g.props.size === 0 && !args.some(isSpread)) {
    args.forEach((a) => c.compileExpr(a));
    fn.emit(Op.CallSuper, name, args.length);
    return;
  }
  c.compileArgsAndKw(g.props, args);
  fn.emit(Op.CallSuperArgs, name);
}

/** classes.md#fields: `/x` is `self/x`; only inside a method or ctor. */
export function compileSelfBase(c: Compiler, whole: Sym): void {
  const self = c.fn.resolve('self');
  if (self.kind === 'global') c.fail(`${whole.name} reads a field of self: use it inside a method or ctor`, whole);
  c.fn.emitLoad(self);
}

/** `(/x)`: a field read written as a form with no arguments (upstream's style in methods). */
export function isBareSelfField(g: GGene): boolean {
  return g.type instanceof Sym && g.type.name.startsWith('/') && g.type.name.length > 1 && g.children.length === 0 && g.props.size === 0;
}
