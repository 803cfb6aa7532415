// Builtin classes, so that `catch String`, `(x is Int)` and error kinds work (gene-core §3.7).
import { ERROR_CLASSES, ROOT_ERROR_CLASS, geneError } from '../values/errors.js';
import {
  GClass, GInstance, VOID, Value, kindName, type ValueKind,
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
  Namespace: cls('Namespace'),
  Generator: cls('Generator'),
} as const;

/** The class of a non-instance value, for `catch Name` and `is`. */
/** The class of each kind of value (null: a class, and void, have none a program can name). */
const CLASS_OF_KIND: Record<ValueKind, (v: Value) => GClass | null> = {
  VkNil: () => BUILTIN_CLASSES.Nil,
  VkBool: () => BUILTIN_CLASSES.Bool,
  VkInt: () => BUILTIN_CLASSES.Int,
  VkFloat: () => BUILTIN_CLASSES.Float,
  VkString: () => BUILTIN_CLASSES.String,
  VkSymbol: () => BUILTIN_CLASSES.Symbol,
  VkComplexSymbol: () => BUILTIN_CLASSES.Symbol,
  VkChar: () => BUILTIN_CLASSES.Char,
  VkArray: () => BUILTIN_CLASSES.Array,
  VkMap: () => BUILTIN_CLASSES.Map,
  VkGene: () => BUILTIN_CLASSES.Gene,
  VkRange: () => BUILTIN_CLASSES.Range,
  VkFunction: () => BUILTIN_CLASSES.Function,
  VkNativeFn: () => BUILTIN_CLASSES.Function,
  VkFuture: () => BUILTIN_CLASSES.Future,
  VkThread: () => BUILTIN_CLASSES.Thread,
  VkThreadMessage: () => BUILTIN_CLASSES.ThreadMessage,
  VkClass: () => null,
  VkInstance: (v) => (v as GInstance).cls,
  VkVoid: () => null,
  VkNamespace: () => BUILTIN_CLASSES.Namespace,
  VkGenerator: () => BUILTIN_CLASSES.Generator,
};

export function classOfValue(v: Value): GClass | null {
  const kind = kindName(v);
  return kind === 'VkUnknown' ? null : CLASS_OF_KIND[kind](v);
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
