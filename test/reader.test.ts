// Unit tests for the reader (gene-core §1): one block per rule, then every error path, then
// seeded property tests (random input never escapes as anything but ParseError; print→read round trip).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readAll, readOne, sourceLocs, QUOTE, INTERP, MAX_NESTING } from '../src/reader/reader.js';
import { ParseError } from '../src/values/errors.js';
import { GChar, GFloat, GGene, GMap, GString, INT_MAX, INT_MIN, Sym, Value } from '../src/values/values.js';
import { equals } from '../src/values/equality.js';
import { repr } from '../src/values/print.js';

const FILE = 't.gene';
const one = (src: string): Value => readOne(src, FILE);
const all = (src: string): Value[] => readAll(src, FILE);
/** Repr of what the source reads as, for compact structural assertions. */
const show = (src: string): string => all(src).map(repr).join(' ');

function parseError(src: string, read: (s: string, f: string) => unknown = readAll): ParseError {
  try {
    read(src, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error(`expected a ParseError for ${JSON.stringify(src)}`);
}

/** Asserts `src` fails with a ParseError at line:col whose detail contains every fragment. */
function expectError(src: string, line: number, col: number, ...fragments: string[]): ParseError {
  const e = parseError(src);
  for (const f of fragments) expect(e.detail).toContain(f);
  expect({ line: e.loc.line, col: e.loc.col, file: e.loc.file }).toEqual({ line, col, file: FILE });
  expect(e.message).toBe(`${FILE}:${line}:${col}: ${e.detail}`);
  return e;
}

const sym = (v: Value): string => {
  expect(v).toBeInstanceOf(Sym);
  return (v as Sym).name;
};
const gene = (v: Value): GGene => {
  expect(v).toBeInstanceOf(GGene);
  return v as GGene;
};

describe('§1.1 whitespace and comments', () => {
  it('treats comma, tab, CR and LF as whitespace', () => {
    expect(show('(println 1, 2,3)')).toBe('(println 1 2 3)');
    expect(all('1\t2\r3\n4\r\n5,,6')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('starts a line comment at # followed by space, !, #, CR, LF or end of file', () => {
    expect(all('# note\n1')).toEqual([1]);
    expect(all('## doc\n2')).toEqual([2]);
    expect(all('#!/usr/bin/env gene run\n3')).toEqual([3]);
    expect(all('#\n4')).toEqual([4]);
    expect(all('#\r5')).toEqual([5]);
    expect(all('6 #')).toEqual([6]);
    expect(all('(a # comment )\n b)').map(repr)).toEqual(['(a b)']);
  });

  it('reads # before anything else as (part of) a symbol', () => {
    expect(sym(one('#word'))).toBe('#word');
    expect(all('#\tx').map(sym)).toEqual(['#', 'x']);
    expect(sym(one('a#b'))).toBe('a#b');
    expect(sym(one('a#<b'))).toBe('a#<b');
  });

  it('skips block comments, even inside a form and across lines', () => {
    expect(show('(println 1 #< hidden ># 2)')).toBe('(println 1 2)');
    expect(all('#<>#')).toEqual([]);
    const [x] = all('#< line 1\nline 2 ># x');
    expect((x as Sym).loc).toEqual({ file: FILE, line: 2, col: 11 });
  });

  it('closes a block comment at the first >#, also in >># [rule]', () => {
    expect(all('#<< x >># 7')).toEqual([7]);
    expect(all('#< a ># 1 #< b ># 2')).toEqual([1, 2]);
  });

  it('skips a leading byte-order mark without shifting columns', () => {
    const [x] = all('\uFEFFabc');
    expect((x as Sym).loc).toEqual({ file: FILE, line: 1, col: 1 });
  });
});

describe('§1.2 numbers', () => {
  it('reads integers with optional sign', () => {
    expect(all('42 -10 +7 0 007')).toEqual([42, -10, 7, 0, 7]);
    expect(Object.is(one('-0'), 0)).toBe(true);
  });

  it('reads floats: fraction and/or exponent', () => {
    const floats = all('3.14 -2.5 5. 1.5e2 2.5e-1 1e20 1E3 +0.5 1.e2');
    expect(floats.every((f) => f instanceof GFloat)).toBe(true);
    expect(floats.map((f) => (f as GFloat).v)).toEqual([3.14, -2.5, 5, 150, 0.25, 1e20, 1000, 0.5, 100]);
  });

  it('accepts the 48-bit bounds and rejects literals outside them', () => {
    expect(all(`${INT_MAX} ${INT_MIN}`)).toEqual([INT_MAX, INT_MIN]);
    expectError(`(x ${INT_MAX + 1})`, 1, 4, 'integer literal out of the 48-bit range', '140737488355328');
    expectError(`${INT_MIN - 1}`, 1, 1, 'integer literal out of the 48-bit range');
    expectError('9'.repeat(500), 1, 1, 'out of the 48-bit range');
  });

  it('reads a leading dot or a sign without a digit as a symbol', () => {
    expect(all('.5 -x + - -.5 +a').map(sym)).toEqual(['.5', '-x', '+', '-', '-.5', '+a']);
  });

  it('rejects hex, ratio, date, unit and malformed numbers', () => {
    for (const bad of ['0x10', '1/2', '2024-01-01', '10ms', '1e', '1e+', '1.2.3', '1abc', '1+2', '-3x']) {
      const e = parseError(bad);
      expect(e.detail).toContain(`invalid number '${bad}'`);
      expect(e.loc.col).toBe(1);
    }
  });
});

describe('§1.3 strings, chars, interpolation', () => {
  it('reads plain strings with raw newlines', () => {
    expect(one('"abc"')).toEqual(new GString('abc'));
    expect(one('"a\nb"')).toEqual(new GString('a\nb'));
    expect(one('""')).toEqual(new GString(''));
    expect(one('"#{x}"')).toEqual(new GString('#{x}')); // no interpolation in plain strings
  });

  it('decodes escapes; \\f is form feed [rule]; any other \\c is c', () => {
    expect((one('"a\\nb\\tc\\rd\\be\\\\f\\"g"') as GString).s).toBe('a\nb\tc\rd\be\\f"g');
    expect((one('"\\f"') as GString).s).toBe('\f');
    expect((one('"\\q\\#\\\'"') as GString).s).toBe("q#'");
    expect((one('"\\u0041\\u00e9"') as GString).s).toBe('Aé');
    expect((one('"\\uD83D\\uDE00"') as GString).s).toBe('😀');
  });

  it('reads triple-quoted strings up to the first """', () => {
    expect((one('"""a "quoted" b"""') as GString).s).toBe('a "quoted" b');
    expect((one('"""x\\ty"""') as GString).s).toBe('x\ty');
    // upstream collapses whitespace-only text around the first/last newline to that newline
    expect((one('"""\n  hi\n  """') as GString).s).toBe('\n  hi\n');
    expect(all('"""a""" 1')).toEqual([new GString('a'), 1]);
  });

  it('reads char literals', () => {
    expect(all("'a' '\\n' '\\t' '\\'' '\\\\' '😀' '\\f' '\\q'")).toEqual(
      ['a', '\n', '\t', "'", '\\', '😀', '\f', 'q'].map((c) => new GChar(c)),
    );
  });

  it('reads #"…" as an INTERP gene of text chunks and embedded forms', () => {
    const g = gene(one('#"n=#{n} next=#(n + 1) xs=#{xs}"'));
    expect(g.type).toEqual(new Sym(INTERP, { file: FILE, line: 1, col: 1 }));
    expect(g.loc).toEqual({ file: FILE, line: 1, col: 1 });
    expect(g.props.size).toBe(0);
    expect(g.children.map(repr)).toEqual(['"n="', 'n', '" next="', '(n + 1)', '" xs="', 'xs']);
    expect(gene(g.children[3]!).loc).toEqual({ file: FILE, line: 1, col: 16 }); // at the '('
  });

  it('embeds #[…] arrays and #{^k v} maps; keeps a lone # as text', () => {
    const g = gene(one('#"a#[1 2]b#{^k 1}c#d"'));
    expect(g.children.map(repr)).toEqual(['"a"', '[1 2]', '"b"', '{^k 1}', '"c#d"']);
    expect(sourceLocs.get(g.children[1] as Value[])).toEqual({ file: FILE, line: 1, col: 5 }); // at the '['
  });

  it('drops empty text chunks, decodes escapes, skips #<…># inside', () => {
    expect(gene(one('#""')).children).toEqual([]);
    expect(gene(one('#"#{x}"')).children.map(repr)).toEqual(['x']);
    expect(gene(one('#"a\\"b\\#{c}"')).children).toEqual([new GString('a"b#{c}')]);
    expect(gene(one('#"x #< c ># y"')).children).toEqual([new GString('x  y')]);
    expect(gene(one('#"#{ "s" }"')).children).toEqual([new GString('s')]);
    expect(gene(one('#"""a "q" #{x}"""')).children.map(repr)).toEqual(['"a "q" "', 'x']);
  });
});

describe('§1.4 atoms and symbols', () => {
  it('reads nil, true, false as literals and void as a symbol', () => {
    expect(all('nil true false')).toEqual([null, true, false]);
    expect(sym(one('void'))).toBe('void');
  });

  it('reads symbols, paths, $names, spreads and method names whole', () => {
    const names = 'a-b a? x! :x + == a\'b a#b a/b/c arr/0 arr/-1 obj/.size $x $ex/code x... .method / ^a ^^b ^!c';
    expect(all(names).map(sym)).toEqual(names.split(' '));
  });

  it('ends a symbol at whitespace , ; ( ) [ ] { } " ` %', () => {
    expect(show('(a)')).toBe('(a)');
    expect(all('a"s"').map(repr)).toEqual(['a', '"s"']);
    expect(all('a`b').map(repr)).toEqual(['a', '(` b)']);
    expect(all('[a]{^k v}').map(repr)).toEqual(['[a]', '{^k v}']);
    expect(show('(x% 2)')).toBe('(x % 2)');
  });

  it('uses \\ to escape the next character of a symbol', () => {
    expect(sym(one('a\\ b'))).toBe('a b');
    expect(sym(one('\\(x\\)'))).toBe('(x)');
    expect(sym(one('\\1'))).toBe('1');
  });

  it('records the location of every symbol', () => {
    const g = gene(one('(f\n  xyz)'));
    expect((g.type as Sym).loc).toEqual({ file: FILE, line: 1, col: 2 });
    expect((g.children[0] as Sym).loc).toEqual({ file: FILE, line: 2, col: 3 });
  });

  it('reads % and %= as operator symbols', () => {
    expect(show('(a % b) (x %= 2) (%)')).toBe('(a % b) (x %= 2) (%)');
  });

  it('rejects any other token starting with % as an unquote', () => {
    expectError('%x', 1, 1, 'unquote (%x) is not supported');
    expectError('(f %(a))', 1, 4, 'unquote (%(a) is not supported');
    expectError('a%b', 1, 2, 'unquote (%b)');
    expectError('%==', 1, 1, 'unquote (%==)');
  });
});

describe('§1.5 quote', () => {
  it('reads `x as a QUOTE gene', () => {
    const q = gene(one('`hello'));
    expect(sym(q.type)).toBe(QUOTE);
    expect((q.type as Sym).loc).toEqual({ file: FILE, line: 1, col: 1 });
    expect(q.loc).toEqual({ file: FILE, line: 1, col: 1 });
    expect(q.children).toHaveLength(1);
    expect(sym(q.children[0]!)).toBe('hello');
  });

  it('quotes genes, arrays, symbols, nested quotes, after whitespace', () => {
    expect(show('`(+ 1 2) `[a b] `:hello ` x ``y `#< c ># z')).toBe(
      '(` (+ 1 2)) (` [a b]) (` :hello) (` x) (` (` y)) (` z)',
    );
  });
});

describe('§1.6 genes, arrays, maps, properties', () => {
  it('reads a gene with head, props and children and its location', () => {
    const g = gene(one('  (f ^k "v" x)'));
    expect(sym(g.type)).toBe('f');
    expect([...g.props]).toEqual([['k', new GString('v')]]);
    expect(g.children.map(sym)).toEqual(['x']);
    expect(g.loc).toEqual({ file: FILE, line: 1, col: 3 });
  });

  it('reads () as a gene with type nil', () => {
    const g = gene(one('()'));
    expect(g.type).toBe(null);
    expect(g.props.size).toBe(0);
    expect(g.children).toEqual([]);
  });

  it('reads property shortcuts ^^x → true, ^!x → nil', () => {
    const g = gene(one('(f ^^a ^!b ^c 1)'));
    expect([...g.props]).toEqual([
      ['a', true],
      ['b', null],
      ['c', 1],
    ]);
  });

  it('reads nested shortcuts; ^a^!b is false, not nil', () => {
    expect(show('{^a^b 1} {^^x ^!y} {^p^!q} {^a^^b}')).toBe('{^a {^b 1}} {^x true ^y nil} {^p {^q false}} {^a {^b true}}');
    expect(show('(f ^a^b^c 1)')).toBe('(f ^a {^b {^c 1}})');
    expect(show('{^a^b 1 ^a^c 2}')).toBe('{^a {^b 1 ^c 2}}');
    const m = one('{\n ^a^b 1}') as GMap;
    expect(sourceLocs.get(m.entries.get('a') as GMap)).toEqual({ file: FILE, line: 2, col: 2 });
  });

  it('allows one property group anywhere after the head', () => {
    expect(show('(f a ^k 1 ^j 2 b)')).toBe('(f ^k 1 ^j 2 a b)');
    expect(show('(f a b ^k 1)')).toBe('(f ^k 1 a b)');
  });

  it('reads the head like any form, so (^a 1) has the symbol ^a as head (as upstream)', () => {
    expect(sym(gene(one('(^a 1)')).type)).toBe('^a');
  });

  it('chains with ; — (a .m1; .m2 x) is ((a .m1) .m2 x), all with the original loc', () => {
    const g = gene(one(' (a .m1; .m2 x)'));
    expect(repr(g)).toBe('((a .m1) .m2 x)');
    expect(g.loc).toEqual({ file: FILE, line: 1, col: 2 });
    expect(gene(g.type).loc).toEqual({ file: FILE, line: 1, col: 2 });
    expect(show('(a .m1 ^p 1; .m2 ^q 2; .m3)')).toBe('(((a ^p 1 .m1) ^q 2 .m2) .m3)');
    expect(show('(a; .m)')).toBe('((a) .m)');
  });

  it('reads arrays, including spreads and fn keyword params as symbols', () => {
    expect(show('[1 xs... 4] [] [[a] [b]]')).toBe('[1 xs... 4] [] [[a] [b]]');
    const arr = one('[a ^k = 4 ^^flag ^!n]') as Value[];
    expect(arr.map(repr)).toEqual(['a', '^k', '=', '4', '^^flag', '^!n']);
    expect(arr[3]).toBe(4);
  });

  it('reads maps in insertion order', () => {
    const m = one('{^b 1 ^a "x" ^c [1]}') as GMap;
    expect([...m.entries.keys()]).toEqual(['b', 'a', 'c']);
    expect(repr(m)).toBe('{^b 1 ^a "x" ^c [1]}');
    expect(one('{}')).toEqual(new GMap());
  });

  it('records locations of arrays and maps in sourceLocs', () => {
    const [a, m] = all('[1\n [2]] \n {^k {}}') as [Value[], GMap];
    expect(sourceLocs.get(a)).toEqual({ file: FILE, line: 1, col: 1 });
    expect(sourceLocs.get(a[1] as Value[])).toEqual({ file: FILE, line: 2, col: 2 });
    expect(sourceLocs.get(m)).toEqual({ file: FILE, line: 3, col: 2 });
    expect(sourceLocs.get(m.entries.get('k') as GMap)).toEqual({ file: FILE, line: 3, col: 6 });
  });

  it('reads the gene-core §1.6 example', () => {
    expect(show('(println {^a^b 1} {^^x ^!y} {^p^!q})')).toBe('(println {^a {^b 1}} {^x true ^y nil} {^p {^q false}})');
    expect(show('(println [1 xs... 4] (_ 1 (1 + 1)) `(f ^k "v" x))')).toBe(
      '(println [1 xs... 4] (_ 1 (1 + 1)) (` (f ^k "v" x)))',
    );
  });
});

describe('locations', () => {
  it('counts LF, CRLF and lone CR as one line break; columns in UTF-16 units', () => {
    const forms = all('a\nb\r\nc\rd\n\te\n😀 f') as Sym[];
    expect(forms.map((s) => [s.loc!.line, s.loc!.col])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 2],
      [6, 1],
      [6, 4],
    ]);
  });
});

describe('readOne', () => {
  it('reads exactly one form, allowing trailing whitespace and comments', () => {
    expect(one('  42 # done\n')).toBe(42);
  });

  it('rejects empty input and extra forms', () => {
    let e = parseError('', readOne);
    expect(e.detail).toBe('expected a form, found end of file');
    e = parseError(' # only a comment', readOne);
    expect(e.detail).toBe('expected a form, found end of file');
    e = parseError('1 2', readOne);
    expect(e.detail).toBe('expected end of input after the form, found 2');
    expect([e.loc.line, e.loc.col]).toEqual([1, 3]);
  });

  it('readAll of nothing is no forms', () => {
    expect(all('')).toEqual([]);
    expect(all(' \n # c\n #< x >#')).toEqual([]);
  });
});

describe('parse errors', () => {
  it('unterminated lists say what was opened where, at end of file', () => {
    expectError('\n\n    (a b', 3, 9, "expected ')' to close the list opened at 3:5, found end of file");
    expectError('[1 2', 1, 5, "expected ']' to close the array opened at 1:1, found end of file");
    expectError('{^a 1', 1, 6, "expected '}' to close the map opened at 1:1, found end of file");
    expectError('(', 1, 2, "expected ')' to close the list opened at 1:1");
    expectError('(a [b {^c (d', 1, 13, "expected ')' to close the list opened at 1:11");
  });

  it('mismatched and unmatched delimiters', () => {
    expectError(')', 1, 1, "unmatched delimiter ')'");
    expectError('a\n ]', 2, 2, "unmatched delimiter ']'");
    expectError('(a }', 1, 4, "expected ')' to close the list opened at 1:1, found '}'");
    expectError('[a )', 1, 4, "expected ']' to close the array opened at 1:1, found ')'");
    expectError('{^a 1 ]', 1, 7, "expected '}' to close the map opened at 1:1, found ']'");
  });

  it('unterminated strings, chars and block comments', () => {
    expectError('(a "abc', 1, 8, `expected '"' to close the string opened at 1:4, found end of file`);
    expectError('"abc\\', 1, 6, `expected '"' to close the string opened at 1:1`);
    expectError('"""abc""', 1, 9, `expected '"""' to close the string opened at 1:1`);
    expectError('x #< never\nclosed', 2, 7, "expected '>#' to close the block comment opened at 1:3, found end of file");
    expectError("'", 1, 2, `expected a character after "'", found end of file`);
    expectError("'\\", 1, 3, `expected a character after "'\\"`);
    expectError("'ab'", 1, 3, `expected "'" to close the char literal opened at 1:1, found b`);
    expectError("'a", 1, 3, `expected "'" to close the char literal opened at 1:1, found end of file`);
  });

  it('bad \\u escapes and unpaired surrogates', () => {
    expectError('"x\\u12"', 1, 3, "invalid escape '\\u12': expected 4 hex digits after \\u");
    expectError('"\\u"', 1, 2, "invalid escape '\\u'");
    expectError('"\\uZZZZ"', 1, 2, 'expected 4 hex digits');
    expectError('"\\uD83D"', 1, 2, "invalid escape '\\uD83D': a high surrogate must be followed by a low surrogate");
    expectError('"\\uD83D\\u0041"', 1, 2, 'high surrogate');
    expectError('"\\uDE00"', 1, 2, "invalid escape '\\uDE00': a low surrogate must follow a high surrogate");
  });

  it('interpolation errors', () => {
    expectError('#"abc', 1, 6, `expected '"' to close the string opened at 1:1, found end of file`);
    expectError('#"a #{x"', 1, 8, "expected '}' to close '#{' opened at 1:5, found a string");
    expectError('#"#{a b}"', 1, 7, "expected '}' to close '#{' opened at 1:3, found b");
    expectError('#"#{}"', 1, 5, "expected an expression inside '#{}'");
    expectError('#"#{)}"', 1, 5, "expected an expression after '#{' opened at 1:3, found ')'");
    expectError('#"#(a', 1, 6, "expected ')' to close the list opened at 1:4, found end of file");
    expectError('#"#[1"', 1, 7, `expected '"' to close the string opened at 1:6`); // the " starts a string inside the array
  });

  it('map keys without ^, missing values and bad keys', () => {
    expectError('{a 1}', 1, 2, 'expected a ^key in map, found a');
    expectError('{^a 1 2}', 1, 7, 'expected a ^key in map, found 2');
    expectError('{^a}', 1, 4, "expected a value for ^a, found '}'");
    expectError('(f ^a)', 1, 6, "expected a value for ^a, found ')'");
    expectError('(f ^a ^b 1)', 1, 7, 'expected a value for ^a, found ^b');
    expectError('(f ^a', 1, 6, 'expected a value for ^a, found end of file');
    expectError('(f ^a ;)', 1, 7, "expected a value for ^a, found ';'");
    expectError('(f ^ 1)', 1, 4, "expected a property name after '^', found whitespace");
    expectError('(f ^\n1)', 1, 4, "expected a property name after '^', found end of line");
    expectError('(f ^!)', 1, 4, 'invalid property key ^!: a name is missing');
    expectError('{^a^ 1}', 1, 2, 'invalid property key ^a^: a name is missing');
    expectError('{^^a^b 1}', 1, 2, "invalid property key ^^a^b: '^^' may only mark the last name");
    expectError('{^a^!b^c 1}', 1, 2, "'^!' may only mark the last name");
  });

  it('duplicate keys', () => {
    expectError('(f ^a 1 ^a 2)', 1, 9, 'duplicate property ^a');
    expectError('{^a 1 ^^a}', 1, 7, 'duplicate key ^^a');
    expectError('{^a 1 ^a^b 2}', 1, 7, 'duplicate key ^a^b');
    expectError('{^a^b 1 ^a^b 2}', 1, 9, 'duplicate key ^a^b');
    expectError('{^a^b 1 ^a 2}', 1, 9, 'duplicate key ^a');
  });

  it('a second property group in a gene', () => {
    expectError('(f ^a 1 x ^b 2)', 1, 11, 'properties found in wrong place', '^b');
    expectError('(f x ^a 1 y\n ^^b)', 2, 2, 'properties found in wrong place');
  });

  it('misplaced semicolons', () => {
    expectError('a; b', 1, 2, "unexpected ';'");
    expectError('[a; b]', 1, 3, "unexpected ';'");
    expectError('(; a)', 1, 2, "expected the gene's head before ';'");
    expectError('(a .m;)', 1, 7, "expected a method call after ';', found ')'");
    expectError('(a .m;; .n)', 1, 7, "expected a method call after ';', found ';'");
  });

  it('quote with nothing to quote', () => {
    expectError('`', 1, 2, "expected a form to quote after '`', found end of file");
    expectError('(a `)', 1, 5, "expected a form to quote after '`', found ')'");
  });

  it('unsupported # dispatch forms', () => {
    expectError('#[1 2]', 1, 1, "'#[' (set literal) is not supported");
    expectError('(x #/re/)', 1, 4, "'#/' (regex literal) is not supported");
    expectError('#@dec f', 1, 1, "'#@' (decorator) is not supported");
  });

  it('control characters outside strings and comments', () => {
    expectError('a\u0001b', 1, 2, 'unexpected control character U+0001');
    expectError('(f \u0000)', 1, 4, 'unexpected control character U+0000');
    expectError('{^a\u007fb 1}', 1, 4, 'U+007F');
    expect(one('"a\u0000b"')).toEqual(new GString('a\u0000b'));
    expect(all('# \u0000\n1')).toEqual([1]);
  });

  it('a backslash at end of file in a symbol', () => {
    expectError('abc\\', 1, 5, "expected a character after '\\', found end of file");
  });

  it('clips huge tokens in messages', () => {
    const e = parseError(`{${'k'.repeat(10000)} 1}`);
    expect(e.detail.length).toBeLessThan(120);
  });
});

describe('pathological input', () => {
  it(`accepts ${MAX_NESTING} levels of nesting and rejects one more`, () => {
    expect(one('('.repeat(MAX_NESTING) + ')'.repeat(MAX_NESTING))).toBeInstanceOf(GGene);
    expect(Array.isArray(one('['.repeat(MAX_NESTING) + ']'.repeat(MAX_NESTING)))).toBe(true);
    expectError('('.repeat(MAX_NESTING + 1), 1, MAX_NESTING + 1, 'nesting too deep');
  });

  it('stays a ParseError for very deep input of every nesting kind', () => {
    const n = 200_000;
    for (const src of [
      '('.repeat(n),
      '['.repeat(n),
      '{^a '.repeat(n),
      '`'.repeat(n) + 'x',
      '#"#{'.repeat(n),
      '(a ^b '.repeat(n),
      '{^' + 'a^'.repeat(n) + 'b 1}',
    ]) {
      expect(parseError(src).detail).toContain('nesting too deep');
    }
  });

  it('reads lone surrogates and non-ASCII in symbols and strings', () => {
    expect(sym(one('\uD800x'))).toBe('\uD800x');
    expect(one('"\uDC00"')).toEqual(new GString('\uDC00'));
    expect(sym(one('naïve→λ'))).toBe('naïve→λ');
  });

  // Its speed is the bench's business (npm run bench), not a timed assertion here.
  it('reads a large flat program, every form with its position', () => {
    const src = '(f ^k "v" [1 2.5 x] {^a b})\n'.repeat(20_000);
    const forms = all(src);
    expect(forms).toHaveLength(20_000);
    expect((forms[19_999] as GGene).loc).toMatchObject({ line: 20_000, col: 1 });
  });
});

// ---- property tests ----

/** Reads src; returns true, or rethrows anything that is not a well-formed ParseError. */
function readsOrParseError(src: string): boolean {
  try {
    readAll(src, FILE);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const { line, col, file } = e.loc;
    if (file !== FILE || !(line >= 1) || !(col >= 1) || e.detail.length === 0) throw new Error(`bad loc/detail: ${e.message}`);
  }
  return true;
}

const VALID_PROGRAMS = [
  '(println 1, 2,3)',
  '(println 1 #< hidden ># 2) # trailing\n## doc\n',
  '(var n 5)\n(var xs [1 "s"])\n(println #"n=#{n} next=#(n + 1) xs=#{xs}" "#{n}")',
  '(println {^a^b 1} {^^x ^!y} {^p^!q})\n(var xs [2 3])\n(println [1 xs... 4] (_ 1 (1 + 1)) `(f ^k "v" x))',
  '(fn f [a b... ^k = 4 ^^flag] [a b k flag])\n(println (f 1 2 3 ^k 9 ^!flag))',
  '(var arr [10 20 30])\n(println arr/0 arr/-1 arr/.size $ex/code)',
  '(a .m1; .m2 x) (x %= 2) (% 7 2) \'a\' \'\\n\' "\\u0041\\uD83D\\uDE00\\f" """tri "q" ple"""',
  '(println 3.0 0.1 1e16 1e17 -1e-7 1.5e-7 5. +7 -10 .5 -x)',
  '#"a#[1 2]b#{^k 1}c#d" (s .append #"x\\"y")',
];

const GENE_CHARS = [...'()[]{}^;`%#<>"\'\\,.:/$!+-=_ \n\t\rab01e9'].concat(['\u0000', '\uD800', '😀', 'é']);

describe('property: random input never escapes as anything but ParseError', () => {
  it('random strings over Gene-significant characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...GENE_CHARS), maxLength: 60 }), readsOrParseError),
      { seed: 42, numRuns: 300 },
    );
  });

  it('random binary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), readsOrParseError), {
      seed: 42,
      numRuns: 300,
    });
  });

  it('random mutations of valid programs', () => {
    const edit = fc.tuple(
      fc.constantFrom('insert', 'delete', 'replace', 'duplicate'),
      fc.nat(),
      fc.nat({ max: 6 }),
      fc.constantFrom(...GENE_CHARS),
    );
    fc.assert(
      fc.property(fc.constantFrom(...VALID_PROGRAMS), fc.array(edit, { minLength: 1, maxLength: 4 }), (prog, edits) => {
        let s = prog;
        for (const [op, at, len, ch] of edits) {
          const i = at % (s.length + 1);
          if (op === 'insert') s = s.slice(0, i) + ch + s.slice(i);
          else if (op === 'delete') s = s.slice(0, i) + s.slice(i + len);
          else if (op === 'replace') s = s.slice(0, i) + ch + s.slice(i + 1);
          else s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i);
        }
        return readsOrParseError(s);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('the valid programs themselves read', () => {
    for (const p of VALID_PROGRAMS) expect(() => readAll(p, FILE)).not.toThrow();
  });
});

describe('property: reading the repr of a value gives the value back', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_?!.-]{0,6}$/).filter((s) => !['nil', 'true', 'false'].includes(s));
  const text = fc.string({ unit: fc.constantFrom(...'ab #{}()[]^;`\'%\n\t,é😀'), maxLength: 8 });
  const { value } = fc.letrec<{ value: Value }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<Value>(null, true, false),
      fc.integer({ min: INT_MIN, max: INT_MAX }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new GFloat(d)),
      text.map((s) => new GString(s)),
      name.map((s) => new Sym(s)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc
        .uniqueArray(fc.tuple(name, tie('value')), { selector: ([k]) => k, maxLength: 3 })
        .map((kvs) => new GMap(new Map(kvs))),
      fc
        .tuple(
          tie('value'),
          fc.uniqueArray(fc.tuple(name, tie('value')), { selector: ([k]) => k, maxLength: 2 }),
          fc.array(tie('value'), { maxLength: 3 }),
        )
        .map(([type, props, children]) => new GGene(type, new Map(props), children)),
    ),
  }));

  it('round-trips random values', () => {
    fc.assert(
      fc.property(value, (v) => {
        const printed = repr(v);
        const back = readOne(printed, FILE);
        if (!equals(back, v)) throw new Error(`${printed} read back as ${repr(back)}`);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
