// Contracts (spec/language/contracts.md): `^pre [cond…]` checked after the arguments are bound,
// `^post [cond…]` checked at every return with `result` bound to the value returned. A false
// condition runs ContractFail, which raises ContractViolation naming it and the arguments.
import { repr } from '../values/print.js';
import type { Value } from '../values/values.js';
import type { ContractCheck } from '../values/types.js';
import { Op } from '../bytecode/opcodes.js';
import type { FormCompiler } from './form-compiler.js';

function conditions(c: FormCompiler, props: ReadonlyMap<string, Value>, key: 'pre' | 'post'): Value[] {
  const v = props.get(key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) c.fail(`^${key} expects an array of conditions, e.g. ^${key} [(x > 0)]`);
  return v;
}

/** One condition: evaluate it, and when it is false raise ContractViolation (LANG-CONTRACT.1). */
function emitCondition(c: FormCompiler, cond: Value, check: ContractCheck): void {
  const fn = c.fn;
  c.compileExpr(cond);
  const ok = fn.emitJump(Op.JumpIfTrue);
  fn.emit(Op.ContractFail, fn.constant(check));
  fn.patch(ok);
}

/**
 * LANG-CONTRACT.1/2: called right after the parameters are bound, in the function's top scope.
 * Emits the preconditions now and arranges for the postconditions at every return.
 */
export function compileContracts(c: FormCompiler, props: ReadonlyMap<string, Value>, fullName: string, isAsync: boolean): void {
  const pre = conditions(c, props, 'pre');
  const post = isAsync ? [] : conditions(c, props, 'post');
  if (c.options.contracts === false || (pre.length === 0 && post.length === 0)) return; // LANG-CONTRACT.3
  const fn = c.fn;
  const name = fullName.slice(fullName.lastIndexOf('.') + 1); // a method is named without its class, as upstream
  const params = [...fn.scope.vars].map(([n, slot]) => ({ name: n, slot }));
  const check = (which: 'pre' | 'post', i: number, cond: Value): ContractCheck => ({
    kind: 'contract',
    head: `${name} ${which}condition #${i + 1} failed: ${repr(cond)}`,
    params,
    post: which === 'post',
  });
  pre.forEach((cond, i) => emitCondition(c, cond, check('pre', i, cond)));
  if (post.length === 0) return;
  fn.onReturn = () => {
    // `result` is bound, for the conditions only, to the value being returned (still on the stack).
    fn.pushScope();
    fn.emitStore(fn.declare('result'), true);
    post.forEach((cond, i) => emitCondition(c, cond, check('post', i, cond)));
    fn.popScope();
  };
}

