// Equality (gene-core §4.3): structural and kind-strict.
import { GFloat, GString, Sym, GChar, GMap, GGene, GRange, ThreadHandle, type Value } from './values.js';

/** Container pairs compared before equality starts remembering pairs (to end on cyclic values). */
const PAIRS_BEFORE_MEMO = 1_000_000;

/**
 * Structural equality with an explicit stack (THR-MSG-COPY.4: deep values never crash). Past
 * PAIRS_BEFORE_MEMO container pairs, a pair met again counts as equal, so cyclic values end.
 */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  // Scalars (the usual case: `(n == 0)`) without the work list.
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (!Array.isArray(a) && !(a instanceof GMap) && !(a instanceof GGene)) return scalarEquals(a, b);
  const todo: Value[] = [a, b];
  let pairs = 0;
  let seen: Map<object, Set<object>> | null = null;
  while (todo.length > 0) {
    const y = todo.pop()!;
    const x = todo.pop()!;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x) || x instanceof GMap || x instanceof GGene) {
      if (++pairs > PAIRS_BEFORE_MEMO) {
        seen ??= new Map();
        let s = seen.get(x);
        if (s === undefined) seen.set(x, (s = new Set()));
        if (s.has(y)) continue;
        s.add(y);
      }
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = x.length - 1; i >= 0; i--) todo.push(x[i]!, y[i]!);
      continue;
    }
    if (x instanceof GMap) {
      if (!(y instanceof GMap) || !pushEntries(x.entries, y.entries, todo)) return false;
      continue;
    }
    if (x instanceof GGene) {
      if (!(y instanceof GGene) || x.children.length !== y.children.length || !pushEntries(x.props, y.props, todo)) return false;
      for (let i = x.children.length - 1; i >= 0; i--) todo.push(x.children[i]!, y.children[i]!);
      todo.push(x.type, y.type);
      continue;
    }
    if (!scalarEquals(x, y)) return false;
  }
  return true;
}

/** Queue the value pairs of two maps; false when their keys differ. */
function pushEntries(a: Map<string, Value>, b: Map<string, Value>, todo: Value[]): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    if (!b.has(k)) return false;
    todo.push(v, b.get(k)!);
  }
  return true;
}

function scalarEquals(a: Value, b: Value): boolean {
  if (a instanceof GFloat) return b instanceof GFloat && (a.v === b.v || (Number.isNaN(a.v) && Number.isNaN(b.v)));
  if (a instanceof GString) return b instanceof GString && a.s === b.s;
  if (a instanceof Sym) return b instanceof Sym && a.name === b.name;
  if (a instanceof GChar) return b instanceof GChar && a.c === b.c;
  if (a instanceof GRange)
    return b instanceof GRange && a.start === b.start && a.end === b.end && a.step === b.step;
  if (a instanceof ThreadHandle) return b instanceof ThreadHandle && a.id === b.id && a.secret === b.secret;
  return false;
}
