// The Gene reader: source text → Gene values (gene-core §1).
//
// A recursive-descent reader over the UTF-16 string; the lexical layer (locations, whitespace,
// comments, atoms) is in scanner.ts. It never throws anything but ParseError, and every message says
// what was expected, what was found, and (for unclosed forms) where the form was opened. Locations
// are 1-based line/col, col counted in UTF-16 code units.
//
// Representation (see values.ts): nil/true/false → null/booleans, Int → number, Float → GFloat,
// string → GString, char → GChar, symbol (incl. paths `a/b`, `x...`, `.m`, `$x`, `void`) → Sym with
// its loc, array → Value[], map → GMap, gene → GGene (loc = its opening paren). Two reader-made
// genes: `` `x `` → (` x) and #"a#{b}" → (#" "a" b); see QUOTE and INTERP.
import { ParseError } from '../values/errors.js';
import { GGene, GMap, GString, Loc, Sym, Value } from '../values/values.js';
import { MAX_NESTING, Scanner, clip, isCloser, isControl, isTokenEnd, hex4 } from './scanner.js';

export { MAX_NESTING };

/** Head of the gene a quote reads as: `` `x `` → GGene(Sym('`'), {}, [x]). */
export const QUOTE = '`';
/** Head of the gene an interpolated string reads as: its children are GString chunks and embedded forms. */
export const INTERP = '#"';
/** Location of every array (Value[]) and GMap read from source, keyed by the object itself. */
export const sourceLocs = new WeakMap<object, Loc>();

/** Reads all top-level forms of `source`. */
export function readAll(source: string, file: string): Value[] {
  return guarded(new Reader(source, file), (r) => r.readTopLevel());
}

/** Reads exactly one form; anything but whitespace and comments after it is an error. */
export function readOne(source: string, file: string): Value {
  return guarded(new Reader(source, file), (r) => r.readSingle());
}

// Backstop: MAX_NESTING keeps recursion shallow, but if the JS engine still runs out of stack or
// string space, report it as a ParseError rather than leaking a RangeError.
function guarded<T>(r: Reader, f: (r: Reader) => T): T {
  try {
    return f(r);
  } catch (e) {
    if (e instanceof RangeError) throw new ParseError(`input too large or too deeply nested (${e.message})`, r.loc(r.pos));
    throw e;
  }
}

interface KeySegment {
  name: string;
  /** '^' for `^^name` (true), '!' for `^!name` (nil at top level, false when nested), '' otherwise. */
  mark: '' | '^' | '!';
}

class Reader extends Scanner {
  // ---- top level ----

