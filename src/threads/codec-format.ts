// THR-MSG-COPY.4: the wire format of a copied value, shared by the encoder (codec-encoder.ts) and
// the decoder (codec-decoder.ts): the token tags, the encoded unit, the tables of a message.
import type { EncClass } from './class-codec.js';
import { GMap, type Namespace, type Value } from '../values/values.js';

/**
 * THR-MSG-COPY.4: the wire format is flat, so neither the codec nor postMessage's structured
 * clone ever recurses on the host's stack, however deep the value. An encoded value is either a
 * root scalar (nil, a boolean, an Int) or a token array holding the value in prefix order: every
 * value is a tag (`Tok`) followed by its operands, and a container's header gives its size, so
 * its parts follow it (a map's and an error's entries as key, value; a gene's type, then its
 * props as key, value, then its children). Loc records are small flat objects.
 */
export type Enc = null | boolean | number | unknown[];

/** Token tags of the flat format. */
export const enum Tok {
  Int, // n
  Str, // text
  Nil,
  True,
  False,
  Float, // x
  Sym, // name, loc | 0
  Char, // c
  Arr, // n, then n values
  Map, // n, then n × (key, value)
  Gene, // props, children, loc | 0, then type, props × (key, value), children values
  Range, // start, end, step, explicit
  Thread, // id, secret
  Fn, // index into Tables.f
  Void,
  Native, // name
  Class, // name
  Err, // class name, n, then n × (key, value)
  UserClass, // index into Tables.k (THR-MSG-COPY.5)
  Obj, // class index into Tables.k, n, then n × (key, value) (THR-MSG-COPY.5)
  Ns, // name, n, then n × (key, value): a namespace value's own members (LANG-MOD.7)
}

/**
 * The fields of a CodeUnit as an EncUnit carries them, in order, after its constants. A tuple of
 * plain values, with `code`, `lines` and `cols` as plain arrays: structured clone copies that
 * faster than an object of named fields holding Int32Arrays (each one an ArrayBuffer to allocate
 * on both sides). The task of `(spawn_return 1)` took 17–23 µs to post and receive as objects with
 * Int32Arrays, 9 µs as tuples with plain arrays (THR-PERF warm spawn; wire.ts TaskWire).
 */
export const UNIT_FIELDS = [
  'name', 'file', 'code', 'lines', 'cols', 'names', 'nlocals', 'nparams', 'nrequired', 'restSlot', 'kwParams',
  'fastArity', 'captures', 'isAsync', 'globalNames', 'moduleVars',
] as const;
/** The CodeUnit fields that are Int32Arrays (plain arrays in an EncUnit). */
export const UNIT_ARRAYS: ReadonlySet<string> = new Set(['code', 'lines', 'cols']);

/** A CodeUnit as plain data: its constants encoded (nested units inline), then UNIT_FIELDS. */
export type EncUnit = [consts: EncConst[], ...fields: unknown[]];
export type EncConst = Enc | { u: EncUnit } | { s: { body: EncUnit; [field: string]: unknown } } | { o: Record<string, unknown> };

// Wire field names are one letter on purpose: postMessage's structured clone writes every key of
// every object it copies, so short keys make each message smaller and faster to clone. Each
// field's meaning is in its comment.

/** The graph part of a message: functions, their cells, units and global namespaces. */
export interface Tables {
  /** Code units of the functions (and a spawn body), by index. */
  u: EncUnit[];
  /** Functions: [unit index, namespace index (-1 = the receiver's builtins), cell indices]. */
  f: [number, number, number[]][];
  /** Captured cells' values. */
  c: Enc[];
  /** Global namespaces: the copied module globals the functions use, each name once. */
  n: [string, Enc][][];
  /** User classes (THR-MSG-COPY.5, class-codec.ts), parents first. */
  k?: EncClass[];
}

export interface Encoded {
  /** The root value. */
  r: Enc;
  /** The tables its functions need, when it holds any. */
  t?: Tables;
}
/** Find a builtin native by its name (`println`, `gene/println`, `time/now`). */
export function lookupNative(builtins: Namespace, name: string): Value | undefined {
  const parts = name.split('/');
  let v: Value | undefined = builtins.lookup(parts[0]!)?.v;
  for (let i = 1; i < parts.length && v !== undefined; i++) {
    v = v instanceof GMap ? v.entries.get(parts[i]!) : undefined;
  }
  if (parts.length > 1 && v === undefined) v = builtins.lookup(name)?.v;
  return v;
}
