// One place to add a value kind: VALUE_KINDS in src/values/values.ts. SAMPLES must name one value
// of every kind (the type check fails otherwise), and each sample must pass through every table
// that depends on the kind: kindName, typeof, its class, printing, equality and the codec.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { GeneThrow, ROOT_ERROR_CLASS } from '../src/values/errors.js';
import { classOfValue } from '../src/ops/classes.js';
import { decodeIn, encode } from '../src/threads/codec.js';
import { equals } from '../src/values/equality.js';
import { display, repr } from '../src/values/print.js';
import {
  GChar, GClass, GFloat, GFunction, GFuture, GGene, GGenerator, GInstance, GMap, GRange, GString, Namespace, NativeFn, Sym,
  ThreadHandle, ThreadMessageValue, VALUE_KINDS, VOID, kindName, typeOf, type Value, type ValueKind,
} from '../src/values/values.js';

const builtins = new Namespace(null);
const fn = new GFunction(compileSource('(fn f [x] x)', 'k.gene'), [], new Namespace(builtins));
const cls = new GClass('Point', null);

const SAMPLES: Record<ValueKind, Value> = {
  VkNil: null,
  VkBool: true,
  VkInt: 42,
  VkFloat: new GFloat(1.5),
  VkString: new GString('s'),
  VkSymbol: new Sym('a'),
  VkComplexSymbol: new Sym('a/b'),
  VkChar: new GChar('c'),
  VkArray: [1, 2],
  VkMap: new GMap(new Map([['k', 1]])),
  VkGene: new GGene(new Sym('g'), new Map(), [1]),
  VkRange: new GRange(0, 3, 1, false),
  VkFunction: fn,
  VkNativeFn: new NativeFn('n', () => null),
  VkFuture: new GFuture(),
  VkThread: new ThreadHandle(1, 7),
  VkThreadMessage: new ThreadMessageValue(1, new ThreadHandle(1, 7), 0),
  VkClass: cls,
  VkInstance: new GInstance(cls, new Map<string, Value>([['x', 1]])),
  VkVoid: VOID,
  VkNamespace: namespaceSample(),
  VkGenerator: new GGenerator(fn),
};

function namespaceSample(): Namespace {
  const ns = new Namespace(null, 'Tools');
  ns.define('v', 1);
  return ns;
}

describe('value kinds', () => {
  it('has a sample of every kind, and kindName names it', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(VALUE_KINDS).sort());
    for (const [kind, v] of Object.entries(SAMPLES)) expect(kindName(v), kind).toBe(kind);
  });

  it('gives every kind a typeof name, a class where a program can name one, and a printed form', () => {
    for (const [kind, v] of Object.entries(SAMPLES) as [ValueKind, Value][]) {
      expect(typeOf(v), kind).toBe(kind === 'VkInstance' ? 'Point' : VALUE_KINDS[kind]);
      const c = classOfValue(v);
      if (kind === 'VkClass' || kind === 'VkVoid') expect(c, kind).toBeNull();
      else expect(c, kind).toBeInstanceOf(GClass);
      expect(typeof display(v), kind).toBe('string');
      expect(typeof repr(v), kind).toBe('string');
      expect(equals(v, v), kind).toBe(true);
    }
  });

  it('copies every kind between threads or refuses it with NotSendable, never anything else', () => {
    for (const [kind, v] of Object.entries(SAMPLES) as [ValueKind, Value][]) {
      let copy: Value;
      try {
        copy = decodeIn(encode(v, 'sample', builtins), builtins);
      } catch (e) {
        expect(e, kind).toBeInstanceOf(GeneThrow);
        expect(((e as GeneThrow).value as GInstance).cls.name, kind).toBe('NotSendable');
        continue;
      }
      expect(kindName(copy), kind).toBe(kind);
      if (kind === 'VkInstance') {
        // THR-MSG-COPY.5: a copied instance is a new object (instances compare by identity) of
        // the same class with equal fields.
        const [orig, dup] = [v as GInstance, copy as GInstance];
        expect(equals(dup, orig), kind).toBe(false);
        expect(dup.cls.name, kind).toBe(orig.cls.name);
        expect(equals(new GMap(dup.props), new GMap(orig.props)), kind).toBe(true);
      } else if (kind === 'VkNamespace') {
        // LANG-MOD.7: a copied namespace is a new namespace (compared by identity) with the same members.
        const [orig, dup] = [v as Namespace, copy as Namespace];
        expect(equals(dup, orig), kind).toBe(false);
        expect(dup.name, kind).toBe(orig.name);
        expect(dup.cells.get('v')?.v, kind).toBe(1);
      } else if (kind !== 'VkFunction' && kind !== 'VkFuture') expect(equals(copy, v), kind).toBe(true);
    }
    expect(ROOT_ERROR_CLASS.name).toBe('GeneException');
  });
});
