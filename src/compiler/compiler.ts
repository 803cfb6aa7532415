// Compiles Gene values (the reader's AST) into CodeUnits (gene-core §3–§5).
// Expressions: every compiled expression leaves exactly one value on the operand stack.
import { readAll, sourceLocs, QUOTE, INTERP } from '../reader/reader.js';
import { ModuleFileError, readSourceFile } from '../reader/source-file.js';
import { CompileError, ParseError } from '../values/errors.js';
import { GChar, GFloat, GGene, GMap, GString, Loc, Sym, Value } from '../values/values.js';
import { CLASS_FORMS, compileClassForm, compileSelfBase, isBareSelfField } from './classes.js';
import { compileControlForm, CONTROL_FORMS } from './control.js';
import { compileProtected, DEFAULT_COMPILE_OPTIONS, emitReturnOfTop, isSpread, type CompileOptions, type FormCompiler } from './form-compiler.js';
import { compileContracts } from './contracts.js';
import { compileThreadMethod } from './threads.js';
import { compileParams } from './params.js';
import { annotatedName, compileTypeAlias, emitCheckTop, splitReturnType, typeCheck } from './types.js';
import type { TypeExpr } from '../values/types.js';
import { compileModuleForm, compileNsRef, defineName, MODULE_FORMS, shortName } from './modules.js';
import { FnState, VarRef } from './emitter.js';
import { compileInfix, compilePrefixOperator, INFIX_OPS } from './infix.js';
import { compileTryUnwrap } from './variants.js';
import { Op } from '../bytecode/opcodes.js';
import type { CodeUnit } from '../values/values.js';


const ASSIGN_OPS: Record<string, Op | null> = { '=': null, '+=': Op.Add, '-=': Op.Sub, '%=': Op.Mod };

/** Special-form heads (gene-core §3): a gene with one of these heads is never a call or infix. */
/** Forms of newer Gene this implementation does not have: a clear CompileError, not a misreading. */
const UNSUPPORTED_FORMS: Record<string, string> = {};
const SPECIAL_FORMS = new Set(['var', 'fn', 'type', 'do', 'not', 'quote_', QUOTE, INTERP, '_', ...CONTROL_FORMS, ...CLASS_FORMS, ...MODULE_FORMS, ...Object.keys(UNSUPPORTED_FORMS)]);
const CLASS_FORM_SET: ReadonlySet<string> = new Set(CLASS_FORMS);
const MODULE_FORM_SET: ReadonlySet<string> = new Set(MODULE_FORMS);

export { DEFAULT_COMPILE_OPTIONS, type CompileOptions };

export class Compiler implements FormCompiler {
  fn!: FnState;

  constructor(
    readonly file: string,
    readonly options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
    readonly typeAliases = new Map<string, TypeExpr>(),
  ) {}

  // ---- entry points ----

  /** A spawn body: compiled by a fresh compiler with this one's file and options (THR-SPAWN.2); its imports embed their modules (LANG-MOD.7). */
  compileSeparateModule(forms: Value[], name: string, loc?: Loc): CodeUnit {
    const embedImports = this.options.embedImports ?? new Map();
    return new Compiler(this.file, { ...this.options, embedImports }, this.typeAliases).compileModule(forms, name, loc);
  }

  compileModuleFile(file: string): CodeUnit {
    return compileModuleFile(file, this.options);
  }

  /** Compile a whole file (or a spawned body): its top scope is the module scope. */
  compileModule(forms: Value[], name = '<module>', loc: Loc = { file: this.file, line: 1, col: 1 }): CodeUnit {
    const outer = this.fn;
    let known = new Set<number>();
    for (;;) {
      this.fn = new FnState(null, name, this.file, known, true, loc);
      this.fn.pushScope(true);
      this.compileBody(forms);
      this.fn.emit(Op.Return);
      if (!this.fn.needsRecompile) break;
      known = new Set(this.fn.captured);
    }
    const unit = this.fn.finish({ nparams: 0, nrequired: 0, restSlot: -1, kwParams: [], isAsync: false });
    this.fn = outer;
    return unit;
  }

