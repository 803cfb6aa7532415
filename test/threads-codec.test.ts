// THR-MSG-COPY: the codec is the only door between threads. Round trips (through
// structuredClone, as postMessage does), copy isolation, sendable functions, NotSendable paths.
// The random-value properties are in fuzz/codec.fuzz.test.ts.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { ERROR_CLASSES, GeneThrow, describeThrown, makeErrorValue } from '../src/values/errors.js';
import {
  GChar, GFloat, GFuture, GGene, GInstance, GMap, GRange, GString, NativeFn, Namespace, Sym, ThreadHandle, ThreadMessageValue, VOID, Value, str,
  type CodeUnit,
} from '../src/values/values.js';
import { equals } from '../src/values/equality.js';
import { repr } from '../src/values/print.js';
import { Decoder, Encoder, decode, decodeUnit, encode, encodeUnit, type Encoded } from '../src/threads/codec.js';
import { drive } from '../src/hosts/driver.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

function newVm(out?: string[]): VM {
  return new VM(new LocalHost((_fd, text) => out?.push(text)), DEFAULT_LIMITS);
}

/** Copy through the plain form and a structured clone, like a message between threads. */
function roundTrip(v: Value, vm: VM = newVm()): Value {
  return decode(structuredClone(encode(v, 'payload', vm.builtins)), vm);
}

/** Run Gene source on a fresh VM and return its module namespace (and the VM). */
async function evalGene(src: string): Promise<{ vm: VM; ns: Namespace }> {
  const vm = newVm();
  const ns = new Namespace(vm.builtins);
  vm.load(compileSource(src, 'codec.gene'), ns);
  const r = await drive(vm, vm.run(), vm.host as LocalHost);
  if (r.kind === 'error') throw new Error(describeThrown(r.value));
  return { vm, ns };
}

/** Run `src` on another VM with `bindings` as module variables; returns what it printed. */
async function runWith(bindings: Record<string, Encoded>, src: string): Promise<string> {
  const out: string[] = [];
  const vm = newVm(out);
  const ns = new Namespace(vm.builtins);
  for (const [k, e] of Object.entries(bindings)) ns.define(k, decode(structuredClone(e), vm));
  vm.load(compileSource(src, 'receiver.gene'), ns);
  const r = await drive(vm, vm.run(), vm.host as LocalHost);
  if (r.kind === 'error') throw new Error(describeThrown(r.value));
  return out.join('');
}

function notSendable(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GeneThrow);
    const v = (e as GeneThrow).value as GInstance;
    expect((v.props.get('kind') as GString).s).toBe('NotSendable');
    return (v.props.get('message') as GString).s;
  }
  throw new Error('expected NotSendable');
}

describe('codec round trips', () => {
  it('keeps scalars exactly: ints up to 48 bits, -0.0, inf, -inf, nan, unicode', () => {
    const big = 140737488355327;
    for (const v of [null, true, false, 0, -1, big, -big - 1, 42]) expect(roundTrip(v)).toBe(v);
    const negZero = roundTrip(new GFloat(-0)) as GFloat;
    expect(negZero).toBeInstanceOf(GFloat);
    expect(Object.is(negZero.v, -0)).toBe(true);
    expect((roundTrip(new GFloat(Infinity)) as GFloat).v).toBe(Infinity);
    expect((roundTrip(new GFloat(-Infinity)) as GFloat).v).toBe(-Infinity);
    expect(Number.isNaN((roundTrip(new GFloat(NaN)) as GFloat).v)).toBe(true);
    expect(roundTrip(new GFloat(1))).toBeInstanceOf(GFloat); // 1.0 stays a Float, not an Int
    const text = 'héllo 世界 🧬 \u0000 "q"';
    expect((roundTrip(str(text)) as GString).s).toBe(text);
    expect((roundTrip(new GChar('🧬')) as GChar).c).toBe('🧬');
    expect(roundTrip(VOID)).toBe(VOID);
  });

  it('keeps structure and order: arrays, maps, genes, ranges, symbols, handles', () => {
    const m = new GMap(new Map<string, Value>([['z', 1], ['a', [str('x'), new Sym('s')]], ['m', 2]]));
    const g = new GGene(new Sym('tag'), new Map<string, Value>([['p', new GFloat(2.5)]]), [1, m]);
    const v: Value = [m, g, new GRange(1, 10, 2, true), new ThreadHandle(3, 123456789012), [[[]]]];
    const back = roundTrip(v);
    expect(equals(back, v)).toBe(true);
    expect([...((back as Value[])[0] as GMap).entries.keys()]).toEqual(['z', 'a', 'm']);
    expect(repr(back)).toBe(repr(v));
  });

  it('copies share nothing with the original, and shared sub-values arrive as separate copies', () => {
    const shared = [str('s')];
    const orig: Value[] = [shared, shared, new GMap(new Map([['k', str('v')]]))];
    const e = encode(orig, 'payload');
    (orig[0] as Value[]).push(99);
    ((orig[2] as GMap).entries.get('k') as GString).s = 'changed';
    const back = decode(structuredClone(e), newVm()) as Value[];
    expect(repr(back)).toBe('[["s"] ["s"] {^k "v"}]');
    expect(back[0]).not.toBe(back[1]);
    (back[0] as Value[]).push(1);
    expect((back[1] as Value[]).length).toBe(1);
  });

  it('sends error objects as kind + props copies, and builtin natives and classes by name', () => {
    const vm = newVm();
    const err = makeErrorValue('TypeError', 'bad', { thread: 3 });
    const back = roundTrip(err, vm) as GInstance;
    expect(back.cls).toBe(ERROR_CLASSES.get('TypeError'));
    expect((back.props.get('message') as GString).s).toBe('bad');
    expect(back.props.get('thread')).toBe(3);
    const println = vm.builtins.lookup('println')!.v;
    const receiver = newVm();
    expect(decode(structuredClone(encode(println, 'payload', vm.builtins)), receiver)).toBe(receiver.builtins.lookup('println')!.v);
    const genePrintln = (vm.builtins.lookup('gene')!.v as GMap).entries.get('println')!;
    expect(decode(encode(genePrintln, 'payload', vm.builtins), receiver)).toBe((receiver.builtins.lookup('gene')!.v as GMap).entries.get('println'));
    expect(decode(encode(vm.builtins.lookup('Int')!.v, 'payload'), receiver)).toBe(receiver.builtins.lookup('Int')!.v);
  });
});

