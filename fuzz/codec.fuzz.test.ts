// THR-MSG-COPY through the codec, and through real threads: random sendable values (nested
// arrays, maps, genes, any Unicode, -0.0/inf/nan, 48-bit ints, functions with captures, thread
// handles, error objects, builtin natives) arrive equal, kind for kind; the copy shares nothing
// with the original; a non-sendable part (a Future, a ThreadMessage, a non-builtin native, a
// cycle) at a random path raises NotSendable naming exactly that path, and nothing is sent.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, LONG_RUN, fuzzParams } from './config.js';
import { C, E, LocalVm, Session, Totals, V, type Value } from './runtime.js';

const totals = new Totals();
/** Long runs (npm run fuzz) take as long as they take; otherwise a bound against a hang, not a timing (a loaded machine runs them several times slower). */
const TIMEOUT = LONG_RUN ? 4 * 3600_000 : 120_000;
afterAll(() => {
  if (LONG_RUN) console.log(totals.format(`codec (seed ${FUZZ_SEED})`));
});

// ---- descriptors: what the arbitraries generate (readable counterexamples); values are built fresh ----

type D =
  | { t: 'nil' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'sym'; v: string }
  | { t: 'char'; v: string }
  | { t: 'range'; a: number; b: number; s: number; e: boolean }
  | { t: 'handle'; id: number; secret: number }
  | { t: 'void' }
  | { t: 'native'; name: string }
  | { t: 'err'; kind: string; msg: string; extra: D }
  | { t: 'arr'; items: D[] }
  | { t: 'map'; entries: [string, D][] }
  | { t: 'gene'; type: D; props: [string, D][]; children: D[] }
  | { t: 'fn'; template: Template; capture: D };

type Template = 'get' | 'get2' | 'pair' | 'glob' | 'fib';
/** A function built for a value, to call its copy afterwards (`other`: the setter of a pair). */
interface Made {
  fn: Value;
  template: Template;
  capture: Value;
  other?: Value;
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  // any UTF-16 code unit, lone surrogates and NUL included
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
);
const key = fc.oneof(fc.string({ maxLength: 4 }), anyString);
const int48 = fc.oneof(
  fc.integer({ min: V.INT_MIN, max: V.INT_MAX }),
  fc.constantFrom(V.INT_MIN, V.INT_MAX, 0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 31 - 1),
);
const double = fc.oneof(
  fc.double(),
  fc.constantFrom(-0, 0, Infinity, -Infinity, NaN, 1, -1, 0.5, 2 ** 53, 2 ** 60, 5e-324, Number.MAX_VALUE),
);
const natives = ['println', 'print', 'len', 'range'];

const scalar: fc.Arbitrary<D> = fc.oneof(
  fc.constant<D>({ t: 'nil' }),
  fc.boolean().map((v): D => ({ t: 'bool', v })),
  int48.map((v): D => ({ t: 'int', v })),
  double.map((v): D => ({ t: 'float', v })),
  anyString.map((v): D => ({ t: 'str', v })),
  fc.string({ minLength: 1, maxLength: 6 }).map((v): D => ({ t: 'sym', v })),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).map((v): D => ({ t: 'char', v })),
  fc.tuple(int48, int48, fc.integer({ min: -5, max: 5 }), fc.boolean()).map(([a, b, s, e]): D => ({ t: 'range', a, b, s, e })),
  fc.tuple(fc.nat(64), fc.integer({ min: 0, max: 2 ** 48 - 1 })).map(([id, secret]): D => ({ t: 'handle', id, secret })),
  fc.constant<D>({ t: 'void' }),
  fc.constantFrom(...natives).map((name): D => ({ t: 'native', name })),
);

