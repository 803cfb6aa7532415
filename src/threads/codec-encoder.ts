// THR-MSG-COPY.1–4: the encoder. Turns sendable values (and code units) into the flat wire
// format of codec-format.ts, iteratively; refuses what cannot be sent with NotSendable.
import type { CodeUnit, Constant } from '../values/values.js';
import { allClasses } from '../ops/classes.js';
import { geneError } from '../values/errors.js';
import {
  Cell, GChar, GClass, GFloat, GFunction, GFuture, GGene, GInstance, GMap, GRange, GString, Namespace,
  NativeFn, Sym, ThreadHandle, ThreadMessageValue, VOID, Value, kindName,
} from '../values/values.js';
import { ClassEncoder } from './class-codec.js';
import { Tok, UNIT_FIELDS, lookupNative, type Enc, type EncConst, type EncUnit, type Encoded, type Tables } from './codec-format.js';

const BUILTIN_CLASS_SET = new Set<GClass>(allClasses().map(([, c]) => c));

/** Up to this many open containers, a cycle is found by scanning them (see `enter`). */
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
    } else if (v instanceof Namespace) {
      // LANG-MOD.7: a namespace value crosses as a copy of its own members.
      out.push(Tok.Ns, v.name, v.cells.size);
      this.enter(v);
      this.push(Kind.Map, v, [...v.cells.values()].map((c) => c.v), [...v.cells.keys()], 0, out);
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

  /**
   * THR-MSG-COPY.4: a value that contains itself is NotSendable, wherever it is found. Up to
   * SHALLOW_PATH open containers the path is scanned. Deeper, `o` is compared with one container
   * only, the one at the last power of two (Brent's cycle finding): without a check the descent
   * into a cyclic value repeats the same containers forever, and that comparison meets the
   * repetition within three turns of it, at O(1) a container where a set of the path cost a
   * hash insert and delete. Then the first repetition is looked up, so the error names the same
   * place as a full check would have.
   */
  private enter(o: object): void {
    const open = this.open;
    const d = open.length;
    if (d < SHALLOW_PATH) {
      for (let k = 0; k < d; k++) if (open[k]!.o === o) this.failCyclic(d, o);
    } else if (open[(1 << (31 - Math.clz32(d))) - 1]!.o === o) {
      this.failCyclic(this.firstRepetition(), o);
    }
  }

  /** The depth of the first container on the path already above it (the path's length: the one about to open). */
  private firstRepetition(): number {
    const seen = new Set<object>();
    for (let k = 0; k < this.open.length; k++) {
      const x = this.open[k]!.o;
      if (x === null) continue;
      if (seen.has(x)) return k;
      seen.add(x);
    }
    return this.open.length;
  }

  /**
   * The container at `depth` of the path (`opening` when that is the one about to open) contains
   * itself: report it there, as if the path had ended at it.
   */
  private failCyclic(depth: number, opening: object): never {
    const o = depth < this.open.length ? this.open[depth]!.o! : opening;
    this.open.length = depth;
    this.fail(`a cyclic ${kindName(o as Value).slice(2)}`, 'it contains itself');
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
    throw geneError('NotSendable', `${path} is ${what} (not sendable: ${why})`, { path: new GString(path) });
  }
}

// ---- code units ----

const unitCache = new WeakMap<CodeUnit, EncUnit>();

/** A CodeUnit as plain data (cached: units are immutable). */
export function encodeUnit(u: CodeUnit): EncUnit {
  let e = unitCache.get(u);
  if (e !== undefined) return e;
  e = [u.consts.map(encodeConst)];
  for (const k of UNIT_FIELDS) {
    const v: unknown = u[k];
    e.push(v instanceof Int32Array ? Array.from(v) : v);
  }
  unitCache.set(u, e);
  return e;
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
