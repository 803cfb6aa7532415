// Result and Option values (spec/language/variants.md): `(Ok v)`, `(Err e)`, `(Some v)` and
// `None` are plain genes whose head is the variant's name, as upstream makes them; `case`/`when`
// patterns, `?` and the types Result/Option recognise them by that head.
import { GGene, Sym, type Value } from '../values/values.js';

/** The variant names and the type each belongs to (LANG-VARIANT.1). */
export const VARIANT_TYPES: Readonly<Record<string, 'Result' | 'Option'>> = { Ok: 'Result', Err: 'Result', Some: 'Option', None: 'Option' };

/** LANG-VARIANT.1: `(Name v)`, a gene with the variant's name as head and `v` as its one child. */
export function makeVariant(name: string, v: Value): GGene {
  return new GGene(new Sym(name), new Map(), [v]);
}

/** LANG-VARIANT.1: `None`, the gene `(None)`. */
export function makeNone(): GGene {
  return new GGene(new Sym('None'));
}

/** The variant name of `v` (`Ok`, `Err`, `Some`, `None`), or undefined for any other value. */
export function variantName(v: Value): string | undefined {
  if (!(v instanceof GGene) || !(v.type instanceof Sym)) return undefined;
  return Object.hasOwn(VARIANT_TYPES, v.type.name) ? v.type.name : undefined;
}

/** LANG-VARIANT.2: whether `v` is one of the variants named in `names` (space-separated). */
export function isVariant(v: Value, names: string): boolean {
  const name = variantName(v);
  return name !== undefined && names.split(' ').includes(name);
}

/** LANG-VARIANT.4: whether `v` belongs to the type named `type` (Result, Option, or a variant name). */
export function variantTypeAccepts(type: string, v: Value): boolean {
  const name = variantName(v);
  return name !== undefined && (name === type || VARIANT_TYPES[name] === type);
}

/** Whether `type` names a variant type or a variant (checked by head, not as a class). */
export function isVariantTypeName(type: string): boolean {
  return type === 'Result' || type === 'Option' || Object.hasOwn(VARIANT_TYPES, type);
}