const { d: valueD } = fc.letrec<{ d: D }>((tie) => ({
  d: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 5 },
    scalar,
    fc.array(tie('d'), { maxLength: 5 }).map((items): D => ({ t: 'arr', items })),
    fc.array(fc.tuple(key, tie('d')), { maxLength: 4 }).map((entries): D => ({ t: 'map', entries })),
    fc
      .record({ type: tie('d'), props: fc.array(fc.tuple(key, tie('d')), { maxLength: 3 }), children: fc.array(tie('d'), { maxLength: 3 }) })
      .map((g): D => ({ t: 'gene', ...g })),
    fc.record({ template: fc.constantFrom<Template>('get', 'get2', 'pair', 'glob', 'fib'), capture: tie('d') }).map((f): D => ({ t: 'fn', ...f })),
    fc
      .record({ kind: fc.constantFrom('TypeError', 'ThreadCrashed', 'NotSendable', 'GeneException'), msg: anyString, extra: tie('d') })
      .map((e): D => ({ t: 'err', ...e })),
  ),
}));

/** Functions with captured cells, made by a sender VM (each call makes fresh cells). */
const maker = new LocalVm();
maker.run(`
  (fn helper [v] [v "helper"])
  (fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))
  (fn mk_get [k] (fn get [] k))
  (fn mk_get2 [k] (var n 7) (fn get2 [] [k n]))
  (fn mk_pair [k] (var n k) [(fn pget [] n) (fn pset [x] (n = x))])
  (fn mk_glob [k] (fn gcall [] (helper k)))`);

type Fn = InstanceType<typeof V.GFunction>;
type Builtins = InstanceType<typeof V.Namespace>;

/** Build a fresh value from a descriptor; `fns` collects the functions made (for behaviour checks). */
function build(d: D, builtins: Builtins, fns: Made[] = []): Value {
  const b = (x: D) => build(x, builtins, fns);
  switch (d.t) {
    case 'nil':
      return null;
    case 'bool':
    case 'int':
      return d.v;
    case 'float':
      return new V.GFloat(d.v);
    case 'str':
      return new V.GString(d.v);
    case 'sym':
      return new V.Sym(d.v);
    case 'char':
      return new V.GChar(d.v);
    case 'range':
      return new V.GRange(d.a, d.b, d.s, d.e);
    case 'handle':
      return new V.ThreadHandle(d.id, d.secret);
    case 'void':
      return V.VOID;
    case 'native':
      return builtins.lookup(d.name)!.v;
    case 'err':
      return E.makeErrorValue(d.kind as Parameters<typeof E.makeErrorValue>[0], d.msg, { data: b(d.extra) });
    case 'arr':
      return d.items.map(b);
    case 'map':
      return new V.GMap(new Map(d.entries.map(([k, x]) => [k, b(x)])));
    case 'gene':
      return new V.GGene(b(d.type), new Map(d.props.map(([k, x]) => [k, b(x)])), d.children.map(b));
    case 'fn': {
      if (d.template === 'fib') {
        const fn = maker.ns.lookup('fib')!.v;
        fns.push({ fn, template: 'fib', capture: null });
        return fn;
      }
      const capture = b(d.capture);
      maker.ns.define('cap', capture);
      const made = maker.run(`(mk_${d.template} cap)`);
      maker.ns.define('cap', null);
      if (d.template === 'pair') fns.push({ fn: (made as Value[])[0]!, template: 'pair', capture, other: (made as Value[])[1]! });
      else fns.push({ fn: made, template: d.template, capture });
      return made;
    }
  }
}

const hasCode = (d: D): boolean => {
  switch (d.t) {
    case 'fn':
    case 'native':
    case 'err':
      return true;
    case 'arr':
      return d.items.some(hasCode);
    case 'map':
      return d.entries.some(([, x]) => hasCode(x));
    case 'gene':
      return hasCode(d.type) || d.props.some(([, x]) => hasCode(x)) || d.children.some(hasCode);
    default:
      return false;
  }
};

// ---- strict comparison: kinds, -0.0 and NaN, key order, and the function graph ----

