// Function parameters (gene-core §3.6): positional, defaults, `rest...`, keyword `^k`, `^^k`,
// `^!k`. Parameters occupy the first local slots.
import { Sym, type KeywordParam, type Value } from '../values/values.js';
import { repr } from '../values/print.js';
import { Op } from '../bytecode/opcodes.js';
import { isSym, type FormCompiler } from './form-compiler.js';
import { typeCheck } from './types.js';

/** Parameters occupy the first slots; defaults are evaluated at call time, left to right. */
export function compileParams(c: FormCompiler, params: readonly Value[]) {
  const fn = c.fn;
  type P = { name: string; kw: boolean; required: boolean; def?: Value; rest?: boolean; type?: Value };
  const parsed: P[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (!(p instanceof Sym)) c.fail(`bad parameter ${repr(p)}: expected a name, e.g. [a b = 1 rest... ^k]`, p);
    let name = p.name;
    let kw = false;
    let def: Value | undefined;
    if (name.startsWith('^^')) [kw, name, def] = [true, name.slice(2), true];
    else if (name.startsWith('^!')) [kw, name, def] = [true, name.slice(2), null];
    else if (name.startsWith('^')) [kw, name] = [true, name.slice(1)];
    // `x: Type` (LANG-TYPE.2): the type form follows the name.
    let type: Value | undefined;
    if (name.length > 1 && name.endsWith(':')) {
      name = name.slice(0, -1);
      if (i + 1 >= params.length) c.fail(`parameter ${name}: needs a type, e.g. [${name}: Int]`, p);
      type = params[++i];
    }
    if (isSym(params[i + 1] ?? null, '=')) {
      if (i + 2 >= params.length) c.fail(`parameter ${name} = needs a default value`);
      def = params[i + 2];
      i += 2;
    }
    const isRest = !kw && name.endsWith('...');
    if (isRest) name = name.slice(0, -3);
    parsed.push({ name, kw, required: def === undefined && !isRest, def, rest: isRest, type });
  }
  const positional = parsed.filter((p) => !p.kw && !p.rest);
  const restP = parsed.find((p) => p.rest);
  const kws = parsed.filter((p) => p.kw);
  const ordered = [...positional, ...(restP ? [restP] : []), ...kws];
  const slots = ordered.map((p) => {
    const ref = fn.declare(p.name, true);
    return { p, slot: ref.kind === 'cell' || ref.kind === 'local' ? ref.slot : -1 };
  });
  for (const { p, slot } of slots) {
    if (p.def === undefined) continue;
    const skip = fn.emitJump(Op.BindDefault, slot);
    c.compileExpr(p.def);
    fn.emitStore(fn.refForSlot(slot));
    fn.emit(Op.Pop);
    fn.patch(skip);
  }
  // LANG-TYPE.2: positional parameters are checked as upstream checks them (keyword and rest
  // parameters' types are accepted and not checked). Unannotated parameters emit nothing.
  for (const { p, slot } of slots) {
    if (p.type === undefined || p.kw || p.rest) continue;
    fn.emit(Op.CheckParam, slot, fn.constant(typeCheck(c, p.type, `parameter ${p.name} of ${fn.name}`, p.name)));
  }
  const kwParams: KeywordParam[] = slots
    .filter(({ p }) => p.kw)
    .map(({ p, slot }) => ({ name: p.name, slot, required: p.required }));
  return {
    nparams: positional.length,
    nrequired: positional.filter((p) => p.required).length,
    restSlot: restP ? slots.find((s) => s.p === restP)!.slot : -1,
    kwParams,
  };
}
