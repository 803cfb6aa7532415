// The lexical layer of the Gene reader (gene-core §1.1–§1.4): positions and locations, errors,
// whitespace and comments, and the atoms — symbols, numbers, strings, chars. reader.ts builds the
// forms (genes, arrays, maps, properties, quote, interpolation) on top of it.
import { ParseError } from '../values/errors.js';
import { GChar, GFloat, GString, INT_MAX, INT_MIN, Loc, Sym, Value } from '../values/values.js';

/**
 * Deepest nesting of genes, arrays, maps, quotes and interpolations the reader accepts. Deeper input
 * is a ParseError, so that neither the reader nor later recursive passes (compiler, printer,
 * equality) can overflow the JS stack on pathological input.
 */
export const MAX_NESTING = 1000;

// ---- character classes (gene-core §1.1, §1.4) ----

export function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',';
}

/** Characters that end a symbol besides whitespace. `'`, `#`, `^` are symbol constituents. */
export function isDelim(c: string): boolean {
  switch (c) {
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '"':
    case '`':
    case ';':
    case '%':
      return true;
  }
  return false;
}

export function isCloser(c: string): boolean {
  return c === ')' || c === ']' || c === '}';
}

export function isTokenEnd(c: string): boolean {
  return c === '' || isWs(c) || isDelim(c);
}

/** C0 controls other than TAB/LF/CR, and DEL: allowed in strings and comments, nowhere else. */
export function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code < 0x20 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f;
}

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Shortens user text quoted in a message, so a huge token does not produce a huge message. */
export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

