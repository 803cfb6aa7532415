// THR-MSG-COPY: the decoder. Rebuilds fresh values (and code units) in the receiving thread from
// the flat wire format of codec-format.ts, iteratively (THR-MSG-COPY.4).
import type { CodeUnit, Constant } from '../values/values.js';
import { ERROR_CLASSES, ROOT_ERROR_CLASS, geneError, isErrorKind } from '../values/errors.js';
import {
  Cell, GChar, GClass, GFloat, GFunction, GGene, GInstance, GMap, GRange, GString, Loc, Namespace,
  NativeFn, Sym, ThreadHandle, VOID, Value,
} from '../values/values.js';
import { decodeClasses } from './class-codec.js';
import { Tok, UNIT_ARRAYS, UNIT_FIELDS, lookupNative, type Enc, type EncConst, type EncUnit, type Tables } from './codec-format.js';

// ---- code units ----

export function decodeUnit(e: EncUnit, builtins: Namespace): CodeUnit {
  const u: Record<string, unknown> = { kind: 'unit', consts: e[0].map((c) => decodeConst(c, builtins)) };
  UNIT_FIELDS.forEach((k, i) => {
    const v = e[i + 1];
    if (v !== undefined) u[k] = UNIT_ARRAYS.has(k) ? Int32Array.from(v as number[]) : v;
  });
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
    const r: Reading = { a: e, pos: 0, stack: [] };
    for (;;) {
      const v = this.token(r);
      if (v === OPENED) continue;
      const root = this.place(r, v);
      if (root !== UNFINISHED) return root;
    }
  }

  /** Read one token: a whole value, or OPENED when a container's parts follow it. */
  private token(r: Reading): Value | typeof OPENED {
    const a = r.a;
    const tag = a[r.pos++] as Tok;
    switch (tag) {
      case Tok.Int:
        return a[r.pos++] as number;
      case Tok.Str:
        return new GString(a[r.pos++] as string);
      case Tok.Nil:
        return null;
      case Tok.True:
        return true;
      case Tok.False:
        return false;
      case Tok.Float:
        return new GFloat(a[r.pos++] as number);
      case Tok.Sym: {
        const name = a[r.pos++] as string;
        const loc = a[r.pos++];
        return new Sym(name, loc === 0 ? undefined : (loc as Loc));
      }
      case Tok.Char:
        return new GChar(a[r.pos++] as string);
      case Tok.Range:
        r.pos += 4;
        return new GRange(a[r.pos - 4] as number, a[r.pos - 3] as number, a[r.pos - 2] as number, a[r.pos - 1] as boolean);
      case Tok.Thread:
        r.pos += 2;
        return new ThreadHandle(a[r.pos - 2] as number, a[r.pos - 1] as number);
      case Tok.Fn:
        return this.fns[a[r.pos++] as number]!;
      case Tok.Void:
        return VOID;
      case Tok.Native: {
        const name = a[r.pos++] as string;
        const f = lookupNative(this.builtins, name);
        if (!(f instanceof NativeFn)) throw geneError('NotSendable', `the builtin ${name} does not exist in this thread`);
        return f;
      }
      case Tok.Class:
        return this.builtinClass(a[r.pos++] as string);
      case Tok.UserClass:
        return this.classes[a[r.pos++] as number]!;
      default:
        return this.open(tag, r);
    }
  }

  /** A container: OPENED (its parts follow, it waits on the stack), or the empty container itself. */
  private open(tag: Tok, r: Reading): Value | typeof OPENED {
    const a = r.a;
    switch (tag) {
      case Tok.Arr: {
        const n = a[r.pos++] as number;
        if (n === 0) return [];
        r.stack.push({ tag, n, i: 0, arr: new Array<Value>(n), map: null, key: '', np: 0, type: null, name: '', loc: 0, cls: null });
        return OPENED;
      }
      case Tok.Map:
      case Tok.Err:
      case Tok.Obj:
      case Tok.Ns: {
        const name = tag === Tok.Err || tag === Tok.Ns ? (a[r.pos++] as string) : '';
        const cls = tag === Tok.Obj ? this.classes[a[r.pos++] as number]! : null;
        const n = a[r.pos++] as number;
        const map = new Map<string, Value>();
        if (n === 0) return this.made(tag, map, name, cls);
        r.stack.push({ tag, n, i: 0, arr: null, map, key: a[r.pos++] as string, np: 0, type: null, name, loc: 0, cls });
        return OPENED;
      }
      case Tok.Gene: {
        const np = a[r.pos++] as number;
        const nc = a[r.pos++] as number;
        const loc = a[r.pos++];
        r.stack.push({ tag, n: 1 + np + nc, i: 0, arr: new Array<Value>(nc), map: new Map(), key: '', np, type: null, name: '', loc, cls: null });
        return OPENED;
      }
      default:
        throw new Error(`codec: unknown tag ${String(tag)}`);
    }
  }

  /**
   * Put a finished value into the container being filled, and finish the containers it
   * completes: the root value once every container is finished, else UNFINISHED.
   */
  private place(r: Reading, value: Value): Value | typeof UNFINISHED {
    let v = value;
    for (;;) {
      const top = r.stack[r.stack.length - 1];
      if (top === undefined) return v;
      const i = top.i++;
      switch (top.tag) {
        case Tok.Arr:
          top.arr![i] = v;
          break;
        case Tok.Map:
        case Tok.Err:
        case Tok.Obj:
        case Tok.Ns:
          top.map!.set(top.key, v);
          break;
        default:
          if (i === 0) top.type = v;
          else if (i <= top.np) top.map!.set(top.key, v);
          else top.arr![i - 1 - top.np] = v;
      }
      if (top.i < top.n) {
        // The next part of a map, an error or a gene's props starts with its key.
        if (top.tag !== Tok.Arr && (top.tag !== Tok.Gene || top.i <= top.np)) top.key = r.a[r.pos++] as string;
        return UNFINISHED;
      }
      r.stack.pop();
      v =
        top.tag === Tok.Arr
          ? top.arr!
          : top.tag === Tok.Gene
            ? new GGene(top.type, top.map!, top.arr!, top.loc === 0 ? undefined : (top.loc as Loc))
            : this.made(top.tag, top.map!, top.name, top.cls);
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
    if (tag === Tok.Ns) {
      const ns = new Namespace(null, name);
      for (const [k, v] of map) ns.define(k, v);
      return ns;
    }
    if (userClass !== null) return new GInstance(userClass, map); // THR-MSG-COPY.5
    const cls = (isErrorKind(name) ? ERROR_CLASSES.get(name) : undefined) ?? ROOT_ERROR_CLASS;
    return new GInstance(cls, map);
  }
}

/** One `value()` call: the token array, the position in it, the containers being filled. */
interface Reading {
  a: unknown[];
  pos: number;
  stack: Filling[];
}
/** `token` opened a container: its parts follow. */
const OPENED = Symbol('opened');
/** `place` filled a part: containers remain. */
const UNFINISHED = Symbol('unfinished');

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
