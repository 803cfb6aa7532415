// Builtin classes, so that `catch String`, `(x is Int)` and error kinds work (gene-core §3.7).
import { ERROR_CLASSES, ROOT_ERROR_CLASS, geneError } from '../values/errors.js';
import {
  GChar, GClass, GFloat, GFunction, GFuture, GGene, GInstance, GMap, GRange, GString, NativeFn, Sym,
  ThreadHandle, ThreadMessageValue, VOID, Value, kindName,
} from '../values/values.js';

const OBJECT = new GClass('Object', null);
const cls = (name: string) => new GClass(name, OBJECT);

export const BUILTIN_CLASSES = {
  Object: OBJECT,
  Nil: cls('Nil'),
  Bool: cls('Bool'),
  Int: cls('Int'),
  Float: cls('Float'),
  String: cls('String'),
  Symbol: cls('Symbol'),
  Char: cls('Char'),
  Array: cls('Array'),
  Map: cls('Map'),
  Gene: cls('Gene'),
  Range: cls('Range'),
  Function: cls('Function'),
  Future: cls('Future'),
  Thread: cls('Thread'),
  ThreadMessage: cls('ThreadMessage'),
} as const;

/** The class of a non-instance value, for `catch Name` and `is`. */
export function classOfValue(v: Value): GClass | null {
  const c = BUILTIN_CLASSES;
  if (v === null) return c.Nil;
  if (typeof v === 'boolean') return c.Bool;
  if (typeof v === 'number') return c.Int;
  if (Array.isArray(v)) return c.Array;
  if (v instanceof GFloat) return c.Float;
  if (v instanceof GString) return c.String;
  if (v instanceof Sym) return c.Symbol;
  if (v instanceof GChar) return c.Char;
  if (v instanceof GMap) return c.Map;
  if (v instanceof GGene) return c.Gene;
  if (v instanceof GRange) return c.Range;
  if (v instanceof GFunction || v instanceof NativeFn) return c.Function;
  if (v instanceof GFuture) return c.Future;
  if (v instanceof ThreadHandle) return c.Thread;
  if (v instanceof ThreadMessageValue) return c.ThreadMessage;
  if (v instanceof GInstance) return v.cls;
  return null;
}

/** Every class a program can name: builtin types and the error kinds (THR-ERR.3). */
export function allClasses(): [string, GClass][] {
  return [
    ...Object.entries(BUILTIN_CLASSES),
    ...[...ERROR_CLASSES.entries()].map(([k, v]) => [k, v] as [string, GClass]),
    ['Exception', ROOT_ERROR_CLASS],
  ];
}

/** Class check for `catch Name` and `is` (THR-ERR.3: error kinds are classes under GeneException). */
export function isInstanceOf(v: Value, cls: Value): boolean {
  if (cls === VOID) return false; // an undefined class name in a catch clause matches nothing
  if (!(cls instanceof GClass)) throw geneError('TypeError', `Expected a class, got ${kindName(cls)}`);
  if (v instanceof GInstance) return v.cls.isSubclassOf(cls);
  const c = classOfValue(v);
  return c !== null && c.isSubclassOf(cls);
}