  // ---- expressions ----

  compileBody(forms: readonly Value[]): void {
    if (forms.length === 0) {
      this.fn.emit(Op.Nil);
      return;
    }
    forms.forEach((f, i) => {
      this.compileExpr(f);
      if (i < forms.length - 1) this.fn.emit(Op.Pop);
    });
  }

  compileExpr(v: Value): void {
    const fn = this.fn;
    if (v === null) fn.emit(Op.Nil);
    else if (v === true) fn.emit(Op.True);
    else if (v === false) fn.emit(Op.False);
    else if (typeof v === 'number') {
      if ((v | 0) === v) fn.emit(Op.Int, v);
      else fn.emit(Op.Const, fn.constant(v));
    } else if (v instanceof GString) fn.emit(Op.Str, fn.constant(v));
    else if (v instanceof GFloat || v instanceof GChar) fn.emit(Op.Const, fn.constant(v));
    else if (v instanceof Sym) this.withLoc(v.loc, () => this.compileSymbol(v));
    else if (Array.isArray(v)) this.withLoc(sourceLocs.get(v), () => this.compileArray(v));
    else if (v instanceof GMap) this.withLoc(sourceLocs.get(v), () => this.compileMap(v.entries));
    else if (v instanceof GGene) this.withLoc(v.loc, () => this.compileGene(v));
    else fn.emit(Op.Const, fn.constant(v));
  }

  withLoc(loc: Loc | undefined, f: () => void): void {
    if (loc === undefined) return f();
    const saved = this.fn.loc;
    this.fn.loc = loc;
    try {
      f();
    } finally {
      this.fn.loc = saved;
    }
  }

  fail(message: string, at?: Value): never {
    const loc = at instanceof GGene || at instanceof Sym ? at.loc : undefined;
    throw new CompileError(message, loc ?? this.fn.loc);
  }

  // ---- names and paths (gene-core §3.1, §5.1) ----

  compileSymbol(s: Sym): void {
    const name = s.name;
    if (name === 'void') this.fail('void cannot be used as a value', s);
    if (name.endsWith('...') && name.length > 3) this.fail(`spread ${name} is only allowed in an array or argument list`, s);
    if (name.includes('/') && name !== '/') return this.compilePath(name, s);
    if (name.startsWith('$')) return this.compileDollar(name.slice(1));
    this.fn.emitLoad(this.fn.resolve(name));
  }

  private compileDollar(name: string): void {
    if (name === 'ex') this.fn.emit(Op.LoadEx);
    else if (name === 'ns') compileNsRef(this);
    else this.fn.emit(Op.LoadDollar, this.fn.name_(name));
  }

  /** Load the first segment of a path. */
  private compilePathBase(seg: string, whole: Sym): void {
    if (seg === '') compileSelfBase(this, whole);
    else if (seg.startsWith('$')) this.compileDollar(seg.slice(1));
    else this.fn.emitLoad(this.fn.resolve(seg));
  }

  /** gene-core §5.1: one path segment applied to the value on the stack. */
  private compileSegment(seg: string): void {
    const fn = this.fn;
    if (/^-?\d+$/.test(seg)) fn.emit(Op.GetIndex, Number(seg));
    else if (seg.startsWith('.')) fn.emit(Op.CallMethod, fn.name_(seg.slice(1)), 0);
    else {
      // A name segment falls back to a variable of that name as key or index.
      this.loadVariableForKey(seg);
      fn.emit(Op.GetMemberVar, fn.name_(seg));
    }
  }

  /** Push the value of a variable named `name` if it exists, else void (path keys, gene-core §5.1). */
  private loadVariableForKey(name: string): void {
    const ref = this.fn.resolve(name);
    if (ref.kind === 'global') this.fn.emit(Op.LoadGlobalOpt, this.fn.name_(name));
    else this.fn.emitLoad(ref);
  }

