// THR-MSG-COPY: the only door between threads. `encode` turns a sendable value into a plain,
// structured-cloneable form (tagged arrays); `decode` rebuilds fresh values in the receiving VM.
// Copy semantics and the NotSendable check live here and nowhere else.
import type { CodeUnit, Constant } from '../values/values.js';
import { allClasses } from '../ops/classes.js';
import { ERROR_CLASSES, ROOT_ERROR_CLASS, geneError, isErrorKind } from '../values/errors.js';
import {
  Cell, GChar, GClass, GFloat, GFunction, GFuture, GGene, GInstance, GMap, GRange, GString, Loc, Namespace,
  NativeFn, Sym, ThreadHandle, ThreadMessageValue, VOID, Value, kindName,
} from '../values/values.js';
import type { VM } from '../vm/vm.js';
import { ClassEncoder, decodeClasses, type EncClass } from './class-codec.js';

/**
 * An encoded value: ints as numbers, strings as JS strings, nil/booleans as themselves, every
 * other kind a tagged array: ['f', x] float, ['y', name, loc?] symbol, ['c', c] char,
 * ['a', ...items] array, ['m', k, v, …] map, ['g', type, [k, v, …], [children…]] gene,
 * ['r', start, end, step, explicit] range, ['t', id, secret] thread, ['F', fnIndex] function,
 * ['N', name] builtin native, ['C', name] builtin class, ['E', class, k, v, …] error, ['v'] void,
 * ['K', classIndex] user class and ['O', classIndex, k, v, …] its instance (THR-MSG-COPY.5).
 */
export type Enc = null | boolean | number | string | EncTagged;
export type EncTagged = [string, ...unknown[]];

/**
 * A CodeUnit as plain data: every field of the unit (its caches live beside it), with its
 * constants encoded (nested units inline). Int32Arrays clone as they are.
 */
export interface EncUnit {
  consts: EncConst[];
  [field: string]: unknown;
}
export type EncConst = Enc | { u: EncUnit } | { s: { body: EncUnit; [field: string]: unknown } } | { o: Record<string, unknown> };

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
  r: Enc;
  t?: Tables;
}

const BUILTIN_CLASS_SET = new Set<GClass>(allClasses().map(([, c]) => c));

const enum Seg {
  Index,
  Key,
  Text,
}

/**
 * THR-MSG-COPY.1–3: encodes values into one message. Data cycles are found with a path stack
 * (shared non-cyclic sub-values are fine and arrive as separate copies); functions, cells and
 * namespaces go into tables so closures sharing a cell, and recursive functions, stay intact.
 */
export class Encoder {
  private readonly onPath = new Set<object>();
  private readonly segKind: Seg[] = [];
  private readonly segVal: (string | number)[] = [];
  private where = '';
  private readonly unitIdx = new Map<CodeUnit, number>();
  private readonly fnIdx = new Map<GFunction, number>();
  private readonly cellIdx = new Map<Cell, number>();
  private readonly nsIdx = new Map<Namespace, { idx: number; names: Set<string> }>();
  private readonly t: Tables = { u: [], f: [], c: [], n: [] };
  private used = false;
  private readonly classes = new ClassEncoder({
    fn: (f) => this.fn(f),
    isBuiltinClass: (c) => BUILTIN_CLASS_SET.has(c),
    useTables: () => {
      this.used = true;
      return (this.t.k ??= []);
    },
  });

  /**
   * `builtins`: the sender's builtins, to check that natives sent by name are builtins.
   * `home`: a namespace that gets index 0 (a spawn's module: it becomes the thread's module).
   */
  constructor(
    private readonly builtins?: Namespace,
    home?: Namespace,
  ) {
    if (home !== undefined) this.ns(home);
  }

  /** Encode one value; `where` names it in errors (`payload`, a captured variable, `result`). */
  value(v: Value, where: string): Enc {
    this.where = where;
    return this.enc(v);
  }

  /** Copy the module global `name` of `ns` (its own cell; builtins are not copied). */
  global(ns: Namespace, name: string, where: string): boolean {
    this.where = where;
    const cell = ns.cells.get(name);
    if (cell === undefined) return false;
    this.addGlobal(this.ns(ns), name, cell);
    return true;
  }

  unit(u: CodeUnit): number {
    let i = this.unitIdx.get(u);
    if (i === undefined) {
      i = this.t.u.length;
      this.t.u.push(encodeUnit(u));
      this.unitIdx.set(u, i);
      this.used = true;
    }
    return i;
  }