interface Ctx {
  /** Bijections original → copy: functions, cells and namespaces keep their sharing inside one message. */
  fns: Map<object, object>;
  cells: Map<object, object>;
  nss: Map<object, object>;
  /** The receiver's builtins (natives arrive as the receiver's own), or null: identity. */
  recv: Builtins | null;
}
const newCtx = (recv: Builtins | null): Ctx => ({ fns: new Map(), cells: new Map(), nss: new Map(), recv });

function bijection(m: Map<object, object>, a: object, b: object, what: string, path: string): boolean {
  const prev = m.get(a);
  if (prev !== undefined) {
    if (prev !== b) throw new Error(`${path}: ${what} sharing not kept`);
    return false;
  }
  for (const v of m.values()) if (v === b) throw new Error(`${path}: two ${what}s became one`);
  m.set(a, b);
  return true;
}

/** Throws unless `b` is a faithful copy of `a`. */
function same(a: Value, b: Value, ctx: Ctx, path = '$'): void {
  const fail = (why: string): never => {
    throw new Error(`${path}: ${why}: ${safeRepr(a)} vs ${safeRepr(b)}`);
  };
  if (a === null || typeof a === 'boolean' || typeof a === 'number') {
    if (!Object.is(a, b)) fail('scalar differs');
    return;
  }
  if (a === V.VOID) {
    if (b !== V.VOID) fail('void differs');
    return;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return fail('array differs');
    a.forEach((x, i) => same(x, b[i]!, ctx, `${path}[${i}]`));
    return;
  }
  const sameEntries = (x: Map<string, Value>, y: Map<string, Value>, p: string) => {
    if (x.size !== y.size) fail('size differs');
    const kx = [...x.keys()];
    const ky = [...y.keys()];
    kx.forEach((k, i) => {
      if (ky[i] !== k) fail(`key order differs at ${i}`);
      same(x.get(k)!, y.get(k)!, ctx, `${p}^${k}`);
    });
  };
  if (a instanceof V.GFloat) {
    if (!(b instanceof V.GFloat) || !Object.is(a.v, b.v)) fail('float differs');
  } else if (a instanceof V.GString) {
    if (!(b instanceof V.GString) || a.s !== b.s) fail('string differs');
  } else if (a instanceof V.Sym) {
    if (!(b instanceof V.Sym) || a.name !== b.name) fail('symbol differs');
  } else if (a instanceof V.GChar) {
    if (!(b instanceof V.GChar) || a.c !== b.c) fail('char differs');
  } else if (a instanceof V.GRange) {
    if (!(b instanceof V.GRange) || a.start !== b.start || a.end !== b.end || a.step !== b.step || a.explicitStep !== b.explicitStep) fail('range differs');
  } else if (a instanceof V.ThreadHandle) {
    if (!(b instanceof V.ThreadHandle) || a.id !== b.id || a.secret !== b.secret) fail('handle differs');
  } else if (a instanceof V.GMap) {
    if (!(b instanceof V.GMap)) return fail('kind differs');
    sameEntries(a.entries, b.entries, path);
  } else if (a instanceof V.GGene) {
    if (!(b instanceof V.GGene) || a.children.length !== b.children.length) return fail('gene differs');
    same(a.type, b.type, ctx, `${path}.type`);
    sameEntries(a.props, b.props, path);
    a.children.forEach((x, i) => same(x, b.children[i]!, ctx, `${path}[${i}]`));
  } else if (a instanceof V.GInstance) {
    if (!(b instanceof V.GInstance) || a.cls !== b.cls) return fail('error object differs');
    sameEntries(a.props, b.props, path);
  } else if (a instanceof V.NativeFn) {
    if (!(b instanceof V.NativeFn) || a.name !== b.name) return fail('native differs');
    if (ctx.recv === null ? a !== b : ctx.recv.lookup(a.name)?.v !== b) fail("native is not the receiver's builtin");
  } else if (a instanceof V.GFunction) {
    if (!(b instanceof V.GFunction)) return fail('kind differs');
    if (!bijection(ctx.fns, a, b, 'function', path)) return;
    if (a.unit.name !== b.unit.name || a.cells.length !== b.cells.length) fail('function shape differs');
    if (a.unit !== b.unit && String(Array.from(a.unit.code)) !== String(Array.from(b.unit.code))) fail('function code differs');
    const label = `${path}(fn ${a.unit.name})`;
    a.cells.forEach((c, k) => {
      if (bijection(ctx.cells, c, b.cells[k]!, 'cell', label)) same(c.v, b.cells[k]!.v, ctx, `${label}.capture[${k}]`);
    });
    bijection(ctx.nss, a.globals, b.globals, 'namespace', label);
    for (const name of a.unit.globalNames) {
      const ca = a.globals.cells.get(name);
      if (ca === undefined) continue;
      const cb = b.globals.cells.get(name);
      if (cb === undefined) fail(`global ${name} not copied`);
      if (bijection(ctx.cells, ca, cb!, 'global cell', label)) same(ca.v, cb!.v, ctx, `${label}.${name}`);
    }
  } else {
    fail(`unexpected value kind ${V.kindName(a)}`);
  }
}