describe('sendable functions (THR-SPAWN.4)', () => {
  it('a recursive top-level fn travels with the globals it uses, each once', async () => {
    const { vm, ns } = await evalGene('(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))');
    const e = encode(ns.lookup('fib')!.v, 'f', vm.builtins);
    expect(e.t!.n[0]!.map(([name]) => name)).toEqual(['fib']);
    expect(await runWith({ f: e }, '(println (f 20))')).toBe('6765\n');
  });

  it('captured cells and module globals are copies: the sender never sees the receiver’s writes', async () => {
    const { vm, ns } = await evalGene(`
      (var counter 10)
      (fn bump [] (counter = (counter + 1)) counter)
      (fn make_adder [k] (fn [x] (x + k)))
      (var add5 (make_adder 5))
      (fn make_pair [] (var n 0) [(fn [] (n += 1) n) (fn [] n)])
      (var pair (make_pair))`);
    const enc = (name: string) => encode(ns.lookup(name)!.v, name, vm.builtins);
    expect(await runWith({ bump: enc('bump') }, '(println (bump) (bump))')).toBe('11 12\n');
    expect(ns.lookup('counter')!.v).toBe(10);
    expect(await runWith({ add5: enc('add5') }, '(println (add5 1))')).toBe('6\n');
    // Two closures sharing one cell still share it after the copy (one message, one table).
    expect(await runWith({ pair: enc('pair') }, '(var inc pair/0) (var get pair/1) (inc) (inc) (println (get))')).toBe('2\n');
  });

  it('mutually recursive functions and functions inside data decode into one namespace', async () => {
    const { vm, ns } = await evalGene(`
      (fn is_even [n] (if (n == 0) true else (is_odd (n - 1))))
      (fn is_odd [n] (if (n == 0) false else (is_even (n - 1))))
      (var table {^even is_even ^odd is_odd})`);
    const e = encode(ns.lookup('table')!.v, 'payload', vm.builtins);
    expect(await runWith({ t: e }, '(var e t/even) (var o t/odd) (println (e 10) (o 7))')).toBe('true true\n');
    const back = decode(structuredClone(e), newVm()) as GMap;
    const even = back.entries.get('even') as unknown as { globals: Namespace };
    const odd = back.entries.get('odd') as unknown as { globals: Namespace };
    expect(even.globals).toBe(odd.globals);
  });

  it('a home namespace (a spawned thread’s module) receives the copied globals', async () => {
    const { vm, ns } = await evalGene('(var base 100) (fn f [x] (x + base))');
    const enc = new Encoder(vm.builtins, ns);
    const root = enc.value(ns.lookup('f')!.v, 'f');
    enc.global(ns, 'base', 'base');
    const wire = structuredClone(enc.finish(root));
    const receiver = newVm();
    const home = new Namespace(receiver.builtins);
    const f = new Decoder(receiver.builtins, wire.t, home).value(wire.r) as unknown as { globals: Namespace };
    expect(f.globals).toBe(home);
    expect(home.lookup('base')!.v).toBe(100);
  });
});