  finish(root: Enc): Encoded {
    return this.used ? { r: root, t: this.t } : { r: root };
  }

  // ---- values ----
  private enc(v: Value): Enc {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'boolean':
      case 'number':
        return v;
    }
    if (v instanceof GString) return v.s;
    if (Array.isArray(v)) {
      this.enter(v);
      const out: EncTagged = ['a'];
      for (let i = 0; i < v.length; i++) {
        this.push(Seg.Index, i);
        out.push(this.enc(v[i]!));
        this.pop();
      }
      this.leave(v);
      return out;
    }
    if (v instanceof GFloat) return ['f', v.v];
    if (v instanceof Sym) return v.loc ? ['y', v.name, { ...v.loc }] : ['y', v.name];
    if (v instanceof GChar) return ['c', v.c];
    if (v instanceof GMap) {
      this.enter(v);
      const out: EncTagged = ['m'];
      this.entries(v.entries, out);
      this.leave(v);
      return out;
    }
    if (v instanceof GGene) {
      this.enter(v);
      this.push(Seg.Text, '.type');
      const type = this.enc(v.type);
      this.pop();
      const props: Enc[] = [];
      this.entries(v.props, props as EncTagged);
      const children: Enc[] = [];
      for (let i = 0; i < v.children.length; i++) {
        this.push(Seg.Index, i);
        children.push(this.enc(v.children[i]!));
        this.pop();
      }
      this.leave(v);
      return v.loc ? ['g', type, props, children, { ...v.loc }] : ['g', type, props, children];
    }
    if (v instanceof GRange) return ['r', v.start, v.end, v.step, v.explicitStep];
    if (v instanceof ThreadHandle) return ['t', v.id, v.secret];
    if (v instanceof GFunction) return ['F', this.fn(v)];
    if (v === VOID) return ['v'];
    if (v instanceof NativeFn) {
      if (this.builtins !== undefined && lookupNative(this.builtins, v.name) !== v) {
        this.fail(`a native function ${v.name}`, 'only builtin functions can be sent, by name');
      }
      return ['N', v.name];
    }
    if (v instanceof GClass) {
      if (BUILTIN_CLASS_SET.has(v)) return ['C', v.name];
      this.push(Seg.Text, `(class ${v.name})`);
      const k = this.classes.cls(v); // THR-MSG-COPY.5: a class travels like a function
      this.pop();
      return ['K', k];
    }
    if (v instanceof GInstance) {
      const builtin = BUILTIN_CLASS_SET.has(v.cls);
      this.enter(v);
      let out: EncTagged;
      if (builtin) out = ['E', v.cls.name];
      else {
        // THR-MSG-COPY.5: an instance is sendable when its fields are; its class comes along.
        this.push(Seg.Text, `(class ${v.cls.name})`);
        out = ['O', this.classes.cls(v.cls)];
        this.pop();
      }
      this.entries(v.props, out);
      this.leave(v);
      return out;
    }
    if (v instanceof GFuture) this.fail('a Future', 'futures belong to the thread that made them');
    if (v instanceof ThreadMessageValue) this.fail('a ThreadMessage', 'a message is answered on the thread that received it');
    return this.fail(`a value of kind ${kindName(v)}`, 'it is a native resource');
  }

  private entries(m: Map<string, Value>, out: unknown[]): void {
    for (const [k, x] of m) {
      this.push(Seg.Key, k);
      out.push(k, this.enc(x));
      this.pop();
    }
  }

  private fn(f: GFunction): number {
    let i = this.fnIdx.get(f);
    if (i !== undefined) return i;
    this.used = true;
    i = this.t.f.length;
    this.fnIdx.set(f, i);
    const entry: [number, number, number[]] = [this.unit(f.unit), -1, []];
    this.t.f.push(entry);
    const label = `(fn ${f.unit.name})`;
    for (let k = 0; k < f.cells.length; k++) {
      this.push(Seg.Text, `${label}.capture[${k}]`);
      entry[2].push(this.cell(f.cells[k]!));
      this.pop();
    }
    if (f.globals !== this.builtins) {
      const ns = this.ns(f.globals);
      entry[1] = ns.idx;
      for (const name of f.unit.globalNames) {
        const cell = f.globals.cells.get(name);
        if (cell === undefined) continue; // a builtin, or bound nowhere: not copied
        this.push(Seg.Text, `${label}.${name}`);
        this.addGlobal(ns, name, cell);
        this.pop();
      }
    }
    return i;
  }

  private cell(c: Cell): number {
    let i = this.cellIdx.get(c);
    if (i !== undefined) return i;
    i = this.t.c.length;
    this.cellIdx.set(c, i);
    this.t.c.push(null);
    this.t.c[i] = this.enc(c.v);
    return i;
  }

  private ns(ns: Namespace): { idx: number; names: Set<string> } {
    let e = this.nsIdx.get(ns);
    if (e === undefined) {
      e = { idx: this.t.n.length, names: new Set() };
      this.nsIdx.set(ns, e);
      this.t.n.push([]);
      this.used = true;
    }
    return e;
  }

  /** Each global name is encoded once per namespace, so a recursive top-level fn terminates. */
  private addGlobal(ns: { idx: number; names: Set<string> }, name: string, cell: Cell): void {
    if (ns.names.has(name)) return;
    ns.names.add(name);
    const entry: [string, Enc] = [name, null];
    this.t.n[ns.idx]!.push(entry);
    entry[1] = this.enc(cell.v);
  }

  // ---- the path (for NotSendable messages) ----
  private enter(o: object): void {
    if (this.onPath.has(o)) this.fail(`a cyclic ${kindName(o as Value).slice(2)}`, 'it contains itself');
    this.onPath.add(o);
  }
  private leave(o: object): void {
    this.onPath.delete(o);
  }
  private push(kind: Seg, v: string | number): void {
    this.segKind.push(kind);
    this.segVal.push(v);
  }
  private pop(): void {
    this.segKind.pop();
    this.segVal.pop();
  }
  private path(): string {
    let p = this.where;
    for (let i = 0; i < this.segKind.length; i++) {
      const v = this.segVal[i]!;
      p += this.segKind[i] === Seg.Index ? `[${v}]` : this.segKind[i] === Seg.Key ? `^${v}` : v;
    }
    return p;
  }
  private fail(what: string, why: string): never {
    throw geneError('NotSendable', `${this.path()} is ${what} (not sendable: ${why})`, { path: new GString(this.path()) });
  }
}