function safeRepr(v: Value): string {
  try {
    return V.repr(v).slice(0, 200);
  } catch {
    return V.kindName(v);
  }
}

/** Every mutable (or identity-bearing) object reachable from v. */
function reachable(v: Value, out = new Set<object>(), builtins?: Builtins): Set<object> {
  if (v === null || typeof v !== 'object' || v === V.VOID || out.has(v)) return out;
  if (v instanceof V.NativeFn || v instanceof V.GClass) return out;
  out.add(v);
  const r = (x: Value) => reachable(x, out, builtins);
  if (Array.isArray(v)) v.forEach(r);
  else if (v instanceof V.GMap) {
    out.add(v.entries);
    v.entries.forEach(r);
  } else if (v instanceof V.GGene) {
    out.add(v.props).add(v.children);
    r(v.type);
    v.props.forEach(r);
    v.children.forEach(r);
  } else if (v instanceof V.GInstance) {
    out.add(v.props);
    v.props.forEach(r);
  } else if (v instanceof V.GFunction) {
    out.add(v.unit).add(v.cells);
    for (const c of v.cells) {
      out.add(c);
      r(c.v);
    }
    if (v.globals !== builtins) {
      out.add(v.globals);
      for (const name of v.unit.globalNames) {
        const c = v.globals.cells.get(name);
        if (c === undefined) continue;
        out.add(c);
        r(c.v);
      }
    }
  }
  return out;
}

/** Change everything reachable from v that can change. */
function mutateDeep(v: Value, seen = new Set<object>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  const MUT = () => new V.GString('MUTATED');
  if (Array.isArray(v)) {
    v.forEach((x) => mutateDeep(x, seen));
    for (let i = 0; i < v.length; i++) v[i] = MUT();
    v.push(MUT());
  } else if (v instanceof V.GString) v.s += '!MUTATED';
  else if (v instanceof V.GMap) {
    v.entries.forEach((x) => mutateDeep(x, seen));
    for (const k of v.entries.keys()) v.entries.set(k, MUT());
    v.entries.set('MUTATED', 1);
  } else if (v instanceof V.GGene) {
    mutateDeep(v.type, seen);
    v.props.forEach((x) => mutateDeep(x, seen));
    v.children.forEach((x) => mutateDeep(x, seen));
    v.type = MUT();
    v.props.set('MUTATED', 1);
    v.children.push(MUT());
  } else if (v instanceof V.GInstance) {
    v.props.forEach((x) => mutateDeep(x, seen));
    v.props.set('MUTATED', 1);
  } else if (v instanceof V.GFunction) {
    for (const c of v.cells) {
      mutateDeep(c.v, seen);
      c.v = MUT();
    }
    for (const name of v.unit.globalNames) {
      const c = v.globals.cells.get(name);
      if (c === undefined) continue;
      mutateDeep(c.v, seen);
      c.v = MUT();
    }
    v.globals.define('MUTATED', 1);
  }
}

