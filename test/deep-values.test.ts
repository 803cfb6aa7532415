// THR-MSG-COPY.4: depth never crashes anything. The codec, postMessage's structured clone,
// printing and equality run on explicit stacks, so 100,000-deep values (and cyclic ones, for
// printing and equality) never reach the host's stack limit. Speed ratios are in `npm run bench`.
import { describe, expect, it } from 'vitest';
import { GeneThrow } from '../src/values/errors.js';
import { GGene, GInstance, GMap, GString, Sym, Value, str } from '../src/values/values.js';
import { display, repr } from '../src/values/print.js';
import { equals } from '../src/values/equality.js';
import { decode, encode } from '../src/threads/codec.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

const DEPTH = 100_000;

/** [i [i-1 [… [0 []]]]], then the same through maps and genes in turn. */
function deepMixed(depth: number): Value {
  let v: Value = [];
  for (let i = 0; i < depth; i++) {
    switch (i % 3) {
      case 0:
        v = [i, v];
        break;
      case 1:
        v = new GMap(new Map<string, Value>([['i', i], ['next', v]]));
        break;
      default:
        v = new GGene(new Sym('g'), new Map<string, Value>([['p', str('x')]]), [i, v]);
    }
  }
  return v;
}

describe('deep values', () => {
  it('crosses the codec and a structured clone at 100,000 levels, arriving equal', () => {
    const vm = new VM(new LocalHost(() => {}), DEFAULT_LIMITS);
    const v = deepMixed(DEPTH);
    const copy = decode(structuredClone(encode(v, 'payload', vm.builtins)), vm);
    expect(copy === v).toBe(false);
    expect(equals(copy, v)).toBe(true);
    expect(repr(copy)).toBe(repr(v));
  });

  it('prints and compares 100,000-deep values', () => {
    let a: Value = [];
    let b: Value = [];
    for (let i = 0; i < DEPTH; i++) {
      a = [i, a];
      b = [i, b];
    }
    expect(equals(a, b)).toBe(true);
    expect(display(a).length).toBe(repr(b).length);
    expect(display(a).startsWith(`[${DEPTH - 1} [${DEPTH - 2} `)).toBe(true);
    b[1] = 0;
    expect(equals(a, b)).toBe(false);
  });

  it('prints a container met inside itself as ..., and compares cyclic values without hanging', () => {
    const a: Value[] = [1];
    a.push(a);
    const m = new GMap(new Map<string, Value>([['a', 1]]));
    m.entries.set('self', m);
    expect(display(a)).toBe('[1 ...]');
    expect(repr(m)).toBe('{^a 1 ^self ...}');
    const b: Value[] = [1];
    b.push(b);
    expect(equals(a, b)).toBe(true);
    const c: Value[] = [2];
    c.push(c);
    expect(equals(a, c)).toBe(false);
  });

  it('keeps the print forms of shallow values', () => {
    const g = new GGene(new Sym('t'), new Map<string, Value>([['k', str('v')]]), [1, str('s')]);
    expect(display([str('a'), new GMap(new Map<string, Value>([['x', str('y')]])), g])).toBe('[a {^x y} (t ^k "v" 1 "s")]');
    expect(repr([str('a'), []])).toBe('["a" []]');
    expect(repr(new GMap())).toBe('{}');
  });

  it('finds a cycle 100,000 levels down as NotSendable with its path', () => {
    const vm = new VM(new LocalHost(() => {}), DEFAULT_LIMITS);
    const top: Value[] = [0];
    let cur = top;
    for (let i = 1; i < DEPTH; i++) {
      const next: Value[] = [i];
      cur.push(next);
      cur = next;
    }
    cur.push(top);
    try {
      encode(top, 'payload', vm.builtins);
      throw new Error('expected NotSendable');
    } catch (e) {
      expect(e).toBeInstanceOf(GeneThrow);
      const err = (e as GeneThrow).value as GInstance;
      expect((err.props.get('kind') as GString).s).toBe('NotSendable');
      expect((err.props.get('path') as GString).s).toBe(`payload${'[1]'.repeat(DEPTH)}`);
    }
  });
});
