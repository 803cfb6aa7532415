// Instructions that build values: closures, spreads, map and gene literals, ranges, interpolated
// strings. Those that pop operands take the stack and stack pointer and return the new pointer.
import { checkArrayGrowth, checkedConcat } from '../ops/strings.js';
import { geneError } from '../values/errors.js';
import type { CodeUnit } from '../values/values.js';
import { Cell, GFunction, GGene, GMap, GRange, GString, Value, kindName } from '../values/values.js';
import { interpolationText } from '../values/print.js';
import type { Frame } from './frame.js';

/** A function value: the unit plus the cells it captures, by reference (gene-core §3.6). */
export function closure(unit: CodeUnit, stack: Value[], base: number, frame: Frame): GFunction {
  const cells = unit.captures.map((c) => (c.fromLocal ? (stack[base + c.index] as unknown as Cell) : frame.fn.cells[c.index]!));
  return new GFunction(unit, cells, frame.globals);
}

/** [arr xs] -> [arr] with the elements of xs appended (`x...`, gene-core §1.6). */
export function arraySpread(stack: Value[], sp: number): number {
  const xs = stack[--sp]!;
  const target = stack[sp - 1] as Value[];
  if (Array.isArray(xs)) {
    checkArrayGrowth(target.length, xs.length);
    for (let i = 0; i < xs.length; i++) target.push(xs[i]!); // no spread call: any length
  } else if (xs !== null) throw geneError('TypeError', `Cannot spread a value of type ${kindName(xs)}`);
  return sp;
}

/** [v1..vn] -> [map] with the literal's keys, in order. */
export function makeMap(stack: Value[], sp: number, keys: readonly string[]): number {
  const m = new Map<string, Value>();
  const start = sp - keys.length;
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, stack[start + i]!);
  stack[start] = new GMap(m);
  return start + 1;
}

/** [type props.. children..] -> [gene]. */
export function makeGene(stack: Value[], sp: number, keys: readonly string[], nchildren: number): number {
  const children = stack.slice(sp - nchildren, sp);
  sp -= nchildren;
  const props = new Map<string, Value>();
  const start = sp - keys.length;
  for (let i = 0; i < keys.length; i++) props.set(keys[i]!, stack[start + i]!);
  stack[start - 1] = new GGene(stack[start - 1]!, props, children);
  return start;
}

/** [a b] -> [a..b] (gene-core §5.5). */
export function makeRange(stack: Value[], sp: number): number {
  const b = stack[--sp]!;
  const a = stack[sp - 1]!;
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw geneError('TypeError', `A range needs Int bounds, got ${kindName(a)} and ${kindName(b)}`);
  }
  stack[sp - 1] = new GRange(a, b, 1, false);
  return sp;
}

/** [parts..] -> [String] (`#"…"`, gene-core §1.3). */
export function interpolate(stack: Value[], sp: number, n: number): number {
  let s = '';
  for (let i = sp - n; i < sp; i++) s = checkedConcat(s, interpolationText(stack[i]!));
  sp -= n;
  stack[sp] = new GString(s);
  return sp + 1;
}
