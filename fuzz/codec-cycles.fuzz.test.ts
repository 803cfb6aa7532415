// THR-MSG-COPY.4: the encoder's cycle check against a plain one. Random graphs of arrays and maps
// — long chains (deeper than the encoder's scanned prefix), shared parts, back edges — are encoded;
// a value is refused as cyclic exactly when a container is met inside itself, and the error names
// the same place as a depth-first walk that keeps the whole path in a set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GeneThrow } from '../src/values/errors.js';
import { GMap, GString, type Value } from '../src/values/values.js';
import { encode } from '../src/threads/codec.js';
import { fuzzParams } from './config.js';

/** A node: a map or an array; each part an Int or another node (by index). */
interface Node {
  map: boolean;
  parts: (number | { to: number })[];
}

const graph = fc
  .record({
    chain: fc.integer({ min: 1, max: 150 }),
    maps: fc.array(fc.nat(), { maxLength: 12 }),
    ints: fc.array(fc.record({ at: fc.nat(), pos: fc.nat(), v: fc.integer() }), { maxLength: 30 }),
    edges: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), pos: fc.nat() }), { maxLength: 8 }),
  })
  .map(({ chain, maps, ints, edges }) => {
    // A chain 0 → 1 → … (the first part of each node), then Ints and extra edges anywhere.
    const nodes: Node[] = Array.from({ length: chain }, (_, i) => ({ map: false, parts: i + 1 < chain ? [{ to: i + 1 }] : [] }));
    for (const m of maps) nodes[m % chain]!.map = true;
    const insert = (at: number, pos: number, part: Node['parts'][number]) => {
      const parts = nodes[at % chain]!.parts;
      parts.splice(pos % (parts.length + 1), 0, part);
    };
    for (const { at, pos, v } of ints) insert(at, pos, v);
    for (const { from, to, pos } of edges) insert(from, pos, { to: to % chain });
    return nodes;
  });

function build(nodes: Node[]): Value {
  const made: Value[] = nodes.map((n) => (n.map ? new GMap() : []));
  nodes.forEach((n, i) => {
    const parts = n.parts.map((p) => (typeof p === 'number' ? p : made[p.to]!));
    const v = made[i]!;
    if (v instanceof GMap) parts.forEach((p, k) => v.entries.set(`k${k}`, p));
    else (v as Value[]).push(...parts);
  });
  return made[0]!;
}

/** The plain check: depth first, the path in a set; the first container met inside itself. */
function reference(nodes: Node[]): string | 'ok' | 'too big' {
  const onPath = new Set<number>();
  let visits = 0;
  const walk = (i: number, where: string): string | null => {
    if (onPath.has(i)) return `${where} is a cyclic ${nodes[i]!.map ? 'Map' : 'Array'}`;
    if (++visits > 20_000) throw new RangeError('too big');
    onPath.add(i);
    const n = nodes[i]!;
    for (let k = 0; k < n.parts.length; k++) {
      const p = n.parts[k]!;
      if (typeof p === 'number') continue;
      const found = walk(p.to, n.map ? `${where}^k${k}` : `${where}[${k}]`);
      if (found !== null) return found;
    }
    onPath.delete(i);
    return null;
  };
  try {
    return walk(0, 'payload') ?? 'ok';
  } catch (e) {
    if (e instanceof RangeError) return 'too big';
    throw e;
  }
}

function encoded(v: Value): string {
  try {
    encode(v, 'payload');
    return 'ok';
  } catch (e) {
    if (!(e instanceof GeneThrow)) throw e;
    const msg = (e.value as { props: Map<string, Value> }).props.get('message');
    return msg instanceof GString ? msg.s.replace(/ \(not sendable: it contains itself\)$/, '') : String(msg);
  }
}

describe('THR-MSG-COPY.4: the cycle check', () => {
  it('refuses a value exactly when a container is met inside itself, naming the same place', () => {
    fc.assert(
      fc.property(graph, (nodes) => {
        const want = reference(nodes);
        fc.pre(want !== 'too big');
        expect(encoded(build(nodes))).toBe(want);
      }),
      fuzzParams('the cycle check', 300),
    );
  });
});
