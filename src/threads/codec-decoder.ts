// THR-MSG-COPY: the decoder. Rebuilds fresh values (and code units) in the receiving thread from
// the flat wire format of codec-format.ts, iteratively (THR-MSG-COPY.4).
import type { CodeUnit, Constant } from '../values/values.js';
import { ERROR_CLASSES, ROOT_ERROR_CLASS, geneError, isErrorKind } from '../values/errors.js';
import {
  Cell, GChar, GClass, GFloat, GFunction, GGene, GInstance, GMap, GRange, GString, Loc, Namespace,
  NativeFn, Sym, ThreadHandle, VOID, Value,
} from '../values/values.js';
import { decodeClasses } from './class-codec.js';
import { Tok, lookupNative, type Enc, type EncConst, type EncUnit, type Tables } from './codec-format.js';

// ---- code units ----

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
        case Tok.Obj:
        case Tok.Ns: {
          const name = tag === Tok.Err || tag === Tok.Ns ? (a[pos++] as string) : '';
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