/** Find a builtin native by its name (`println`, `gene/println`, `time/now`). */
function lookupNative(builtins: Namespace, name: string): Value | undefined {
  const parts = name.split('/');
  let v: Value | undefined = builtins.lookup(parts[0]!)?.v;
  for (let i = 1; i < parts.length && v !== undefined; i++) {
    v = v instanceof GMap ? v.entries.get(parts[i]!) : undefined;
  }
  if (parts.length > 1 && v === undefined) v = builtins.lookup(name)?.v;
  return v;
}

// ---- code units ----

const unitCache = new WeakMap<CodeUnit, EncUnit>();

/** A CodeUnit as plain data (cached: units are immutable). */
export function encodeUnit(u: CodeUnit): EncUnit {
  let e = unitCache.get(u);
  if (e !== undefined) return e;
  const out: EncUnit = { consts: u.consts.map(encodeConst) };
  for (const [k, v] of Object.entries(u)) {
    if (k === 'consts' || k === 'kind') continue; // a unit is plain data: its caches live beside it
    out[k] = v;
  }
  unitCache.set(u, out);
  return out;
}

function encodeConst(c: Constant): EncConst {
  if (typeof c === 'object' && c !== null && Object.getPrototypeOf(c) === Object.prototype) {
    const k = (c as { kind?: unknown }).kind;
    if (k === 'unit') return { u: encodeUnit(c as CodeUnit) };
    if (k === 'spawn') return { s: { ...(c as object), body: encodeUnit((c as { body: CodeUnit }).body) } };
    // Other plain compiler records (key lists): plain data already.
    return { o: c as unknown as Record<string, unknown> };
  }
  return new Encoder().value(c as Value, '<constant>');
}

export function decodeUnit(e: EncUnit, builtins: Namespace): CodeUnit {
  const u: Record<string, unknown> = { kind: 'unit' };
  for (const k of Object.keys(e)) if (k !== 'consts') u[k] = e[k];
  u.consts = e.consts.map((c) => decodeConst(c, builtins));
  return u as unknown as CodeUnit;
}

function decodeConst(c: EncConst, builtins: Namespace): Constant {
  if (c !== null && typeof c === 'object' && !Array.isArray(c)) {
    if ('u' in c) return decodeUnit(c.u, builtins);
    if ('s' in c) return { ...c.s, body: decodeUnit(c.s.body, builtins) } as unknown as Constant;
    return c.o as unknown as Constant;
  }
  return new Decoder(builtins).value(c as Enc);
}

// ---- decoding ----

