// THR-MSG-COPY: the only door between threads. `encode` turns a sendable value into a plain,
// structured-cloneable form (a flat token array); `decode` rebuilds fresh values in the receiving
// VM. Copy semantics and the NotSendable check live here and nowhere else. Neither direction
// recurses on the host's stack (THR-MSG-COPY.4).
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
}

/**
 * A CodeUnit as plain data: every field of the unit (its caches live beside it), with its
 * constants encoded (nested units inline). Int32Arrays clone as they are.
 */
export interface EncUnit {
  consts: EncConst[];
  [field: string]: unknown;
}
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

const BUILTIN_CLASS_SET = new Set<GClass>(allClasses().map(([, c]) => c));

/** Up to this many open containers, a cycle is found by scanning them (no set to keep). */
const SHALLOW_PATH = 32;

const enum Kind {
  Arr,
  Map,
  Gene,
  Err,
  Fn,
}

/**
 * A value whose parts are being encoded (the encoder's explicit stack, instead of recursion).
 * Data containers (`o` set) are on the cycle-check path while open. A function's parts are its
 * captured cells and module globals, each encoded into its own table entry (`outs`).
 */
interface Open {
  kind: Kind;
  o: object | null;
  vals: Value[];
  /** Map/error keys; a gene's prop keys; a function's path labels. */
  keys: string[] | null;
  /** Gene: how many props (they follow the type). */
  np: number;
  i: number;
  out: unknown[];
  outs: unknown[][] | null;
}

/**
 * THR-MSG-COPY.1–4: encodes values into one message, iteratively. Data cycles are found with a
 * path set (shared non-cyclic sub-values are fine and arrive as separate copies); functions,
 * cells and namespaces go into tables so closures sharing a cell, and recursive functions, stay
 * intact.
 */