  private compilePath(name: string, whole: Sym): void {
    const segs = name.split('/');
    this.compilePathBase(segs[0]!, whole);
    for (const seg of segs.slice(1)) {
      if (seg === '') this.fail(`empty segment in path ${name}`, whole);
      this.compileSegment(seg);
    }
  }

  // ---- assignment (gene-core §3.2) ----

  compileAssign(target: Value, opName: string, valueForm: Value, g: GGene): void {
    const arith = ASSIGN_OPS[opName]!;
    const fn = this.fn;
    if (!(target instanceof Sym)) this.fail(`cannot assign to ${String(target)}`, g);
    const name = target.name;
    if (name.includes('/') && name !== '/') return this.compilePathAssign(target, arith, valueForm);
    if (name.startsWith('$')) {
      const k = fn.name_(name.slice(1));
      if (arith !== null) fn.emit(Op.LoadDollar, k);
      this.compileExpr(valueForm);
      if (arith !== null) fn.emit(arith);
      fn.emit(Op.StoreDollar, k);
      return;
    }
    const ref: VarRef = fn.resolve(name);
    if (arith !== null) fn.emitLoad(ref);
    this.compileExpr(valueForm);
    if (arith !== null) fn.emit(arith);
    fn.emitStore(ref);
  }

  private compilePathAssign(target: Sym, arith: Op | null, valueForm: Value): void {
    const fn = this.fn;
    const segs = target.name.split('/');
    this.compilePathBase(segs[0]!, target);
    for (const seg of segs.slice(1, -1)) this.compileSegment(seg);
    const last = segs[segs.length - 1]!;
    if (last === '' || last.startsWith('.')) this.fail(`cannot assign to ${target.name}`, target);
    const isIndex = /^-?\d+$/.test(last);
    // A 3+-segment path whose last segment names a local variable uses its value as the key.
    const dynamic = !isIndex && segs.length >= 3 && fn.resolve(last).kind !== 'global';
    if (dynamic) {
      fn.emitLoad(fn.resolve(last));
      if (arith !== null) {
        fn.emit(Op.Over);
        fn.emit(Op.Over);
        fn.emit(Op.GetMemberVar, fn.name_(last));
      }
    } else if (arith !== null) {
      fn.emit(Op.Dup);
      if (isIndex) fn.emit(Op.GetIndex, Number(last));
      else fn.emit(Op.GetMember, fn.name_(last));
    }
    this.compileExpr(valueForm);
    if (arith !== null) fn.emit(arith);
    if (dynamic) fn.emit(Op.SetMemberDyn);
    else if (isIndex) fn.emit(Op.SetIndex, Number(last));
    else fn.emit(Op.SetMember, fn.name_(last));
  }

  // ---- collections ----

  /** Push elements, handling `x...` spreads; leaves one array. */
  compileArray(items: readonly Value[]): void {
    const fn = this.fn;
    if (!items.some(isSpread)) {
      items.forEach((x) => this.compileExpr(x));
      fn.emit(Op.MakeArray, items.length);
      return;
    }
    fn.emit(Op.MakeArray, 0);
    for (const x of items) {
      if (isSpread(x)) {
        this.compileSymbol(new Sym(x.name.slice(0, -3), x.loc));
        fn.emit(Op.ArraySpread);
      } else {
        this.compileExpr(x);
        fn.emit(Op.ArrayPush);
      }
    }
  }

  compileMap(entries: ReadonlyMap<string, Value>): void {
    const keys = [...entries.keys()];
    for (const v of entries.values()) this.compileExpr(v);
    this.fn.emit(Op.MakeMap, this.fn.constant({ kind: 'keys', keys }));
  }