/**
 * Rebuilds values in the receiving VM. Functions get fresh Cells and a fresh Namespace whose
 * parent is the receiver's builtins, holding the copied globals (shared by every function
 * decoded from the same message); namespace 0 may be given (`home`: a spawned thread's module).
 */
export class Decoder {
  private readonly fns: GFunction[] = [];
  private classes: GClass[] = [];
  readonly units: CodeUnit[] = [];

  constructor(
    private readonly builtins: Namespace,
    t?: Tables,
    home?: Namespace,
  ) {
    if (t === undefined) return;
    for (const u of t.u) this.units.push(decodeUnit(u, builtins));
    const nss = t.n.map((_, i) => (i === 0 && home !== undefined ? home : new Namespace(builtins)));
    const cells = t.c.map(() => new Cell(null));
    for (const [u, n, cs] of t.f) {
      this.fns.push(new GFunction(this.units[u]!, cs.map((i) => cells[i]!), n < 0 ? builtins : nss[n]!));
    }
    if (t.k !== undefined) this.classes = decodeClasses(t.k, this.fns, (name) => this.builtinClass(name));
    t.c.forEach((e, i) => (cells[i]!.v = this.value(e)));
    t.n.forEach((entries, i) => {
      for (const [name, e] of entries) nss[i]!.define(name, this.value(e));
    });
  }

  value(e: Enc): Value {
    if (e === null || typeof e !== 'object') {
      return typeof e === 'string' ? new GString(e) : (e as Value);
    }
    switch (e[0]) {
      case 'a': {
        const out: Value[] = new Array(e.length - 1);
        for (let i = 1; i < e.length; i++) out[i - 1] = this.value(e[i] as Enc);
        return out;
      }
      case 'f':
        return new GFloat(e[1] as number);
      case 'y':
        return new Sym(e[1] as string, e[2] as Loc | undefined);
      case 'c':
        return new GChar(e[1] as string);
      case 'm':
        return new GMap(this.entries(e, 1));
      case 'g': {
        const props = this.entries(e[2] as unknown[], 0);
        const children = (e[3] as Enc[]).map((c) => this.value(c));
        return new GGene(this.value(e[1] as Enc), props, children, e[4] as Loc | undefined);
      }
      case 'r':
        return new GRange(e[1] as number, e[2] as number, e[3] as number, e[4] as boolean);
      case 't':
        return new ThreadHandle(e[1] as number, e[2] as number);
      case 'F':
        return this.fns[e[1] as number]!;
      case 'v':
        return VOID;
      case 'N': {
        const v = lookupNative(this.builtins, e[1] as string);
        if (!(v instanceof NativeFn)) throw geneError('NotSendable', `the builtin ${e[1] as string} does not exist in this thread`);
        return v;
      }
      case 'C':
        return this.builtinClass(e[1] as string);
      case 'K':
        return this.classes[e[1] as number]!;
      case 'O':
        return new GInstance(this.classes[e[1] as number]!, this.entries(e, 2));
      case 'E': {
        const name = e[1] as string;
        const cls = (isErrorKind(name) ? ERROR_CLASSES.get(name) : undefined) ?? ROOT_ERROR_CLASS;
        return new GInstance(cls, this.entries(e, 2));
      }
    }
    throw new Error(`codec: unknown tag ${String(e[0])}`);
  }

  private builtinClass(name: string): GClass {
    const v = this.builtins.lookup(name)?.v;
    if (v instanceof GClass) return v;
    const k = isErrorKind(name) ? ERROR_CLASSES.get(name) : undefined;
    if (k !== undefined) return k;
    throw geneError('NotSendable', `the class ${name} does not exist in this thread`);
  }

  private entries(e: unknown[], from: number): Map<string, Value> {
    const m = new Map<string, Value>();
    for (let i = from; i < e.length; i += 2) m.set(e[i] as string, this.value(e[i + 1] as Enc));
    return m;
  }
}

/** THR-MSG-COPY: encode one value; throws NotSendable naming its type and path from `where`. */
export function encode(value: Value, where: string, builtins?: Namespace): Encoded {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { r: value };
  const e = new Encoder(builtins);
  return e.finish(e.value(value, where));
}

/** Rebuild a value encoded by `encode` in `vm` (fresh copies, nothing shared). */
export function decode(e: Encoded, vm: VM): Value {
  return decodeIn(e, vm.builtins);
}

export function decodeIn(e: Encoded, builtins: Namespace, home?: Namespace): Value {
  const r = e.r;
  if (r === null || typeof r === 'number' || typeof r === 'boolean') return r;
  return new Decoder(builtins, e.t, home).value(r);
}