/** An independent deep copy made without the codec (the reference the original is checked against). */
function snapshot(v: Value, memo = new Map<object, unknown>()): Value {
  if (v === null || typeof v !== 'object' || v === V.VOID || v instanceof V.NativeFn) return v;
  if (memo.has(v)) return memo.get(v) as Value;
  const s = (x: Value) => snapshot(x, memo);
  const ents = (m: Map<string, Value>) => new Map([...m].map(([k, x]) => [k, s(x)]));
  if (Array.isArray(v)) return v.map(s);
  if (v instanceof V.GString) return new V.GString(v.s);
  if (v instanceof V.GMap) return new V.GMap(ents(v.entries));
  if (v instanceof V.GGene) return new V.GGene(s(v.type), ents(v.props), v.children.map(s));
  if (v instanceof V.GInstance) return new V.GInstance(v.cls, ents(v.props));
  if (v instanceof V.GFunction) {
    // Its globals stay shared with the original, so a function without cells is itself (a
    // recursive top-level fn then still finds itself through them).
    if (v.cells.length === 0) return v;
    const cells = v.cells.map((c) => {
      let copy = memo.get(c) as InstanceType<typeof V.Cell> | undefined;
      if (copy === undefined) {
        copy = new V.Cell(null);
        memo.set(c, copy);
        copy.v = s(c.v);
      }
      return copy;
    });
    const f = new V.GFunction(v.unit, cells, v.globals);
    memo.set(v, f);
    return f;
  }
  return v; // immutable: floats, symbols, chars, ranges, handles
}

/** decode(structuredClone(encode(v))): a message's trip between threads. */
function trip(v: Value, sender: Builtins, receiver: LocalVm): Value {
  return C.decodeIn(structuredClone(C.encode(v, 'payload', sender)), receiver.vm.builtins);
}

/** Call the copies of the functions and compare with what the originals would give. */
function checkBehaviour(fns: Made[], ctx: Ctx, receiver: LocalVm): void {
  for (const { fn, template, capture, other } of fns) {
    const copy = ctx.fns.get(fn as Fn) as Value | undefined;
    if (copy === undefined) continue; // replaced in the copy (not reachable): nothing to call
    receiver.ns.define('f', copy);
    const expectSame = (got: Value, want: Value) => same(want, got, newCtx(receiver.vm.builtins), `(${template})`);
    switch (template) {
      case 'get':
        expectSame(receiver.run('(f)'), capture);
        break;
      case 'get2':
        expectSame(receiver.run('(f)'), [capture, 7]);
        break;
      case 'glob':
        expectSame(receiver.run('(f)'), [capture, new V.GString('helper')]);
        break;
      case 'fib':
        expect(receiver.run('(f 15)')).toBe(610);
        break;
      case 'pair':
        // two closures sharing one cell still share it after the trip
        receiver.ns.define('g', ctx.fns.get(other as Fn) as Value);
        expect(receiver.run('(g 41) ((f) + 1)')).toBe(42);
        break;
    }
    totals.add('functions called');
  }
}

describe('codec: random sendable values', () => {
  const sender = new LocalVm();
  const receiver = new LocalVm();
  const builtins = sender.vm.builtins;

  it('codec round trip: values arrive equal, kind for kind (-0.0, NaN, key order, function graphs), and behave the same', () => {
    fc.assert(
      fc.property(valueD, (d) => {
        const fns: Made[] = [];
        const v = build(d, builtins, fns);
        const back = trip(v, builtins, receiver);
        const ctx = newCtx(receiver.vm.builtins);
        same(v, back, ctx);
        if (!hasCode(d)) {
          expect(V.equals(back, v)).toBe(true);
          expect(V.repr(back)).toBe(V.repr(v));
        }
        // the pair setters change cells other functions' captures may hold: call them last
        checkBehaviour([...fns.filter((f) => f.template !== 'pair'), ...fns.filter((f) => f.template === 'pair')], ctx, receiver);
        totals.add('values');
      }),
      fuzzParams('codec round trip', 300),
    );
  }, TIMEOUT);

  it('codec copy isolation: copies share nothing with the original: mutating the copy deeply leaves the original unchanged', () => {
    fc.assert(
      fc.property(valueD, (d) => {
        const v = build(d, builtins);
        const before = snapshot(v);
        const back = trip(v, builtins, receiver);
        const mine = reachable(v, new Set(), builtins);
        for (const o of reachable(back, new Set(), receiver.vm.builtins)) {
          if (mine.has(o)) throw new Error(`the copy shares an object with the original: ${safeRepr(o as Value)}`);
        }
        mutateDeep(back);
        same(v, before, newCtx(null));
        totals.add('values');
      }),
      fuzzParams('codec copy isolation', 200),
    );
  }, TIMEOUT);
});

