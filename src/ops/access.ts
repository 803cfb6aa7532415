// Path access `a/b/c`, path assignment, destructuring and iteration (gene-core §3.2, §3.5, §5.1).
import { geneError } from '../values/errors.js';
import {
  GGene, GInstance, GMap, GRange, GString, Namespace, Sym, VOID, Value, kindName,
} from '../values/values.js';

/** `obj/name`: map key, gene property, error field; void when missing (gene-core §5.1). */
export function getMember(obj: Value, name: string): Value {
  if (obj instanceof GMap) return present(obj.entries.get(name));
  if (obj instanceof GGene) return present(obj.props.get(name));
  if (obj instanceof GInstance) return present(obj.props.get(name));
  if (obj instanceof Namespace) return present(obj.cells.get(name)?.v); // modules.md#ns-path
  return VOID;
}

/** A stored nil is nil; only a missing key is void. */
function present(v: Value | undefined): Value {
  return v === undefined ? VOID : v;
}

/** A name segment that falls back to a variable's value as the key or index. */
export function getMemberVar(obj: Value, name: string, variable: Value): Value {
  if (obj instanceof GMap) {
    const direct = obj.entries.get(name);
    if (direct !== undefined) return direct;
    const key = keyOf(variable);
    return key === undefined ? VOID : obj.entries.get(key) ?? VOID;
  }
  if (Array.isArray(obj) || obj instanceof GGene) {
    if (typeof variable === 'number') return getIndex(obj, variable);
    return obj instanceof GGene ? obj.props.get(name) ?? VOID : VOID;
  }
  return getMember(obj, name);
}

function keyOf(v: Value): string | undefined {
  if (typeof v === 'number') return String(v);
  if (v instanceof GString) return v.s;
  if (v instanceof Sym) return v.name;
  return undefined;
}

/** `obj/i`: array element or gene child; negative counts from the end; void when absent. */
export function getIndex(obj: Value, i: number): Value {
  const items = Array.isArray(obj) ? obj : obj instanceof GGene ? obj.children : undefined;
  if (items === undefined) return VOID;
  const j = i < 0 ? items.length + i : i;
  return j >= 0 && j < items.length ? items[j]! : VOID;
}

export function setMember(obj: Value, name: string, v: Value): void {
  if (obj instanceof GMap) {
    checkWritable(obj);
    obj.entries.set(name, v);
  }
  else if (obj instanceof GGene) obj.props.set(name, v);
  else if (obj instanceof GInstance) obj.props.set(name, v);
  else if (obj instanceof Namespace) obj.define(name, v);
  else throw geneError('TypeError', `Cannot set ${name} on a value of type: ${kindName(obj)}`);
}

/** Builtin namespaces are read-only (THR-RESET.1: a reused worker must not keep a task's changes). */
export function checkWritable(m: GMap): void {
  if (m.builtinNamespace !== undefined) {
    throw geneError('TypeError', `${m.builtinNamespace} is a builtin namespace and cannot be changed`);
  }
}

export function setMemberDyn(obj: Value, key: Value, v: Value): void {
  if (typeof key === 'number' && (Array.isArray(obj) || obj instanceof GGene)) return setIndex(obj, key, v);
  const k = keyOf(key);
  if (k === undefined) throw geneError('TypeError', `Cannot use a value of type ${kindName(key)} as a key`);
  setMember(obj, k, v);
}

/** Array assignment must stay in bounds: no negative index, no auto-grow (gene-core §3.2). */
export function setIndex(obj: Value, i: number, v: Value): void {
  const items = Array.isArray(obj) ? obj : obj instanceof GGene ? obj.children : undefined;
  if (items === undefined) throw geneError('TypeError', `Cannot set index ${i} on a value of type: ${kindName(obj)}`);
  if (i < 0 || i >= items.length) throw geneError('IndexError', `Array index out of bounds: ${i} (len=${items.length})`);
  items[i] = v;
}

export function destructIndex(obj: Value, i: number): Value {
  const v = getIndex(obj, i);
  return v === VOID ? null : v;
}

export function destructKey(obj: Value, name: string): Value {
  const v = getMember(obj, name);
  return v === VOID ? null : v;
}

// ---- iteration (gene-core §3.5) ----

/** Yields (key, value) pairs: array index/element, map key/value, range index/number. */
export interface GeneIterator {
  next(): boolean;
  key: Value;
  value: Value;
}

class ArrayIterator implements GeneIterator {
  private i = -1;
  key: Value = null;
  value: Value = null;
  constructor(private readonly items: readonly Value[]) {}
  next(): boolean {
    if (++this.i >= this.items.length) return false;
    this.key = this.i;
    this.value = this.items[this.i]!;
    return true;
  }
}

class RangeIterator implements GeneIterator {
  private i = -1;
  private current: number;
  key: Value = null;
  value: Value = null;
  constructor(private readonly r: GRange) {
    this.current = r.start - r.step;
  }
  next(): boolean {
    const nextValue = this.current + this.r.step;
    const done = this.r.step > 0 ? nextValue > this.r.end : this.r.step < 0 ? nextValue < this.r.end : true;
    if (done) return false;
    this.current = nextValue;
    this.key = ++this.i;
    this.value = nextValue;
    return true;
  }
}

/** [rule] §3.5: maps iterate entries in insertion order; the element is `[k v]`. */
class MapIterator implements GeneIterator {
  private readonly it: Iterator<[string, Value]>;
  key: Value = null;
  value: Value = null;
  entry: Value = null;
  constructor(m: GMap) {
    this.it = [...m.entries][Symbol.iterator]();
  }
  next(): boolean {
    const r = this.it.next();
    if (r.done) return false;
    this.key = new GString(r.value[0]);
    this.value = r.value[1];
    this.entry = [this.key, this.value];
    return true;
  }
}

export function makeIterator(coll: Value): GeneIterator {
  if (Array.isArray(coll)) return new ArrayIterator(coll);
  if (coll instanceof GRange) return new RangeIterator(coll);
  if (coll instanceof GMap) return new MapIterator(coll);
  if (coll instanceof GGene) return new ArrayIterator(coll.children);
  if (coll === null) return new ArrayIterator([]);
  throw geneError('TypeError', `Cannot get child from value of type: ${kindName(coll)}`);
}

/** The single element bound by `(for x in coll)`: for maps, the `[k v]` pair. */
export function iteratorElement(it: GeneIterator): Value {
  return it instanceof MapIterator ? it.entry : it.value;
}
