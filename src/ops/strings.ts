// String positions count code points everywhere (LANG-CORE.9 [rule]): `.length`, `.substr`,
// `.char_at`, `.index` and `.rindex` agree on one unit. JavaScript strings are UTF-16, so a string
// with characters outside the BMP needs a table from code-point index to UTF-16 offset. The table
// is built once per content and kept on the GString, so each of these methods is O(1) (O(log n)
// for `.index`) on a string that does not change; a string with no such character needs none.
import { geneError } from '../values/errors.js';
import { GFloat, GString, INT_MAX, INT_MIN } from '../values/values.js';

/** Code-point view of one content of a GString. `offsets === null`: every code point is one unit. */
export interface CodePoints {
  readonly text: string;
  readonly length: number;
  /** UTF-16 offset of each code point, plus the text's length at the end. */
  readonly offsets: number[] | null;
}

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePoints(g: GString): CodePoints {
  const cached = g.codePoints as CodePoints | null;
  if (cached !== null && cached.text === g.s) return cached;
  const view = extend(null, g.s, 0);
  g.codePoints = view;
  return view;
}

/** The view of `text`, whose first `from` units are already described by `base` (or nothing). */
function extend(base: CodePoints | null, text: string, from: number): CodePoints {
  const tail = from === 0 ? text : text.slice(from);
  if ((base === null || base.offsets === null) && !SURROGATE.test(tail)) {
    return { text, length: (base?.length ?? 0) + tail.length, offsets: null };
  }
  let offsets: number[];
  if (base === null) offsets = [];
  else if (base.offsets === null) offsets = Array.from({ length: base.length }, (_, i) => i);
  else {
    offsets = base.offsets; // owned by the old view, which is dropped: append in place
    offsets.pop();
  }
  for (let i = from; i < text.length; ) {
    offsets.push(i);
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  offsets.push(text.length);
  return { text, length: offsets.length - 1, offsets };
}

/**
 * `.append`: grow the string in place and its code-point view with it, so a loop that appends
 * and measures stays linear. (A surrogate pair split across two appends is two code points.)
 */
export function appendText(g: GString, suffix: string): void {
  const cached = g.codePoints as CodePoints | null;
  const before = g.s;
  g.s = checkedConcat(before, suffix);
  g.codePoints = cached !== null && cached.text === before ? extend(cached, g.s, before.length) : null;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-16 offset of code point `i` (0 ≤ i ≤ length). */
function unitOffset(v: CodePoints, i: number): number {
  return v.offsets === null ? i : v.offsets[i]!;
}

/** Code points [from, to) as a string; bounds are clamped. */
export function sliceCodePoints(g: GString, from: number, to: number): string {
  const v = codePoints(g);
  const a = Math.max(0, Math.min(from, v.length));
  const b = Math.max(a, Math.min(to, v.length));
  return v.text.slice(unitOffset(v, a), unitOffset(v, b));
}

/** The code point at index `i`, or undefined outside 0..length-1. */
export function codePointAt(g: GString, i: number): string | undefined {
  const v = codePoints(g);
  if (!Number.isInteger(i) || i < 0 || i >= v.length) return undefined;
  return v.text.slice(unitOffset(v, i), unitOffset(v, i + 1));
}

/** Convert a UTF-16 offset (from indexOf) to a code-point index; -1 stays -1. */
export function codePointIndexOf(g: GString, unit: number): number {
  if (unit < 0) return -1;
  const v = codePoints(g);
  if (v.offsets === null) return unit;
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v.offsets[mid]! < unit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- size limits (LANG-VAL.7) ----

/** The longest String the VM builds, in UTF-16 units (V8's own limit is about 2^29). */
export const MAX_STRING_UNITS = 2 ** 28;
/** The most elements an Array may hold. */
export const MAX_ARRAY_LENGTH = 2 ** 25;

/** LANG-VAL.7: a String that would outgrow the limit is an OutOfMemory error, never a host crash. */
export function checkedConcat(a: string, b: string): string {
  if (a.length + b.length > MAX_STRING_UNITS) {
    throw geneError('OutOfMemory', `String too large: ${a.length + b.length} characters (limit ${MAX_STRING_UNITS})`);
  }
  return a + b;
}

/** LANG-VAL.7: an Array that would outgrow the limit is an OutOfMemory error. */
export function checkArrayGrowth(current: number, added: number): void {
  if (current + added > MAX_ARRAY_LENGTH) {
    throw geneError('OutOfMemory', `Array too large: ${current + added} elements (limit ${MAX_ARRAY_LENGTH})`);
  }
}

// ---- conversions (LANG-CORE.9) ----

const INT_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `.to_i`: the whole (trimmed) text must be an integer within 48 bits, as upstream requires. */
export function parseIntStrict(text: string): number {
  const t = text.trim();
  if (!INT_TEXT.test(t)) throw geneError('ArgumentError', `to_i requires a numeric string, got "${text}"`);
  const n = Number(t);
  if (n > INT_MAX || n < INT_MIN) throw geneError('IntegerOverflow', `Integer ${t} is outside the 48-bit range`);
  return n;
}

/** `.to_f`: the whole (trimmed) text must be a decimal number. */
export function parseFloatStrict(text: string): GFloat {
  const t = text.trim();
  if (!FLOAT_TEXT.test(t)) throw geneError('ArgumentError', `to_f requires a numeric string, got "${text}"`);
  return new GFloat(Number(t));
}
