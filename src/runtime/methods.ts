// Methods of builtin kinds (gene-core §5.3–§5.5, §7; THR-API.2). Higher-order methods are Gene
// functions from the prelude, so a callback is an ordinary frame (no JavaScript recursion).
import type { NativeContext } from '../contract/host.js';
import { checkWritable } from '../ops/access.js';
import { geneError } from '../values/errors.js';
import { isInstanceOf } from '../ops/classes.js';
import {
  appendText, checkArrayGrowth, codePointAt, codePointIndexOf, codePoints, parseFloatStrict, parseIntStrict, sliceCodePoints,
} from '../ops/strings.js';
import { settleFuture } from './futures.js';
import { FLOAT_METHODS, INT_METHODS, STRING_TO } from './number-methods.js';
import { GENERATOR_METHODS } from './generators.js';
import { preludeFunction } from './prelude.js';
import {
  GChar, GClass, GFunction, GFuture, GInstance, GMap, GString, NativeFn, Sym, ThreadHandle, ThreadMessageValue, Value,
  kindName, str, sym, type NativeResult,
} from '../values/values.js';
import { equals } from '../values/equality.js';
import { display } from '../values/print.js';

export type NativeMethod = (self: Value, args: Value[], kw: Map<string, Value> | null) => NativeResult;
type Table = Record<string, (vm: NativeContext, self: any, args: Value[]) => NativeResult>;

function int(v: Value | undefined, what: string): number {
  if (typeof v !== 'number') throw geneError('TypeError', `${what} expects an Int, got ${kindName(v ?? null)}`);
  return v;
}

function string(v: Value | undefined, what: string): string {
  if (v instanceof GString) return v.s;
  if (v instanceof Sym) return v.name;
  throw geneError('TypeError', `${what} expects a String, got ${kindName(v ?? null)}`);
}

const ARRAY: Table = {
  size: (_, a: Value[]) => a.length,
  length: (_, a: Value[]) => a.length,
  add: (_, a: Value[], [v]) => (checkArrayGrowth(a.length, 1), a.push(v ?? null), a),
  append: (_, a: Value[], [v]) => (checkArrayGrowth(a.length, 1), a.push(v ?? null), a),
  get: (_, a: Value[], [i]) => {
    const j = int(i, '.get');
    return j >= 0 && j < a.length ? a[j]! : null;
  },
  set: (_, a: Value[], [i, v]) => {
    let j = int(i, '.set');
    if (j < 0) j += a.length;
    if (j < 0 || j >= a.length) throw geneError('IndexError', 'set index out of bounds');
    a[j] = v ?? null;
    return a;
  },
  del: (_, a: Value[], [i]) => {
    const j = int(i, '.del');
    if (j < 0 || j >= a.length) throw geneError('IndexError', `Array index out of bounds: ${j} (len=${a.length})`);
    return a.splice(j, 1)[0]!;
  },
  first: (_, a: Value[]) => (a.length > 0 ? a[0]! : null),
  last: (_, a: Value[]) => (a.length > 0 ? a[a.length - 1]! : null),
  empty: (_, a: Value[]) => a.length === 0,
  contains: (_, a: Value[], [v]) => a.some((x) => equals(x, v ?? null)),
  join: (_, a: Value[], [sep]) => str(a.map(display).join(sep === undefined ? '' : string(sep, '.join'))),
  to_s: (_, a: Value[]) => str(display(a)),
};

const MAP: Table = {
  size: (_, m: GMap) => m.entries.size,
  get: (_, m: GMap, [k, def]) => m.entries.get(string(k, '.get')) ?? def ?? null,
  set: (_, m: GMap, [k, v]) => {
    checkWritable(m);
    m.entries.set(string(k, '.set'), v ?? null);
    return m;
  },
  contains: (_, m: GMap, [k]) => m.entries.has(string(k, '.contains')),
  has: (_, m: GMap, [k]) => m.entries.has(string(k, '.has')),
  keys: (_, m: GMap) => [...m.entries.keys()].map(str),
  values: (_, m: GMap) => [...m.entries.values()],
  to_s: (_, m: GMap) => str(display(m)),
};