export class Encoder {
  /** The open containers, once the path is deeper than SHALLOW_PATH (else a scan finds cycles). */
  private onPath: Set<object> | null = null;
  private readonly open: Open[] = [];
  private where = '';
  private readonly unitIdx = new Map<CodeUnit, number>();
  private readonly fnIdx = new Map<GFunction, number>();
  private readonly cellIdx = new Map<Cell, number>();
  private readonly nsIdx = new Map<Namespace, { idx: number; names: Set<string> }>();
  private readonly t: Tables = { u: [], f: [], c: [], n: [] };
  private used = false;
  /** Prefix of function path labels while a user class's methods are being added. */
  private labelPrefix = '';
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
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    this.where = where;
    const out: unknown[] = [];
    this.run(v, out);
    return out;
  }

  /** Copy the module global `name` of `ns` (its own cell; builtins are not copied). */
  global(ns: Namespace, name: string, where: string): boolean {
    const cell = ns.cells.get(name);
    if (cell === undefined) return false;
    const e = this.ns(ns);
    if (e.names.has(name)) return true;
    e.names.add(name);
    const out: unknown[] = [];
    this.t.n[e.idx]!.push([name, out]);
    this.where = where;
    this.run(cell.v, out);
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

  /** Encode `v` into `out` with an explicit stack: no recursion, whatever the depth. */
  private run(v: Value, out: unknown[]): void {
    const open = this.open;
    this.put(v, out);
    while (open.length > 0) {
      const top = open[open.length - 1]!;
      if (top.i === top.vals.length) {
        open.pop();
        if (top.o !== null) this.onPath?.delete(top.o);
        continue;
      }
      const i = top.i++;
      switch (top.kind) {
        case Kind.Arr:
          this.put(top.vals[i]!, top.out);
          break;
        case Kind.Map:
        case Kind.Err:
          top.out.push(top.keys![i]);
          this.put(top.vals[i]!, top.out);
          break;
        case Kind.Gene:
          if (i > 0 && i <= top.np) top.out.push(top.keys![i - 1]);
          this.put(top.vals[i]!, top.out);
          break;
        case Kind.Fn:
          this.put(top.vals[i]!, top.outs![i]!);
          break;
      }
    }
  }

  /** Write `v`'s tokens into `out`; a container's parts are written later by `run`. */
  private put(v: Value, out: unknown[]): void {
    if (v === null) {
      out.push(Tok.Nil);
      return;
    }
    switch (typeof v) {
      case 'boolean':
        out.push(v ? Tok.True : Tok.False);
        return;
      case 'number':
        out.push(Tok.Int, v);
        return;
    }
    if (v instanceof GString) {
      out.push(Tok.Str, v.s);
      return;
    }
    if (Array.isArray(v)) {
      this.enter(v);
      out.push(Tok.Arr, v.length);
      this.push(Kind.Arr, v, v, null, 0, out);
      return;
    }
    if (v instanceof GFloat) out.push(Tok.Float, v.v);
    else if (v instanceof Sym) out.push(Tok.Sym, v.name, v.loc ? { ...v.loc } : 0);
    else if (v instanceof GChar) out.push(Tok.Char, v.c);
    else if (v instanceof GMap) {
      this.enter(v);
      out.push(Tok.Map, v.entries.size);
      this.push(Kind.Map, v, [...v.entries.values()], [...v.entries.keys()], 0, out);
    } else if (v instanceof GGene) {
      this.enter(v);
      out.push(Tok.Gene, v.props.size, v.children.length, v.loc ? { ...v.loc } : 0);
      this.push(Kind.Gene, v, [v.type, ...v.props.values(), ...v.children], [...v.props.keys()], v.props.size, out);
    } else if (v instanceof GRange) out.push(Tok.Range, v.start, v.end, v.step, v.explicitStep);
    else if (v instanceof ThreadHandle) out.push(Tok.Thread, v.id, v.secret);
    else if (v instanceof GFunction) out.push(Tok.Fn, this.fn(v));
    else if (v === VOID) out.push(Tok.Void);
    else if (v instanceof NativeFn) {
      if (this.builtins !== undefined && lookupNative(this.builtins, v.name) !== v) {
        this.fail(`a native function ${v.name}`, 'only builtin functions can be sent, by name');
      }
      out.push(Tok.Native, v.name);
    } else if (v instanceof GClass) {
      if (BUILTIN_CLASS_SET.has(v)) out.push(Tok.Class, v.name);
      else out.push(Tok.UserClass, this.userClass(v)); // THR-MSG-COPY.5: a class travels like a function
    } else if (v instanceof GInstance) {
      if (BUILTIN_CLASS_SET.has(v.cls)) out.push(Tok.Err, v.cls.name, v.props.size);
      // THR-MSG-COPY.5: an instance is sendable when its fields are; its class comes along. The
      // class's functions are queued before the fields' frame, so they are encoded after the
      // fields (the instance is off the cycle path by then).
      else out.push(Tok.Obj, this.userClass(v.cls), v.props.size);
      this.enter(v);
      this.push(Kind.Err, v, [...v.props.values()], [...v.props.keys()], 0, out);
    } else if (v instanceof GFuture) this.fail('a Future', 'futures belong to the thread that made them');
    else if (v instanceof ThreadMessageValue) this.fail('a ThreadMessage', 'a message is answered on the thread that received it');
    else this.fail(`a value of kind ${kindName(v)}`, 'it is a native resource');
  }

  /** A user class's index in `Tables.k`; its functions' paths read `(class Name)(fn …)…`. */
  private userClass(c: GClass): number {
    const saved = this.labelPrefix;
    this.labelPrefix = `${saved}(class ${c.name})`;
    try {
      return this.classes.cls(c);
    } finally {
      this.labelPrefix = saved;
    }
  }

  private push(kind: Kind, o: object | null, vals: Value[], keys: string[] | null, np: number, out: unknown[], outs: unknown[][] | null = null): void {
    this.open.push({ kind, o, vals, keys, np, i: 0, out, outs });
  }

  /** A function's index; the first time, its captured cells and globals become its parts. */
  private fn(f: GFunction): number {
    let i = this.fnIdx.get(f);
    if (i !== undefined) return i;
    this.used = true;
    i = this.t.f.length;
    this.fnIdx.set(f, i);
    const entry: [number, number, number[]] = [this.unit(f.unit), -1, []];
    this.t.f.push(entry);
    const label = `${this.labelPrefix}(fn ${f.unit.name})`;
    const vals: Value[] = [];
    const keys: string[] = [];
    const outs: unknown[][] = [];
    for (let k = 0; k < f.cells.length; k++) {
      const c = f.cells[k]!;
      let ci = this.cellIdx.get(c);
      if (ci === undefined) {
        ci = this.t.c.length;
        this.cellIdx.set(c, ci);
        const out: unknown[] = [];
        this.t.c.push(out);
        vals.push(c.v);
        keys.push(`${label}.capture[${k}]`);
        outs.push(out);
      }
      entry[2].push(ci);
    }
    if (f.globals !== this.builtins) {
      const ns = this.ns(f.globals);
      entry[1] = ns.idx;
      for (const name of f.unit.globalNames) {
        const cell = f.globals.cells.get(name);
        // A builtin, or bound nowhere: not copied. Each name once per namespace, so a
        // recursive top-level fn terminates.
        if (cell === undefined || ns.names.has(name)) continue;
        ns.names.add(name);
        const out: unknown[] = [];
        this.t.n[ns.idx]!.push([name, out]);
        vals.push(cell.v);
        keys.push(`${label}.${name}`);
        outs.push(out);
      }
    }
    if (vals.length > 0) this.push(Kind.Fn, null, vals, keys, 0, [], outs);
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

  // ---- the path (for NotSendable messages) ----

  /** THR-MSG-COPY.4: a value that contains itself is NotSendable, wherever it is found. */
  private enter(o: object): void {
    const open = this.open;
    let cyclic = false;
    if (this.onPath !== null) {
      cyclic = this.onPath.has(o);
      this.onPath.add(o);
    } else {
      for (let k = 0; k < open.length && !cyclic; k++) cyclic = open[k]!.o === o;
      if (open.length >= SHALLOW_PATH) {
        // Deep: a set from now on (a scan would make deep values quadratic).
        this.onPath = new Set([o]);
        for (const x of open) if (x.o !== null) this.onPath.add(x.o);
      }
    }
    if (cyclic) this.fail(`a cyclic ${kindName(o as Value).slice(2)}`, 'it contains itself');
  }

  /** Where the part being encoded sits: `where` and the segment of every open container. */
  private path(): string {
    let p = this.where;
    for (const o of this.open) {
      const i = o.i - 1;
      if (i < 0) continue; // queued, not started: nothing of it is on the path yet
      switch (o.kind) {
        case Kind.Arr:
          p += `[${i}]`;
          break;
        case Kind.Map:
        case Kind.Err:
          p += `^${o.keys![i]}`;
          break;
        case Kind.Gene:
          p += i === 0 ? '.type' : i <= o.np ? `^${o.keys![i - 1]}` : `[${i - 1 - o.np}]`;
          break;
        case Kind.Fn:
          p += o.keys![i];
          break;
      }
    }
    return p;
  }

  private fail(what: string, why: string): never {
    const path = this.path();
    // The encoder may be reused after a failure (it is not: but leave it clean).
    this.open.length = 0;
    this.onPath = null;
    throw geneError('NotSendable', `${path} is ${what} (not sendable: ${why})`, { path: new GString(path) });
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

  /** THR-MSG-COPY.4: rebuild an encoded value with an explicit stack (no recursion). */
  value(e: Enc): Value {
    if (e === null || typeof e !== 'object') return e as Value;
    const a = e;
    let pos = 0;
    const stack: Filling[] = [];
    for (;;) {
      let v: Value;
      const tag = a[pos++] as Tok;
      switch (tag) {
        case Tok.Int:
          v = a[pos++] as number;
          break;
        case Tok.Str:
          v = new GString(a[pos++] as string);
          break;
        case Tok.Nil:
          v = null;
          break;
        case Tok.True:
          v = true;
          break;
        case Tok.False:
          v = false;
          break;
        case Tok.Float:
          v = new GFloat(a[pos++] as number);
          break;
        case Tok.Sym: {
          const name = a[pos++] as string;
          const loc = a[pos++];
          v = new Sym(name, loc === 0 ? undefined : (loc as Loc));
          break;
        }
        case Tok.Char:
          v = new GChar(a[pos++] as string);
          break;
        case Tok.Arr: {
          const n = a[pos++] as number;
          if (n === 0) {
            v = [];
            break;
          }
          stack.push({ tag, n, i: 0, arr: new Array<Value>(n), map: null, key: '', np: 0, type: null, name: '', loc: 0, cls: null });
          continue;
        }
        case Tok.Map:
        case Tok.Err:
        case Tok.Obj: {
          const name = tag === Tok.Err ? (a[pos++] as string) : '';
          const cls = tag === Tok.Obj ? this.classes[a[pos++] as number]! : null;
          const n = a[pos++] as number;
          const map = new Map<string, Value>();
          if (n === 0) {
            v = this.made(tag, map, name, cls);
            break;
          }
          stack.push({ tag, n, i: 0, arr: null, map, key: a[pos++] as string, np: 0, type: null, name, loc: 0, cls });
          continue;
        }
        case Tok.Gene: {
          const np = a[pos++] as number;
          const nc = a[pos++] as number;
          const loc = a[pos++];
          stack.push({ tag, n: 1 + np + nc, i: 0, arr: new Array<Value>(nc), map: new Map(), key: '', np, type: null, name: '', loc, cls: null });
          continue;
        }
        case Tok.Range:
          v = new GRange(a[pos] as number, a[pos + 1] as number, a[pos + 2] as number, a[pos + 3] as boolean);
          pos += 4;
          break;
        case Tok.Thread:
          v = new ThreadHandle(a[pos] as number, a[pos + 1] as number);
          pos += 2;
          break;
        case Tok.Fn:
          v = this.fns[a[pos++] as number]!;
          break;
        case Tok.Void:
          v = VOID;
          break;
        case Tok.Native: {
          const name = a[pos++] as string;
          const f = lookupNative(this.builtins, name);
          if (!(f instanceof NativeFn)) throw geneError('NotSendable', `the builtin ${name} does not exist in this thread`);
          v = f;
          break;
        }
        case Tok.Class:
          v = this.builtinClass(a[pos++] as string);
          break;
        case Tok.UserClass:
          v = this.classes[a[pos++] as number]!;
          break;
        default:
          throw new Error(`codec: unknown tag ${String(tag)}`);
      }
      // Put the finished value into the container being filled; finish the containers it completes.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        const i = top.i++;
        switch (top.tag) {
          case Tok.Arr:
            top.arr![i] = v;
            break;
          case Tok.Map:
          case Tok.Err:
          case Tok.Obj:
            top.map!.set(top.key, v);
            break;
          default:
            if (i === 0) top.type = v;
            else if (i <= top.np) top.map!.set(top.key, v);
            else top.arr![i - 1 - top.np] = v;
        }
        if (top.i < top.n) {
          // The next part of a map, an error or a gene's props starts with its key.
          if (top.tag !== Tok.Arr && (top.tag !== Tok.Gene || top.i <= top.np)) top.key = a[pos++] as string;
          break;
        }
        stack.pop();
        v =
          top.tag === Tok.Arr
            ? top.arr!
            : top.tag === Tok.Gene
              ? new GGene(top.type, top.map!, top.arr!, top.loc === 0 ? undefined : (top.loc as Loc))
              : this.made(top.tag, top.map!, top.name, top.cls);
      }
    }
  }

  private builtinClass(name: string): GClass {
    const v = this.builtins.lookup(name)?.v;
    if (v instanceof GClass) return v;
    const k = isErrorKind(name) ? ERROR_CLASSES.get(name) : undefined;
    if (k !== undefined) return k;
    throw geneError('NotSendable', `the class ${name} does not exist in this thread`);
  }

  private made(tag: Tok, map: Map<string, Value>, name: string, userClass: GClass | null): Value {
    if (tag === Tok.Map) return new GMap(map);
    if (userClass !== null) return new GInstance(userClass, map); // THR-MSG-COPY.5
    const cls = (isErrorKind(name) ? ERROR_CLASSES.get(name) : undefined) ?? ROOT_ERROR_CLASS;
    return new GInstance(cls, map);
  }
}

/** A container the decoder is filling (its parts follow it in the token array). */
interface Filling {
  tag: Tok;
  /** Parts in all (a gene: 1 + props + children). */
  n: number;
  i: number;
  arr: Value[] | null;
  map: Map<string, Value> | null;
  key: string;
  np: number;
  type: Value;
  name: string;
  loc: unknown;
  /** An instance's user class (Tok.Obj). */
  cls: GClass | null;
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
