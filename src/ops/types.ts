// Run-time checks of type annotations (spec/language/types.md): a value against a type, with
// upstream's two conversions (an Int where only Float fits becomes a Float; a Float where only
// Int fits is truncated, with a warning when that loses something). nil passes every check.
import { geneError } from '../values/errors.js';
import { display } from '../values/print.js';
import type { TypeCheck, TypeExpr } from '../values/types.js';
import { GClass, GFloat, GFunction, INT_MAX, INT_MIN, NativeFn, typeOf, type Value } from '../values/values.js';
import { isInstanceOf } from './classes.js';
import { isVariantTypeName, variantTypeAccepts } from './variants.js';

/** Finds what a type name means where the check runs: a class, or undefined. */
export type TypeNameLookup = (name: string) => Value | undefined;

/** LANG-TYPE.2: `v` checked against `check`; returns it, converted. TypeError names what and where. */
export function checkType(v: Value, check: TypeCheck, lookup: TypeNameLookup, warn: (line: string) => void): Value {
  if (v === null || accepts(check.type, v, check, lookup)) return v;
  if (typeof v === 'number' && accepts(check.type, new GFloat(v), check, lookup)) return new GFloat(v);
  if (v instanceof GFloat && accepts(check.type, 0, check, lookup)) {
    const n = Math.trunc(v.v);
    if (Number.isFinite(n) && n >= INT_MIN && n <= INT_MAX) {
      if (n !== v.v) warn(`Warning: Lossy conversion Float -> Int for ${check.name}: ${display(v)} -> ${n}`);
      return n;
    }
  }
  throw geneError('TypeError', `${check.what} expects ${check.text}, got ${typeOf(v)}`);
}

function accepts(t: TypeExpr, v: Value, check: TypeCheck, lookup: TypeNameLookup): boolean {
  switch (t.k) {
    case 'any':
      return true;
    case 'union':
      return t.of.some((u) => accepts(u, v, check, lookup));
    case 'app':
      return acceptsName(t.head, v, check, lookup);
    case 'name':
      return acceptsName(t.name, v, check, lookup);
  }
}

/** `Any`, `Numeric` (Int or Float), `Fn` (any function), Result/Option and their variants, else a class. */
function acceptsName(name: string, v: Value, check: TypeCheck, lookup: TypeNameLookup): boolean {
  if (name === 'Any') return true;
  if (name === 'Numeric') return typeof v === 'number' || v instanceof GFloat;
  if (name === 'Fn') return v instanceof GFunction || v instanceof NativeFn;
  const cls = lookup(name);
  if (!(cls instanceof GClass) && isVariantTypeName(name)) return variantTypeAccepts(name, v); // LANG-VARIANT.4
  if (!(cls instanceof GClass)) throw geneError('TypeError', `${check.what} is declared ${check.text}, but ${name} is not a type or class`);
  return isInstanceOf(v, cls);
}
