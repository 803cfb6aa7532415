// Methods of Ints and Floats, and `.to Type` conversions (spec/language/types.md, LANG-TYPE.5):
// `(2 .to Float)` is 2.0, `(8.8 .to Int)` is 8 with upstream's lossy-conversion warning; nothing
// else converts with `.to` (`("3" .to Int)`, `(3 .to String)` are TypeErrors, as upstream).
import type { NativeContext } from '../contract/host.js';
import { BUILTIN_CLASSES } from '../ops/classes.js';
import { checkType } from '../ops/types.js';
import { geneError } from '../values/errors.js';
import { display } from '../values/print.js';
import { GClass, GFloat, GString, INT_MAX, INT_MIN, kindName, typeOf, type NativeResult, type Value } from '../values/values.js';

type Table = Record<string, (vm: NativeContext, self: any, args: Value[]) => NativeResult>;

/** LANG-TYPE.5: `(x .to Int)`, `(x .to Float)` on numbers; other conversions are TypeErrors (as upstream). */
function to(vm: NativeContext, self: Value, [target]: Value[]): Value {
  if (!(target instanceof GClass)) throw geneError('TypeError', `.to expects a type such as Int or Float, got ${kindName(target ?? null)}`);
  const name = target.name;
  if (self instanceof GString || (name !== 'Int' && name !== 'Float')) throw geneError('TypeError', `cannot convert ${typeOf(self)} to ${name}`);
  const check = { kind: 'type', type: { k: 'name', name }, text: name, what: 'value', name: 'value' } as const;
  const builtin = (n: string) => (BUILTIN_CLASSES as Record<string, GClass>)[n];
  return checkType(self, check, builtin, (line) => vm.host.write(2, line + '\n'));
}

export const INT_METHODS: Table = {
  to_i: (_, n: number) => n,
  to_f: (_, n: number) => new GFloat(n),
  to,
};

export const FLOAT_METHODS: Table = {
  to_i: (_, x: GFloat) => truncate(x.v), // silently, as upstream (unlike `.to Int`)
  to_f: (_, x: GFloat) => x,
  to,
};

export const STRING_TO: Table = { to };

function truncate(x: number): number {
  const n = Math.trunc(x);
  if (!Number.isFinite(n) || n > INT_MAX || n < INT_MIN) throw geneError('IntegerOverflow', `${display(new GFloat(x))} is outside the 48-bit Int range`);
  return n;
}