  readTopLevel(): Value[] {
    const forms: Value[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= this.src.length) return forms;
      forms.push(this.readForm());
    }
  }

  readSingle(): Value {
    this.skipWs();
    if (this.pos >= this.src.length) throw this.err('expected a form, found end of file', this.pos);
    const v = this.readForm();
    this.skipWs();
    if (this.pos < this.src.length)
      throw this.err(`expected end of input after the form, found ${this.describe(this.pos)}`, this.pos);
    return v;
  }

  /** Reads one form at `this.pos`; the caller has skipped whitespace and comments. */
  private readForm(): Value {
    const start = this.pos;
    const c = this.at(start);
    switch (c) {
      case '':
        throw this.err('expected a form, found end of file', start);
      case '(':
        return this.readGene();
      case '[':
        return this.readArray();
      case '{':
        return this.readMap();
      case ')':
      case ']':
      case '}':
        throw this.err(`unmatched delimiter '${c}'`, start);
      case '"':
        return this.readString();
      case "'":
        return this.readChar();
      case '`':
        return this.readQuote();
      case ';':
        throw this.err("unexpected ';': chaining with ';' is only allowed inside a gene, as in (a .m1; .m2)", start);
      case '%':
        return this.readPercent();
      case '#': {
        const n = this.at(start + 1);
        if (n === '"') return this.readInterp();
        if (n === '[') throw this.err("'#[' (set literal) is not supported", start);
        if (n === '/') throw this.err("'#/' (regex literal) is not supported", start);
        if (n === '{') throw this.err("'#{' outside a string is not supported (newer Gene syntax); #{expr} interpolates only inside #\"…\" strings", start);
        if (n === '@') throw this.err("'#@' (decorator) is not supported", start);
        break; // `#word` is a plain symbol (gene-core §1.1)
      }
    }
    return this.readAtom();
  }

  // ---- containers (gene-core §1.6) ----

  /** Errors for a list that hits end of file or the wrong closing delimiter. */
  private checkInList(open: number, closer: string, what: string): void {
    const c = this.at(this.pos);
    if (c === '' || (isCloser(c) && c !== closer))
      throw this.err(
        `expected '${closer}' to close the ${what} opened at ${this.lc(open)}, found ${this.describe(this.pos)}`,
        this.pos,
      );
  }

  /**
   * gene-core §1.6: `(head ^p v child …)`. Properties form one contiguous group anywhere after the
   * head; `(a .m1; .m2 x)` chains into `((a .m1) .m2 x)`. `()` reads as a gene with type nil.
   */
  private readGene(): GGene {
    const open = this.pos;
    const loc = this.loc(open);
    this.enter(open);
    this.pos++;
    this.skipWs();
    if (this.at(this.pos) === ')') {
      this.pos++;
      this.depth--;
      return new GGene(null, new Map(), [], loc);
    }
    this.checkInList(open, ')', 'list');
    if (this.at(this.pos) === ';') throw this.err("expected the gene's head before ';'", this.pos);
    // The head is read like any form, so `(^a 1)` has the symbol `^a` as its head, as upstream.
    let gene = new GGene(this.readForm(), new Map(), [], loc);
    let props: 'none' | 'open' | 'closed' = 'none';
    for (;;) {
      this.skipWs();
      const c = this.at(this.pos);
      if (c === ')') break;
      this.checkInList(open, ')', 'list');
      if (c === '^') {
        if (props === 'closed')
          throw this.err(
            `properties found in wrong place: ${this.describe(this.pos)} comes after children that follow ` +
              `the gene's earlier properties; all properties of a gene must form one group`,
            this.pos,
          );
        props = 'open';
        this.readProp(gene.props, 'property');
      } else if (c === ';') {
        // gene-core §1.6 semicolon chaining: everything so far becomes the head of a new gene.
        this.pos++;
        this.skipWs();
        const n = this.at(this.pos);
        if (n === ')' || n === ';')
          throw this.err(`expected a method call after ';', found ${this.describe(this.pos)}`, this.pos);
        gene = new GGene(gene, new Map(), [], loc);
        props = 'none';
      } else {
        if (props === 'open') props = 'closed';
        gene.children.push(this.readForm());
      }
    }
    this.pos++;
    this.depth--;
    return gene;
  }

  /** `[a b c]`. A `^k` inside an array is a plain symbol (fn params `[a ^k = 1 ^^flag]`, §3.6). */
  private readArray(): Value[] {
    const open = this.pos;
    this.enter(open);
    this.pos++;
    const items: Value[] = [];
    sourceLocs.set(items, this.loc(open));
    for (;;) {
      this.skipWs();
      if (this.at(this.pos) === ']') break;
      this.checkInList(open, ']', 'array');
      items.push(this.readForm());
    }
    this.pos++;
    this.depth--;
    return items;
  }

  /** `{^k v …}`; a key without `^` is an error. */
  private readMap(): GMap {
    const open = this.pos;
    this.enter(open);
    this.pos++;
    const m = this.readMapBody(open);
    this.depth--;
    return m;
  }

  /** Map entries up to and including the closing `}`; `open` is where the map started. */
  private readMapBody(open: number): GMap {
    const m = new GMap();
    sourceLocs.set(m, this.loc(open));
    for (;;) {
      this.skipWs();
      const c = this.at(this.pos);
      if (c === '}') break;
      this.checkInList(open, '}', 'map');
      if (c !== '^') throw this.err(`expected a ^key in map, found ${this.describe(this.pos)}`, this.pos);
      this.readProp(m.entries, 'key');
    }
    this.pos++;
    return m;
  }

  /**
   * gene-core §1.6: one `^…` property into `target`. `^name value`; `^^name` → true; `^!name` → nil;
   * `^a^b v` → {^a {^b v}}; `^a^^b` → {^a {^b true}}; `^a^!b` → {^a {^b false}} (false, not nil).
   * Nested shortcuts with a common prefix merge (`^a^b 1 ^a^c 2`); any other repeated key is an error.
   */
  private readProp(target: Map<string, Value>, what: 'property' | 'key'): void {
    const start = this.pos;
    this.pos++; // '^'
    const segs = this.scanKey(start);
    const keyText = clip(this.src.slice(start, this.pos));
    const duplicate = () => this.err(`duplicate ${what} ${keyText}`, start);
    let map = target;
    for (let i = 0; i < segs.length - 1; i++) {
      const name = segs[i]!.name;
      if (!map.has(name)) {
        const inner = new GMap();
        sourceLocs.set(inner, this.loc(start));
        map.set(name, inner);
        map = inner.entries;
      } else {
        const existing = map.get(name);
        if (!(existing instanceof GMap)) throw duplicate();
        map = existing.entries;
      }
    }
    const last = segs[segs.length - 1]!;
    if (map.has(last.name)) throw duplicate();
    if (last.mark === '^') {
      map.set(last.name, true);
    } else if (last.mark === '!') {
      map.set(last.name, segs.length === 1 ? null : false);
    } else {
      this.skipWs();
      const c = this.at(this.pos);
      if (c === '' || isCloser(c) || c === '^' || c === ';')
        throw this.err(`expected a value for ${keyText}, found ${this.describe(this.pos)}`, this.pos);
      map.set(last.name, this.readForm());
    }
  }

  /** The name part of a `^…` key (after the first `^`), split at unescaped `^` into segments. */
  private scanKey(caret: number): KeySegment[] {
    const segs: KeySegment[] = [];
    let name = '';
    let mark: KeySegment['mark'] = '';
    for (;;) {
      const c = this.at(this.pos);
      if (isTokenEnd(c)) break;
      if (c === '\\') {
        name += this.readTokenEscape();
      } else if (isControl(c)) {
        throw this.err(`unexpected control character U+${hex4(c.charCodeAt(0))} in a property name`, this.pos);
      } else if ((c === '^' || c === '!') && name === '' && mark === '') {
        mark = c; // `^^name` / `^!name` shortcut
        this.pos++;
      } else if (c === '^') {
        segs.push({ name, mark }); // `^a^b`: nested key
        name = '';
        mark = '';
        this.pos++;
      } else {
        name += c;
        this.pos++;
      }
    }
    segs.push({ name, mark });
    const keyText = clip(this.src.slice(caret, this.pos));
    if (segs.length > MAX_NESTING) throw this.err(`nesting too deep: property key ${keyText} has too many levels`, caret);
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.name === '')
        throw this.err(
          keyText === '^'
            ? `expected a property name after '^', found ${this.describe(this.pos)}`
            : `invalid property key ${keyText}: a name is missing`,
          caret,
        );
      if (seg.mark !== '' && i < segs.length - 1)
        throw this.err(`invalid property key ${keyText}: '^${seg.mark}' may only mark the last name`, caret);
    }
    return segs;
  }

  /** gene-core §1.5: `` `form `` reads as (` form). */
  private readQuote(): GGene {
    const start = this.pos;
    const loc = this.loc(start);
    this.enter(start);
    this.pos++;
    this.skipWs();
    const c = this.at(this.pos);
    if (c === '' || isCloser(c) || c === ';')
      throw this.err(`expected a form to quote after '\`', found ${this.describe(this.pos)}`, this.pos);
    const quoted = this.readForm();
    this.depth--;
    return new GGene(new Sym(QUOTE, loc), new Map(), [quoted], loc);
  }

  /**
   * gene-core §1.3: `#"text #{expr} #(call …) #[array]"` reads as (#" parts…): non-empty text chunks
   * as GStrings, embedded forms as read. `#{^k v}` embeds a map. `#<…>#` inside is a comment, as
   * upstream. `#"""…"""` is the triple-quoted variant (no newline trimming).
   */
  private readInterp(): GGene {
    const open = this.pos;
    const loc = this.loc(open);
    this.enter(open);
    this.pos = open + 2;
    const triple = this.src.startsWith('""', this.pos);
    if (triple) this.pos += 2;
    const closer = triple ? '"""' : '"';
    const parts: Value[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') parts.push(new GString(text));
      text = '';
    };
    for (;;) {
      const c = this.at(this.pos);
      if (c === '') throw this.unterminated(open, closer, 'string');
      if (c === '"' && (!triple || this.src.startsWith('"""', this.pos))) break;
      if (c === '\\') {
        text += this.readStringEscape(open, closer);
        continue;
      }
      if (c === '#') {
        const n = this.at(this.pos + 1);
        if (n === '<') {
          this.skipBlockComment();
          continue;
        }
        if (n === '{' || n === '(' || n === '[') {
          flush();
          if (n === '{') {
            parts.push(this.readEmbed());
          } else {
            this.pos++; // the form starts at the bracket
            parts.push(n === '(' ? this.readGene() : this.readArray());
          }
          continue;
        }
      }
      text += c;
      this.pos++;
    }
    this.pos += closer.length;
    flush();
    this.depth--;
    return new GGene(new Sym(INTERP, loc), new Map(), parts, loc);
  }

  /** `#{expr}` inside an interpolated string: exactly one form, or map entries `#{^k v}`. */
  private readEmbed(): Value {
    const open = this.pos;
    this.enter(open);
    this.pos += 2;
    this.skipWs();
    const c = this.at(this.pos);
    let v: Value;
    if (c === '^') {
      v = this.readMapBody(open);
    } else {
      if (c === '}') throw this.err("expected an expression inside '#{}', found '}'", this.pos);
      if (c === '' || isCloser(c) || c === ';')
        throw this.err(`expected an expression after '#{' opened at ${this.lc(open)}, found ${this.describe(this.pos)}`, this.pos);
      v = this.readForm();
      this.skipWs();
      if (this.at(this.pos) !== '}')
        throw this.err(`expected '}' to close '#{' opened at ${this.lc(open)}, found ${this.describe(this.pos)}`, this.pos);
      this.pos++;
    }
    this.depth--;
    return v;
  }
}
