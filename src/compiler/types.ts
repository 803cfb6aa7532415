// Type annotations in source (spec/language/types.md): `[x: Int]` parameters, `-> T` return
// types, `(var x: T v)` and `(type Name T)` aliases. Annotated code gets CheckParam/CheckType
// instructions; unannotated code compiles exactly as before (LANG-TYPE.4).
import { GGene, Sym, type Value } from '../values/values.js';
import { repr } from '../values/print.js';
import type { TypeCheck, TypeExpr } from '../values/types.js';
import { Op } from '../bytecode/opcodes.js';
import { isSym, type FormCompiler } from './form-compiler.js';

/** `x:` (a name followed by its type): the name, else null. */
export function annotatedName(v: Value): string | null {
  return v instanceof Sym && v.name.length > 1 && v.name.endsWith(':') ? v.name.slice(0, -1) : null;
}

/** LANG-TYPE.1: a type form as data: `Int`, `Any`, `(A | B)`, `(Array Int)`, `(Fn [A] R)`, an alias. */
export function parseType(c: FormCompiler, form: Value): TypeExpr {
  if (form instanceof Sym) {
    if (form.name === 'Any') return { k: 'any' };
    return c.typeAliases.get(form.name) ?? { k: 'name', name: form.name };
  }
  if (form instanceof GGene && form.children.some((p) => p instanceof Sym && p.name === '|')) {
    const members = [form.type, ...form.children].filter((p) => !(p instanceof Sym && p.name === '|'));
    return { k: 'union', of: members.map((m) => parseType(c, m)) };
  }
  if (form instanceof GGene && form.type instanceof Sym) {
    const parts = form.children;
    const args = parts.flatMap((p) => (Array.isArray(p) ? p : [p])).map((p) => parseType(c, p));
    // `(Result Int String)` of a `(type (Result T E) …)` alias: its arguments are not checked.
    return c.typeAliases.get(form.type.name) ?? { k: 'app', head: form.type.name, args };
  }
  c.fail(`bad type ${repr(form)}: expected a name such as Int, (A | B) or (Array T)`, form);
}

export function typeCheck(c: FormCompiler, form: Value, what: string, name: string): TypeCheck {
  return { kind: 'type', type: parseType(c, form), text: repr(form), what, name };
}

/** LANG-TYPE.3: check the value on the stack against `form` (a return value, a variable's value). */
export function emitCheckTop(c: FormCompiler, form: Value, what: string, name: string): void {
  c.fn.emit(Op.CheckType, c.fn.constant(typeCheck(c, form, what, name)));
}

/**
 * LANG-TYPE.1: `(type Name T)` names a type for the rest of the file; its value is nil.
 * `(type (Name P…) T)` has parameters, which stand for any type inside T (LANG-VARIANT.4).
 */
export function compileTypeAlias(c: FormCompiler, g: GGene): void {
  const [head, form] = g.children;
  const name = head instanceof GGene ? head.type : head;
  const params = head instanceof GGene ? head.children : [];
  if (!(name instanceof Sym) || form === undefined || g.children.length !== 2) c.fail('type expects (type Name T) or (type (Name P…) T)', g);
  const shadowed = new Map<string, TypeExpr | undefined>();
  for (const p of params) {
    if (!(p instanceof Sym)) c.fail(`bad type parameter ${repr(p)}: expected a name`, g);
    shadowed.set(p.name, c.typeAliases.get(p.name));
    c.typeAliases.set(p.name, { k: 'any' });
  }
  const type = parseType(c, form);
  shadowed.forEach((t, p) => (t === undefined ? c.typeAliases.delete(p) : c.typeAliases.set(p, t)));
  c.typeAliases.set(name.name, type);
  c.fn.emit(Op.Nil);
}

/**
 * `[params] -> T ! [Effects] body…`: the return type form (or undefined) and the body. Effect
 * lists are accepted and not checked (LANG-TYPE.1), as upstream.
 */
export function splitReturnType(rest: readonly Value[]): { returnType: Value | undefined; body: Value[] } {
  let i = 0;
  let returnType: Value | undefined;
  if (isSym(rest[0] ?? null, '->') && rest.length >= 2) [returnType, i] = [rest[1], 2];
  if (isSym(rest[i] ?? null, '!') && Array.isArray(rest[i + 1])) i += 2;
  return { returnType, body: rest.slice(i) };
}
