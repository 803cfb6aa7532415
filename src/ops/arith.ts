// Operators on values (gene-core §4.2–§4.4). The VM inlines the Int fast paths; these are the
// general cases, with upstream's error messages.
import { geneError } from '../values/errors.js';
import { GFloat, INT_MAX, INT_MIN, Value, kindName, numValue, isNumber } from '../values/values.js';

export function checkInt(r: number): number {
  if (r > INT_MAX || r < INT_MIN) throw geneError('IntegerOverflow', `Integer overflow: ${r} is outside the 48-bit range`);
  return r;
}

/** `a < k`, `a <= k`, `a > k` or `a >= k` (which: 0 to 3), as LtInt etc. compare. */
export function comparesWithInt(which: number, a: Value, k: number): boolean {
  if (typeof a === 'number') return which === 0 ? a < k : which === 1 ? a <= k : which === 2 ? a > k : a >= k;
  if (which === 0) return compare(a, k, '<') < 0;
  if (which === 1) return compare(a, k, '<=') <= 0;
  return which === 2 ? compare(a, k, '>') > 0 : compare(a, k, '>=') >= 0;
}

type NumOp = (a: number, b: number) => number;

function arith(a: Value, b: Value, verb: string, f: NumOp): Value {
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === 'number' && typeof b === 'number') return checkInt(f(a, b));
    return new GFloat(f(numValue(a), numValue(b)));
  }
  throw geneError('TypeError', `Cannot ${verb} values of type: ${kindName(isNumber(a) ? b : a)}`);
}

export const add = (a: Value, b: Value): Value => arith(a, b, 'add', (x, y) => x + y);
export const sub = (a: Value, b: Value): Value => arith(a, b, 'subtract', (x, y) => x - y);
export const mul = (a: Value, b: Value): Value => arith(a, b, 'multiply', (x, y) => x * y);

/** `/` always returns a Float (gene-core §4.2). */
export function div(a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) return new GFloat(numValue(a) / numValue(b));
  throw geneError('TypeError', `Cannot divide values of type: ${kindName(isNumber(a) ? b : a)}`);
}

/** Truncated remainder with the sign of the dividend; Int % 0 throws. */
export function mod(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw geneError('DivisionByZero', 'Modulo by zero');
    return a % b;
  }
  return arith(a, b, 'take the remainder of', (x, y) => x % y);
}

export function neg(a: Value): Value {
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  if (a instanceof GFloat) return new GFloat(-a.v);
  throw geneError('TypeError', `Cannot negate a value of type: ${kindName(a)}`);
}

/** `< <= > >=` on numbers only (gene-core §4.3). */
export function compare(a: Value, b: Value, op: string): number {
  if (isNumber(a) && isNumber(b)) {
    const x = numValue(a);
    const y = numValue(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  throw geneError('TypeError', `Cannot compare ${kindName(a)} ${op} ${kindName(b)}`);
}
