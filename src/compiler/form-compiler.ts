// What the form compilers (control.ts, infix.ts, threads.ts, variants.ts) use of the compiler. They see it
// through this interface so that they and compiler.ts do not import each other.
import type { CodeUnit, GGene, Loc, Value } from '../values/values.js';
import { Sym } from '../values/values.js';
import type { FnState } from './emitter.js';
import type { TypeExpr } from '../values/types.js';
import { Op } from '../bytecode/opcodes.js';

export interface CompileOptions {
  /** Emit CheckChannel safepoints (THR-CHAN.2). Off only for the overhead benchmark. */
  readonly safepoints: boolean;
  /**
   * Set while compiling a spawned body (and the modules it imports): its imports carry the
   * compiled module, since a worker has no compiler (LANG-MOD.7). Absolute path → unit, or
   * 'compiling' while the module itself is being compiled (a cycle).
   */
  readonly embedImports?: Map<string, CodeUnit | 'compiling'>;
  /** Compile `^pre`/`^post` checks (LANG-CONTRACT.3: off with `--contracts=off`). */
  readonly contracts?: boolean;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { safepoints: true };

export interface FormCompiler {
  readonly file: string;
  readonly options: CompileOptions;
  /** The function being compiled now. */
  readonly fn: FnState;
  compileExpr(v: Value): void;
  compileBody(forms: readonly Value[]): void;
  bindPattern(target: Value, at: GGene): void;
  fail(message: string, at?: Value): never;
  compileSeparateModule(forms: Value[], name: string, loc?: Loc): CodeUnit;
  /** Read and compile an imported file with these options (ParseError, CompileError, ModuleFileError). */
  compileModuleFile(file: string): CodeUnit;
  /** `returnsSelf`: a constructor, whose value is always `self` (classes.md#ctor); `returnType`: the form after `->`; `props`: `^pre`/`^post`. */
  compileFunction(name: string, params: readonly Value[], body: readonly Value[], loc: Loc, isAsync: boolean, returnsSelf?: boolean, returnType?: Value, props?: ReadonlyMap<string, Value>): CodeUnit;
  /** `(type Name T)` aliases seen so far in this file (types.md). */
  readonly typeAliases: Map<string, TypeExpr>;
  /** Push [args kw] for a call with keyword arguments or spreads. */
  compileArgsAndKw(props: ReadonlyMap<string, Value>, args: readonly Value[]): void;
  /** Replace the value on the stack with `self` (a constructor's result). */
  loadSelfInstead(): void;
}

export function isSym(v: Value, name?: string): v is Sym {
  return v instanceof Sym && (name === undefined || v.name === name);
}

export function isSpread(v: Value): v is Sym {
  return v instanceof Sym && v.name.length > 3 && v.name.endsWith('...');
}

/**
 * Run `body` under a handler: on success apply `okOp` to its value, on a throw apply `failOp`
 * to the thrown value (used by `async` and `^^async` functions, gene-core §7).
 */
export function compileProtected(c: FormCompiler, body: () => void, okOp: Op, failOp: Op): void {
  const fn = c.fn;
  const depth = fn.depth;
  const handler = fn.emitJump(Op.TryBegin);
  fn.exits.push({ kind: 'handler' });
  body();
  fn.exits.pop();
  fn.emit(Op.TryEnd);
  fn.emit(okOp);
  const end = fn.emitJump(Op.Jump);
  fn.depth = depth + 1; // the handler starts with the thrown value on the stack
  fn.patch(handler);
  fn.emit(failOp);
  fn.patch(end);
}


/** Return the value on the stack from the running function: `return`, and `?` on Err/None. */
export function emitReturnOfTop(c: FormCompiler): void {
  const fn = c.fn;
  const depth = fn.depth;
  if (fn.returnsSelf) c.loadSelfInstead();
  if (fn.returnCheck >= 0) fn.emit(Op.CheckType, fn.returnCheck); // LANG-TYPE.3
  fn.emitExits(0);
  fn.onReturn?.(); // LANG-CONTRACT.2
  fn.emit(Op.Return);
  fn.depth = depth; // nominally the expression's value
}