describe('code units on the wire (THR-SPAWN.2)', () => {
  /** Every unit reachable from `u` through its constants (nested functions, spawn bodies). */
  function unitsIn(u: CodeUnit, out: CodeUnit[] = []): CodeUnit[] {
    out.push(u);
    for (const c of u.consts) {
      if (typeof c !== 'object' || c === null || !('kind' in c)) continue;
      if (c.kind === 'unit') unitsIn(c as CodeUnit, out);
      if (c.kind === 'spawn') unitsIn((c as unknown as { body: CodeUnit }).body, out);
    }
    return out;
  }

  it('a unit crosses with every field, nested units and their constants included', () => {
    const unit = compileSource(`
      (var private 1)
      (fn f [a b = 2 rest... ^k = 3] [a b rest k private])
      (fn g [] (spawn_return (f 1)))
      (fn h [] (await (spawn_return 2)))`, 'units.gene');
    const units = unitsIn(unit);
    expect(units.length).toBeGreaterThanOrEqual(4);
    expect(units.some((u) => u.moduleVars !== undefined)).toBe(true);
    expect(units.some((u) => u.kwParams.length > 0 && u.restSlot >= 0 && u.nrequired < u.nparams)).toBe(true);
    const back = decodeUnit(structuredClone(encodeUnit(unit)), newVm().builtins);
    const backUnits = unitsIn(back);
    expect(backUnits.length).toBe(units.length);
    units.forEach((u, i) => {
      const b = backUnits[i]!;
      // The same fields, the same values; the instruction arrays are Int32Arrays again.
      expect(Object.keys(b).sort()).toEqual(Object.keys(u).sort());
      for (const k of ['code', 'lines', 'cols'] as const) expect(b[k]).toBeInstanceOf(Int32Array);
      const plain = (x: CodeUnit) => ({ ...x, consts: x.consts.filter((c) => typeof c !== 'object' || c === null || !('kind' in c)) });
      expect(plain(b)).toEqual(plain(u));
    });
  });
});

describe('NotSendable', () => {
  it('names the type and the path of what cannot be sent', () => {
    const m = new GMap(new Map<string, Value>([['handler', new GFuture()]]));
    expect(notSendable(() => encode([1, 2, m], 'payload'))).toBe(
      'payload[2]^handler is a Future (not sendable: futures belong to the thread that made them)',
    );
    const msg = new ThreadMessageValue(null, new ThreadHandle(0, 0), 0);
    expect(notSendable(() => encode(new GGene(new Sym('g'), new Map(), [msg]), 'reply'))).toMatch(/^reply\[0\] is a ThreadMessage/);
    const vm = newVm();
    expect(notSendable(() => encode(new NativeFn('mine', () => null), 'result', vm.builtins))).toMatch(/^result is a native function mine/);
  });

  it('refuses cycles but not shared sub-values', () => {
    const a: Value[] = [1];
    a.push(a);
    expect(notSendable(() => encode([a], 'payload'))).toMatch(/^payload\[0\]\[1\] is a cyclic Array/);
    const m = new GMap();
    m.entries.set('self', [m]);
    expect(notSendable(() => encode(m, 'x'))).toMatch(/^x\^self\[0\] is a cyclic Map/);
    const s = [1];
    expect(() => encode([s, [s, s]], 'payload')).not.toThrow();
  });

  it('names a function’s capture or global on the path, and leaves the value untouched', async () => {
    const { vm, ns } = await evalGene('(var f (new gene/Future)) (fn uses [] f)');
    expect(notSendable(() => encode(ns.lookup('uses')!.v, 'job', vm.builtins))).toBe(
      'job(fn uses).f is a Future (not sendable: futures belong to the thread that made them)',
    );
    expect(ns.lookup('f')!.v).toBeInstanceOf(GFuture);
  });

  it('names the path into an instance: a Future field, a cycle through a field, a class method using a Future (THR-MSG-COPY.5)', async () => {
    const { vm, ns } = await evalGene(`
      (class Box (ctor [v] (/v = v)))
      (var held (new Box (new gene/Future)))
      (var me (new Box 1)) (me/self_ref = me)
      (var f (new gene/Future))
      (class Holder (method get _ f))
      (var h (new Holder))`);
    const at = (name: string) => ns.lookup(name)!.v;
    expect(notSendable(() => encode(at('held'), 'payload', vm.builtins))).toMatch(/^payload\^v is a Future/);
    expect(notSendable(() => encode([at('me')], 'payload', vm.builtins))).toMatch(/^payload\[0\]\^self_ref is a cyclic Instance/);
    expect(notSendable(() => encode(at('h'), 'payload', vm.builtins))).toMatch(/^payload\(class Holder\)\(fn Holder\.get\)\.f is a Future/);
  });
});
