// Math builtins as upstream 0b401d26 has them (LANG-BUILTIN.9): abs, sqrt, pow, min, max, floor,
// ceil, round. Ints stay Ints where upstream keeps them (abs, min, max, floor/ceil/round of an
// Int); sqrt and pow always give a Float.
import { checkInt, compare } from '../ops/arith.js';
import { geneError } from '../values/errors.js';
import { GFloat, NativeImpl, kindName, type Value } from '../values/values.js';

type Define = (name: string, impl: NativeImpl) => void;

function numberArg(name: string, v: Value | undefined): number | GFloat {
  if (typeof v === 'number' || v instanceof GFloat) return v;
  throw geneError('TypeError', `${name} requires a numeric argument, got ${kindName(v ?? null)}`);
}

const floatOf = (x: number | GFloat): number => (x instanceof GFloat ? x.v : x);

/** An Int argument stays itself; a Float goes through `f` and stays a Float. */
function rounding(name: string, f: (x: number) => number): NativeImpl {
  return ([v]) => {
    const x = numberArg(name, v);
    return typeof x === 'number' ? x : new GFloat(f(x.v));
  };
}

/** LANG-BUILTIN.9: Nim's round: halves go away from zero (2.5 → 3.0, -2.5 → -3.0). */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** The smallest or largest of two or more numbers, as given (an Int stays an Int). */
function extreme(name: string, wantLess: boolean): NativeImpl {
  return (args) => {
    if (args.length < 2) throw geneError('ArgumentError', `${name} requires at least 2 arguments`);
    return args.reduce((best, v) => {
      const c = compare(v, best, wantLess ? '<' : '>');
      return (wantLess ? c < 0 : c > 0) ? v : best;
    });
  };
}

export function installMath(def: Define): void {
  def('abs', ([v]) => {
    const x = numberArg('abs', v);
    return typeof x === 'number' ? checkInt(Math.abs(x)) : new GFloat(Math.abs(x.v));
  });
  // [rule] a negative argument gives nan (upstream crashes).
  def('sqrt', ([v]) => new GFloat(Math.sqrt(floatOf(numberArg('sqrt', v)))));
  def('pow', ([a, b]) => new GFloat(Math.pow(floatOf(numberArg('pow', a)), floatOf(numberArg('pow', b)))));
  def('min', extreme('min', true));
  def('max', extreme('max', false));
  def('floor', rounding('floor', Math.floor));
  def('ceil', rounding('ceil', Math.ceil));
  def('round', rounding('round', roundHalfAway));
}