  /** `(_ a b)` and quoted genes with evaluated parts. */
  private compileGeneLiteral(type: Value, g: GGene): void {
    const fn = this.fn;
    fn.emit(Op.Const, fn.constant(type));
    const keys = [...g.props.keys()];
    for (const v of g.props.values()) this.compileExpr(v);
    for (const c of g.children) this.compileExpr(c);
    fn.emit(Op.MakeGene, fn.constant({ kind: 'keys', keys }), g.children.length);
  }

  // ---- genes: special forms, infix, method calls, calls (gene-core §3 preamble) ----

  compileGene(g: GGene): void {
    const head = g.type;
    const first = g.children[0];
    const headName = head instanceof Sym ? head.name : undefined;
    const special = headName !== undefined && SPECIAL_FORMS.has(headName);
    if (!special && first instanceof Sym) {
      if (INFIX_OPS.has(first.name)) return compileInfix(this, g);
      if (first.name.startsWith('.') && first.name.length > 1 && first.name !== '..') return this.compileMethodCall(g);
      if (first.name in ASSIGN_OPS) {
        if (g.children.length !== 2) this.fail(`${first.name} expects one value`, g);
        return this.compileAssign(head, first.name, g.children[1]!, g);
      }
      if (first.name === '?' && g.children.length === 1) return compileTryUnwrap(this, g);
      if (first.name === '..') {
        if (g.children.length !== 2) this.fail('.. expects (a .. b)', g);
        this.compileExpr(head);
        this.compileExpr(g.children[1]!);
        this.fn.emit(Op.MakeRange);
        return;
      }
    }
    if (special) return this.compileSpecial(headName!, g);
    // `(+ 1 2 3)`: operators are bound names, compiled inline unless shadowed.
    if (headName !== undefined && INFIX_OPS.has(headName) && this.fn.resolve(headName).kind === 'global') {
      if (compilePrefixOperator(this, headName, g)) return;
    }
    if (headName !== undefined && headName.startsWith('.')) this.fail(`${headName} needs a receiver: write (obj ${headName} …)`, g);
    if (isBareSelfField(g)) return this.compileExpr(g.type);
    this.compileCall(g);
  }

  private compileSpecial(name: string, g: GGene): void {
    const fn = this.fn;
    const args = g.children;
    switch (name) {
      case 'var':
        return this.compileVar(g);
      case 'fn':
        return this.compileFn(g);
      case 'type':
        return compileTypeAlias(this, g);
      case 'do':
        return this.compileBody(args);
      case 'not':
        if (args.length !== 1) this.fail('not expects exactly one argument', g);
        this.compileExpr(args[0]!);
        fn.emit(Op.Not);
        return;
      case QUOTE:
        fn.emit(Op.Const, fn.constant(args[0] ?? null));
        return;
      case INTERP:
        args.forEach((a) => this.compileExpr(a));
        fn.emit(Op.Interpolate, args.length);
        return;
      case '_':
        return this.compileGeneLiteral(new Sym('_'), g);
    }
    if (CLASS_FORM_SET.has(name)) return compileClassForm(this, name, g);
    if (MODULE_FORM_SET.has(name)) return compileModuleForm(this, name, g);
    const unsupported = UNSUPPORTED_FORMS[name];
    if (unsupported !== undefined) this.fail(`(${name} …): ${unsupported}`, g);
    compileControlForm(this, name, g);
  }

  compileCall(g: GGene): void {
    const fn = this.fn;
    this.compileExpr(g.type);
    // A path head (`gene/io/read`) is void when a segment is missing: name it if it is not callable.
    if (g.type instanceof Sym && g.type.name.includes('/') && g.type.name !== '/') fn.emit(Op.CheckCallable, fn.name_(g.type.name));
    if (g.props.size === 0 && !g.children.some(isSpread)) {
      g.children.forEach((a) => this.compileExpr(a));
      fn.emit(Op.Call, g.children.length);
      return;
    }
    this.compileArgsAndKw(g.props, g.children);
    fn.emit(Op.CallArgs);
  }