// gene-core §1.2: optional sign, digits, optional fraction (`5.` allowed), optional exponent.
const NUMBER_RE = /^[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$/;

// gene-core §1.3: escapes in strings. `\f` is form feed [rule]; `\uXXXX` is handled separately;
// any other `\c` yields `c`.
const STRING_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

export class Scanner {
  pos = 0;
  protected depth = 0;
  private readonly lineStarts: number[] = [0];

  constructor(
    protected readonly src: string,
    protected readonly file: string,
  ) {
    // CRLF, LF and a lone CR each end a line.
    for (let i = 0; i < src.length; i++) {
      const c = src.charCodeAt(i);
      if (c === 10 || (c === 13 && src.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
    // A leading byte-order mark is not part of the program and does not count as a column.
    if (src.charCodeAt(0) === 0xfeff) this.pos = this.lineStarts[0] = 1;
  }

  // ---- locations and errors ----

  loc(pos: number): Loc {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: Math.max(1, pos - starts[lo]! + 1) };
  }

  protected lc(pos: number): string {
    const l = this.loc(pos);
    return `${l.line}:${l.col}`;
  }

  protected err(detail: string, pos: number): ParseError {
    return new ParseError(detail, this.loc(pos));
  }

  protected at(pos: number): string {
    return this.src.charAt(pos); // '' at end of file
  }

  /** What is at `pos`, for "found …" in messages. */
  protected describe(pos: number): string {
    const c = this.at(pos);
    if (c === '') return 'end of file';
    if (c === '"') return 'a string';
    if (isControl(c)) return `control character U+${hex4(c.charCodeAt(0))}`;
    if (isWs(c) && c !== ',') return c === ' ' || c === '\t' ? 'whitespace' : 'end of line';
    if (c === ',' || isDelim(c)) return `'${c}'`;
    let end = pos;
    while (end < this.src.length && end - pos < 41 && !isTokenEnd(this.at(end)) && !isControl(this.at(end))) end++;
    return clip(this.src.slice(pos, end));
  }

  protected enter(pos: number): void {
    if (++this.depth > MAX_NESTING)
      throw this.err(`nesting too deep: more than ${MAX_NESTING} nested genes, arrays, maps or quotes`, pos);
  }

  // ---- whitespace and comments (gene-core §1.1) ----

  protected skipWs(): void {
    const s = this.src;
    for (;;) {
      const c = this.at(this.pos);
      if (isWs(c)) {
        this.pos++;
      } else if (c === '#') {
        const n = this.at(this.pos + 1);
        if (n === '' || n === ' ' || n === '!' || n === '#' || n === '\r' || n === '\n') {
          // Line comment: `# `, `#!`, `##`, or `#` at the end of a line or file.
          let p = this.pos + 1;
          while (p < s.length && s[p] !== '\n' && s[p] !== '\r') p++;
          this.pos = p;
        } else if (n === '<') {
          this.skipBlockComment();
        } else {
          return; // `#word`, `#"…"`, …: a form
        }
      } else {
        return;
      }
    }
  }

  /** `#<` … `>#`, not nestable; the first `>#` closes it, even in `>>#` [rule]. */
  protected skipBlockComment(): void {
    const open = this.pos;
    const close = this.src.indexOf('>#', open + 2);
    if (close < 0)
      throw this.err(
        `expected '>#' to close the block comment opened at ${this.lc(open)}, found end of file`,
        this.src.length,
      );
    this.pos = close + 2;
  }

  // ---- atoms (gene-core §1.2, §1.4) ----

  /** The characters of a symbol or number token, with `\c` escapes resolved. */
  protected scanToken(): string {
    let out = '';
    for (;;) {
      const c = this.at(this.pos);
      if (isTokenEnd(c)) return out;
      if (c === '\\') {
        out += this.readTokenEscape();
      } else if (isControl(c)) {
        throw this.err(`unexpected control character U+${hex4(c.charCodeAt(0))}`, this.pos);
      } else {
        out += c;
        this.pos++;
      }
    }
  }

  /** `\c` inside a symbol: the next character (code point), whatever it is. */
  protected readTokenEscape(): string {
    const p = this.pos + 1;
    if (p >= this.src.length) throw this.err("expected a character after '\\', found end of file", p);
    const ch = String.fromCodePoint(this.src.codePointAt(p)!);
    this.pos = p + ch.length;
    return ch;
  }

  /** A number (`42`, `-1.5e3`, a sign only when a digit follows) or else a symbol. */
  protected readAtom(): Value {
    const c = this.at(this.pos);
    if (isDigit(c) || ((c === '+' || c === '-') && isDigit(this.at(this.pos + 1)))) return this.readNumber();
    return this.readSymbol();
  }

  /** gene-core §1.4: `nil`/`true`/`false` literals; everything else (paths, `void`, `x...`) a symbol. */
  protected readSymbol(): Value {
    const start = this.pos;
    const name = this.scanToken();
    if (name === 'nil') return null;
    if (name === 'true') return true;
    if (name === 'false') return false;
    return new Sym(name, this.loc(start));
  }

  /** gene-core §1.2: ints are 48-bit; a `.` or exponent makes a float; no hex/ratio/unit literals. */
  protected readNumber(): Value {
    const start = this.pos;
    const text = this.scanToken();
    if (!NUMBER_RE.test(text))
      throw this.err(
        `invalid number '${clip(text)}': expected digits with an optional fraction and exponent ` +
          `(hex, ratio, date and unit literals are not supported)`,
        start,
      );
    const n = Number(text);
    if (/[.eE]/.test(text)) return new GFloat(n);
    if (n > INT_MAX || n < INT_MIN)
      throw this.err(`integer literal out of the 48-bit range: ${clip(text)} (allowed ${INT_MIN}..${INT_MAX})`, start);
    return n === 0 ? 0 : n; // no -0 among ints
  }

  /** gene-core §1.4: `%` and `%=` are operators; any other token starting with `%` is an unquote. */
  protected readPercent(): Sym {
    const start = this.pos;
    let end = start + 1;
    if (this.at(end) === '=') end++;
    const next = this.at(end);
    if (next === '' || isWs(next) || isCloser(next) || next === ';') {
      this.pos = end;
      return new Sym(this.src.slice(start, end), this.loc(start));
    }
    let shown = start + 1;
    while (shown < this.src.length && shown - start < 20 && !isWs(this.at(shown)) && !isCloser(this.at(shown))) shown++;
    throw this.err(`unquote (${this.src.slice(start, shown)}) is not supported`, start);
  }

  // ---- strings and chars (gene-core §1.3) ----

  protected unterminated(open: number, closer: string, what: string): ParseError {
    return this.err(
      `expected '${closer}' to close the ${what} opened at ${this.lc(open)}, found end of file`,
      this.src.length,
    );
  }

  /** `"…"` (raw newlines allowed) or `"""…"""`. */
  protected readString(): GString {
    const open = this.pos;
    if (this.src.startsWith('"""', open)) return this.readTripleString(open);
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.at(this.pos);
      if (c === '') throw this.unterminated(open, '"', 'string');
      if (c === '"') break;
      if (c === '\\') {
        out += this.readStringEscape(open, '"');
      } else {
        out += c;
        this.pos++;
      }
    }
    this.pos++;
    return new GString(out);
  }

  /**
   * `"""…"""`: ends at the first `"""`; escapes work as in `"…"`. Like upstream, whitespace-only
   * text before the first newline and after the last one collapses to that single newline.
   */
  protected readTripleString(open: number): GString {
    this.pos = open + 3;
    let out = '';
    for (;;) {
      const c = this.at(this.pos);
      if (c === '') throw this.unterminated(open, '"""', 'string');
      if (c === '"' && this.src.startsWith('"""', this.pos)) break;
      if (c === '\\') {
        out += this.readStringEscape(open, '"""');
      } else {
        out += c;
        this.pos++;
      }
    }
    this.pos += 3;
    return new GString(out.replace(/^[ \t\n\v\f\r]*\n/, '\n').replace(/\n[ \t\n\v\f\r]*$/, '\n'));
  }

  /** One `\…` escape inside a string; `this.pos` is at the backslash. */
  protected readStringEscape(open: number, closer: string): string {
    const p = this.pos + 1;
    if (p >= this.src.length) throw this.unterminated(open, closer, 'string');
    const c = this.at(p);
    if (c === 'u') return this.readUnicodeEscape();
    const simple = STRING_ESCAPES[c];
    if (simple !== undefined) {
      this.pos = p + 1;
      return simple;
    }
    const ch = String.fromCodePoint(this.src.codePointAt(p)!); // any other `\c` is `c`
    this.pos = p + ch.length;
    return ch;
  }

  /** `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair; an unpaired surrogate is an error. */
  protected readUnicodeEscape(): string {
    const start = this.pos;
    const first = this.hexAt(start);
    if (first < 0) {
      let end = start + 2;
      while (end < start + 6 && /[0-9a-fA-F]/.test(this.at(end))) end++;
      throw this.err(
        `invalid escape '${this.src.slice(start, end)}': expected 4 hex digits after \\u`,
        start,
      );
    }
    this.pos = start + 6;
    if (first >= 0xdc00 && first <= 0xdfff)
      throw this.err(`invalid escape '\\u${hex4(first)}': a low surrogate must follow a high surrogate`, start);
    if (first < 0xd800 || first > 0xdbff) return String.fromCharCode(first);
    const second = this.src.startsWith('\\u', this.pos) ? this.hexAt(this.pos) : -1;
    if (second < 0xdc00 || second > 0xdfff)
      throw this.err(
        `invalid escape '\\u${hex4(first)}': a high surrogate must be followed by a low surrogate \\uDC00-\\uDFFF`,
        start,
      );
    this.pos += 6;
    return String.fromCharCode(first, second);
  }

  /** The value of the 4 hex digits after `\u` at `pos`, or -1. */
  protected hexAt(pos: number): number {
    const digits = this.src.slice(pos + 2, pos + 6);
    return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
  }

  /** Char literal `'a'`, `'\n'` (escapes as upstream: n t r b f; any other `\c` is `c`). */
  protected readChar(): GChar {
    const open = this.pos;
    let p = open + 1;
    if (p >= this.src.length) throw this.err(`expected a character after "'", found end of file`, p);
    let ch: string;
    if (this.at(p) === '\\') {
      p++;
      if (p >= this.src.length) throw this.err(`expected a character after "'\\", found end of file`, p);
      const e = String.fromCodePoint(this.src.codePointAt(p)!);
      ch = STRING_ESCAPES[e] ?? e;
      p += e.length;
    } else {
      ch = String.fromCodePoint(this.src.codePointAt(p)!);
      p += ch.length;
    }
    if (this.at(p) !== "'")
      throw this.err(
        `expected "'" to close the char literal opened at ${this.lc(open)}, found ${this.describe(p)}`,
        p,
      );
    this.pos = p + 1;
    return new GChar(ch);
  }

}