// ---- non-sendable values at random paths ----

type Bad = 'future' | 'message' | 'native' | 'cycle';

interface Site {
  path: string;
  /** Containers enclosing the site (a cycle points back to one of them). */
  ancestors: object[];
  put: (x: Value) => void;
}

/** Every place a value can be put, in the encoder's visiting order (first visit of each cell only). */
function sites(root: { v: Value }): Site[] {
  const out: Site[] = [{ path: 'payload', ancestors: [], put: (x) => (root.v = x) }];
  const seenCells = new Set<object>();
  const seenFns = new Set<object>();
  const walk = (v: Value, path: string, anc: object[]): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      const a = [...anc, v];
      v.forEach((x, i) => {
        out.push({ path: `${path}[${i}]`, ancestors: a, put: (y) => (v[i] = y) });
        walk(x, `${path}[${i}]`, a);
      });
      out.push({ path: `${path}[${v.length}]`, ancestors: a, put: (y) => v.push(y) });
    } else if (v instanceof V.GMap) {
      const a = [...anc, v];
      for (const [k, x] of v.entries) {
        out.push({ path: `${path}^${k}`, ancestors: a, put: (y) => v.entries.set(k, y) });
        walk(x, `${path}^${k}`, a);
      }
      if (!v.entries.has('bad')) out.push({ path: `${path}^bad`, ancestors: a, put: (y) => v.entries.set('bad', y) });
    } else if (v instanceof V.GGene) {
      const a = [...anc, v];
      out.push({ path: `${path}.type`, ancestors: a, put: (y) => (v.type = y) });
      walk(v.type, `${path}.type`, a);
      for (const [k, x] of v.props) {
        out.push({ path: `${path}^${k}`, ancestors: a, put: (y) => v.props.set(k, y) });
        walk(x, `${path}^${k}`, a);
      }
      v.children.forEach((x, i) => {
        out.push({ path: `${path}[${i}]`, ancestors: a, put: (y) => (v.children[i] = y) });
        walk(x, `${path}[${i}]`, a);
      });
    } else if (v instanceof V.GInstance) {
      for (const [k, x] of v.props) walk(x, `${path}^${k}`, anc); // instances are not cycle-checked containers
    } else if (v instanceof V.GFunction) {
      if (seenFns.has(v)) return;
      seenFns.add(v);
      v.cells.forEach((c, k) => {
        if (seenCells.has(c)) return;
        seenCells.add(c);
        const p = `${path}(fn ${v.unit.name}).capture[${k}]`;
        out.push({ path: p, ancestors: anc, put: (y) => (c.v = y) });
        walk(c.v, p, anc);
      });
    }
  };
  walk(root.v, 'payload', []);
  return out;
}

const badCase = fc.record({ d: valueD, bad: fc.constantFrom<Bad>('future', 'message', 'native', 'cycle'), site: fc.nat(), anc: fc.nat() });