  /** Push [args kw]: keyword values are evaluated before positional ones (gene-core §3). */
  compileArgsAndKw(props: ReadonlyMap<string, Value>, args: readonly Value[]): void {
    if (props.size > 0) this.compileMap(props);
    else this.fn.emit(Op.Nil);
    this.compileArray(args);
    this.fn.emit(Op.Swap);
  }

  /** `(obj .name args…)` (gene-core §5.2); `.send`/`.join` get their thread instructions. */
  private compileMethodCall(g: GGene): void {
    const fn = this.fn;
    const method = (g.children[0] as Sym).name.slice(1);
    const args = g.children.slice(1);
    this.compileExpr(g.type);
    if (compileThreadMethod(this, method, g, args)) return;
    if (g.props.size === 0 && !args.some(isSpread)) {
      args.forEach((a) => this.compileExpr(a));
      fn.emit(Op.CallMethod, fn.name_(method), args.length);
      return;
    }
    this.compileArgsAndKw(g.props, args);
    fn.emit(Op.CallMethodArgs, fn.name_(method));
  }

  // ---- var (gene-core §3.2) ----

  private compileVar(g: GGene): void {
    const typed = annotatedName(g.children[0] ?? null);
    // `(var x: T v)` (LANG-TYPE.3): the value is checked against T before it is bound.
    const [target, valueForm] = typed === null ? g.children : [new Sym(typed, (g.children[0] as Sym).loc), g.children[2]];
    if (target === undefined || g.children.length > (typed === null ? 2 : 3) || (typed !== null && g.children.length < 2)) this.fail('var expects (var name [value]) or (var name: Type [value])', g);
    if (valueForm === undefined) this.fn.emit(Op.Nil);
    else this.compileExpr(valueForm);
    if (typed !== null) emitCheckTop(this, g.children[1]!, `variable ${typed}`, typed);
    if (this.fn.scope.isModuleTop) collectNames(target, this.fn.moduleVars);
    this.bindPattern(target, g);
  }

  /** Bind the value on the stack to a name or destructuring pattern, declaring it; the value stays. */
  bindPattern(target: Value, at: GGene): void {
    const fn = this.fn;
    if (target instanceof Sym) {
      if (target.name.startsWith('$')) {
        fn.emit(Op.StoreDollar, fn.name_(target.name.slice(1)));
        return;
      }
      if (target.name.includes('/') && target.name !== '/') this.fail(`cannot declare a path ${target.name}; use (${target.name} = v)`, at);
      fn.emitStore(fn.declare(target.name), true);
      return;
    }
    if (Array.isArray(target)) {
      const rest = target.find(isSpread);
      if (rest !== undefined) this.fail(`a rest pattern ${rest.name} is not supported in destructuring; bind the array and use .get or a loop`, rest);
      target.forEach((t, i) => {
        fn.emit(Op.DestructIndex, i);
        this.bindPattern(t, at);
        fn.emit(Op.Pop);
      });
      return;
    }
    if (target instanceof GMap) {
      for (const [key, t] of target.entries) {
        fn.emit(Op.DestructKey, fn.name_(key));
        this.bindPattern(t instanceof Sym ? t : new Sym(key), at);
        fn.emit(Op.Pop);
      }
      return;
    }
    this.fail('var expects a name, [a b] or {^k v}', at);
  }

  // ---- fn (gene-core §3.6) ----