const STRING: Table = {
  // [rule] LANG-CORE.9: every position and length counts code points (ops/strings.ts).
  length: (_, s: GString) => codePoints(s).length,
  size: (_, s: GString) => codePoints(s).length,
  append: (_, s: GString, args) => {
    for (const a of args) appendText(s, display(a));
    return s;
  },
  to_upper: (_, s: GString) => str(s.s.replace(/[a-z]/g, (c) => c.toUpperCase())),
  to_lower: (_, s: GString) => str(s.s.replace(/[A-Z]/g, (c) => c.toLowerCase())),
  substr: (_, s: GString, [start, end]) => {
    const n = codePoints(s).length;
    let a = int(start, '.substr');
    if (a < 0) a += n;
    let b = end === undefined ? n - 1 : int(end, '.substr');
    if (b < 0) b += n;
    return str(sliceCodePoints(s, a, b + 1));
  },
  split: (_, s: GString, [sep]) => s.s.split(string(sep, '.split')).map(str),
  index: (_, s: GString, [x]) => codePointIndexOf(s, s.s.indexOf(string(x, '.index'))),
  rindex: (_, s: GString, [x]) => codePointIndexOf(s, s.s.lastIndexOf(string(x, '.rindex'))),
  trim: (_, s: GString) => str(s.s.trim()),
  starts_with: (_, s: GString, [x]) => s.s.startsWith(string(x, '.starts_with')),
  ends_with: (_, s: GString, [x]) => s.s.endsWith(string(x, '.ends_with')),
  contain: (_, s: GString, [x]) => s.s.includes(string(x, '.contain')),
  contains: (_, s: GString, [x]) => s.s.includes(string(x, '.contains')),
  replace: (_, s: GString, [a, b]) => str(s.s.replace(string(a, '.replace'), () => string(b, '.replace'))),
  replace_all: (_, s: GString, [a, b]) => str(s.s.split(string(a, '.replace_all')).join(string(b, '.replace_all'))),
  char_at: (_, s: GString, [i]) => {
    const j = int(i, '.char_at');
    const c = codePointAt(s, j);
    if (c === undefined) throw geneError('IndexError', `char_at index ${j} is out of bounds (length ${codePoints(s).length})`);
    return new GChar(c);
  },
  to_i: (_, s: GString) => parseIntStrict(s.s),
  to_f: (_, s: GString) => parseFloatStrict(s.s),
  to_s: (_, s: GString) => str(s.s),
  ...STRING_TO,
};

const FUTURE: Table = {
  state: (_, f: GFuture) => sym(f.state),
  value: (_, f: GFuture) => f.value,
  complete: (vm, f: GFuture, [v]) => (settleFuture(vm, f, 'success', v ?? null), f),
  on_success: (vm, f: GFuture, [cb]) => onSettled(vm, f, cb, 'success'),
  on_failure: (vm, f: GFuture, [cb]) => {
    f.observed = true;
    return onSettled(vm, f, cb, 'failure');
  },
};

/** Already settled: the callback runs now; else it is queued and runs once (gene-core §7). */
function onSettled(vm: NativeContext, f: GFuture, cb: Value | undefined, state: 'success' | 'failure'): NativeResult {
  if (!(cb instanceof GFunction || cb instanceof NativeFn)) {
    throw geneError('TypeError', `on_${state} expects a function, got ${kindName(cb ?? null)}`);
  }
  if (f.state === state) return vm.callThen(cb, [f.value], f);
  if (f.state === 'pending') f.callbacks.push(state === 'success' ? { ok: cb } : { fail: cb });
  return f;
}

const MESSAGE: Table = {
  payload: (_, m: ThreadMessageValue) => m.payload,
  sender: (_, m: ThreadMessageValue) => m.sender,
  handled: (_, m: ThreadMessageValue) => m.handled,
  mark_handled: (_, m: ThreadMessageValue) => ((m.handled = true), null),
  reply: (vm, m: ThreadMessageValue, args) => (vm.host.reply(vm, m, args[0] ?? null), null),
};

/** Methods every value has (classes.md#is): `(x .is Class)` is `(x is Class)`. */
const UNIVERSAL: Table = {
  is: (_, self: Value, [c]) => isInstanceOf(self, c ?? null),
};

const HIGHER_ORDER: Record<string, Record<string, string>> = {
  VkArray: { map: 'array_map', filter: 'array_filter', reduce: 'array_reduce', each: 'array_each' },
  VkMap: { map: 'map_map', filter: 'map_filter', reduce: 'map_reduce', each: 'map_each' },
};

const TABLES: Record<string, Table> = {
  VkArray: ARRAY,
  VkMap: MAP,
  VkString: STRING,
  VkInt: INT_METHODS,
  VkGenerator: GENERATOR_METHODS,
  VkFloat: FLOAT_METHODS,
  VkFuture: FUTURE,
  VkThreadMessage: MESSAGE,
};

/** Find a method: a native (called at once) or a prelude Gene function (called with a frame). */
export function lookupMethod(vm: NativeContext, receiver: Value, name: string): NativeMethod | GFunction {
  if (receiver instanceof GInstance) {
    // classes.md#lookup: the receiver's class, then its ancestors.
    const m = receiver.cls.findMethod(name);
    if (m !== undefined) return m;
  }
  const universal = UNIVERSAL[name];
  if (universal !== undefined) return (self, args) => universal(vm, self, args);
  const kind = kindName(receiver);
  const prelude = HIGHER_ORDER[kind]?.[name];
  if (prelude !== undefined) return preludeFunction(vm, prelude);
  if (receiver instanceof ThreadHandle) {
    return (self, args) => vm.host.threadMethod(vm, self as ThreadHandle, name, args);
  }
  const table = TABLES[kind];
  const m = table?.[name];
  if (m !== undefined) return (self, args) => m(vm, self, args);
  if (name === 'to_s') return (self) => str(display(self));
  // [rule] classes.md#method-not-found: the message names the method and the receiver's class.
  if (receiver instanceof GInstance) throw geneError('MethodNotFound', `Method ${name} not found on an instance of ${receiver.cls.name}`);
  if (receiver instanceof GClass) throw geneError('MethodNotFound', `Method ${name} not found on class ${receiver.name}`);
  throw geneError('MethodNotFound', `Method ${name} not found on ${kind}`);
}