/** Put the bad part at a chosen site; the path and description NotSendable must report. */
function plant(c: { d: D; bad: Bad; site: number; anc: number }, builtins: Builtins): { v: Value; path: string; what: string } {
  const root = { v: build(c.d, builtins) };
  const all = sites(root);
  const s = all[c.site % all.length]!;
  let bad = c.bad;
  if (bad === 'cycle' && s.ancestors.length === 0) bad = 'future';
  switch (bad) {
    case 'future':
      s.put(new V.GFuture());
      return { v: root.v, path: s.path, what: 'a Future' };
    case 'message':
      s.put(new V.ThreadMessageValue(null, new V.ThreadHandle(0, 0), 0));
      return { v: root.v, path: s.path, what: 'a ThreadMessage' };
    case 'native':
      s.put(new V.NativeFn('not_a_builtin', () => null));
      return { v: root.v, path: s.path, what: 'a native function not_a_builtin' };
    case 'cycle': {
      const target = s.ancestors[c.anc % s.ancestors.length]! as Value;
      s.put(target);
      return { v: root.v, path: s.path, what: `a cyclic ${V.kindName(target).slice(2)}` };
    }
  }
}

/** The NotSendable error thrown by f (fails if f does not throw one). */
function notSendable(f: () => unknown): { message: string; path: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof E.GeneThrow)) throw e;
    const v = e.value as InstanceType<typeof V.GInstance>;
    expect((v.props.get('kind') as InstanceType<typeof V.GString>).s).toBe('NotSendable');
    return { message: (v.props.get('message') as InstanceType<typeof V.GString>).s, path: (v.props.get('path') as InstanceType<typeof V.GString>).s };
  }
  throw new Error('expected NotSendable, but the value was encoded');
}

describe('codec: random non-sendable values', () => {
  const sender = new LocalVm();
  it('codec not sendable: NotSendable names the type and the exact path', () => {
    fc.assert(
      fc.property(badCase, (c) => {
        const { v, path, what } = plant(c, sender.vm.builtins);
        const err = notSendable(() => C.encode(v, 'payload', sender.vm.builtins));
        expect(err.path).toBe(path);
        expect(err.message.startsWith(`${path} is ${what} (not sendable: `)).toBe(true);
        totals.add('non-sendable values');
      }),
      fuzzParams('codec not sendable', 300),
    );
  }, TIMEOUT);
});

// ---- the same through real threads: an echo thread replies what it got ----

describe('real threads: random values through send_expect_reply', () => {
  let s: Session;
  beforeAll(async () => {
    s = new Session({ maxThreads: 4 }, 1);
    await s.eval(`
      (var echo (spawn
        (var count 0)
        ($thread .on_message (fn [m]
          (var p (m .payload))
          (if (p/0 == "count") (m .reply count)
           else (count += 1) (m .reply p/1))))
        (keep_alive)))
      (var sent 0)`);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('codec through threads: good values come back equal; bad ones raise NotSendable in the sender and are never delivered', async () => {
    const builtins = s.vm.builtins;
    await fc.assert(
      fc.asyncProperty(fc.oneof(valueD.map((d) => ({ good: true as const, d })), badCase.map((b) => ({ good: false as const, b }))), async (c) => {
        if (c.good) {
          const v = build(c.d, builtins);
          const before = snapshot(v);
          s.define('v', v);
          const back = await s.eval('(sent += 1) (await (echo .send_expect_reply ["echo" v]))');
          same(v, back, newCtx(builtins));
          mutateDeep(back);
          same(v, before, newCtx(null));
          totals.add('messages');
        } else {
          const { v, path, what } = plant(c.b, builtins);
          s.define('v', v);
          const r = await s.run('(echo .send ["echo" v])');
          expect(r.ok).toBe(false);
          expect(r.ok ? '' : r.kind).toBe('NotSendable');
          const inner = path.replace(/^payload/, 'payload[1]');
          expect(r.ok ? '' : r.message.startsWith(`${inner} is ${what}`)).toBe(true);
          totals.add('non-sendable sends');
        }
        s.define('v', null);
        // Nothing of a refused send reached the thread: it counted only the good ones.
        expect(await s.eval('(await (echo .send_expect_reply ["count"]))')).toBe(s.get('sent'));
      }),
      fuzzParams('codec through threads', 60),
    );
    totals.add('threads', 1);
  }, TIMEOUT);
});