  private compileFn(g: GGene): void {
    const fn = this.fn;
    let rest = g.children;
    let nameSym: Sym | undefined;
    if (rest[0] instanceof Sym) {
      nameSym = rest[0];
      rest = rest.slice(1);
    }
    // `fn A/f` and `fn $ns/f` define a namespace member (modules.md#define).
    const isPath = nameSym !== undefined && nameSym.name.includes('/');
    const name = nameSym === undefined ? undefined : shortName(nameSym.name);
    const params = rest[0];
    if (!Array.isArray(params)) this.fail('fn argument list must be an array, e.g. [a b]', g);
    const isAsync = g.props.get('async') === true;
    const split = splitReturnType(rest.slice(1));
    const { returnType } = split;
    // LANG-GEN.1: `fn name*` returns a generator over its body (a closure of the call's locals).
    const body = name !== undefined && name.length > 1 && name.endsWith('*') ? [generatorBody(split.body, g)] : split.body;
    // Declare the name first so the body can call itself.
    const ref = name !== undefined && !isPath ? fn.declare(name) : undefined;
    const unit = this.compileFunction(name ?? '<anonymous>', params, body, g.loc ?? fn.loc, isAsync, false, returnType, g.props);
    fn.emit(Op.Closure, fn.constant(unit));
    if (ref !== undefined) fn.emitStore(ref, true);
    else if (isPath) defineName(this, nameSym!, g);
  }

  /** `returnsSelf`: a constructor, whose value is always `self` (classes.md#ctor). */
  compileFunction(name: string, params: readonly Value[], body: readonly Value[], loc: Loc, isAsync: boolean, returnsSelf = false, returnType?: Value, props?: ReadonlyMap<string, Value>): CodeUnit {
    const outer = this.fn;
    let known = new Set<number>();
    let unit: CodeUnit;
    for (;;) {
      this.fn = new FnState(outer, name, this.file, known, false, loc);
      this.fn.returnsSelf = returnsSelf;
      // LANG-TYPE.3: `-> T` is checked at every return (not for async functions or constructors).
      if (returnType !== undefined && !isAsync && !returnsSelf) this.fn.returnCheck = this.fn.constant(typeCheck(this, returnType, `return value of ${name}`, name));
      this.fn.pushScope();
      const shape = compileParams(this, params);
      if (props !== undefined) compileContracts(this, props, name, isAsync); // LANG-CONTRACT.1
      if (this.options.safepoints) this.fn.emit(Op.CheckChannel);
      if (isAsync) compileProtected(this, () => this.compileBody(body), Op.FutureOk, Op.FutureFail);
      else this.compileBody(body);
      emitReturnOfTop(this);
      if (!this.fn.needsRecompile) {
        unit = this.fn.finish({ ...shape, isAsync });
        break;
      }
      known = new Set(this.fn.captured);
    }
    for (const g of unit.globalNames) outer.globalNames.add(g);
    this.fn = outer;
    return unit;
  }

  /** Replace the value on the stack with `self` (a constructor's result). */
  loadSelfInstead(): void {
    this.fn.emit(Op.Pop);
    this.fn.emitLoad(this.fn.resolve('self'));
  }
}

/** The names a `var` pattern declares. */
function collectNames(target: Value, into: Set<string>): void {
  if (target instanceof Sym) into.add(target.name);
  else if (Array.isArray(target)) target.forEach((t) => collectNames(t, into));
  else if (target instanceof GMap) for (const [k, t] of target.entries) collectNames(t instanceof Sym ? t : new Sym(k), into);
}

/** LANG-MOD.1: read and compile an imported module's file. */
export function compileModuleFile(file: string, options: CompileOptions = DEFAULT_COMPILE_OPTIONS): CodeUnit {
  const source = readSourceFile(file);
  if (!source.ok) {
    if (source.invalidText) throw new ParseError(source.invalidText.detail, source.invalidText.loc);
    throw new ModuleFileError(source.error);
  }
  return new Compiler(file, options).compileModule(readAll(source.text, file));
}

/** `(__generator (fn [] body…))`: the body of a generator function (generators.md). */
function generatorBody(body: readonly Value[], at: GGene): Value {
  const closure = new GGene(new Sym('fn', at.loc), new Map(), [[], ...body], at.loc);
  return new GGene(new Sym('__generator', at.loc), new Map(), [closure], at.loc);
}
