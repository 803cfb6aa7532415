// Issue 5, reader: random and mutated programs never crash or hang the reader (or the
// compiler): each ends in a ParseError/CompileError or a successful parse.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Compiler } from '../src/compiler/compiler.js';
import { readAll } from '../src/reader/reader.js';
import { CompileError, ParseError } from '../src/values/errors.js';
import { fuzzParams } from './config.js';

const SEEDS = [
  '(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))',
  '(var m {^a 1 ^b [1 2 {^c "x"}]}) (m/a += 1) (println m/b/2/c)',
  '(try (throw {^code 7}) catch * $ex/code finally (println "f"))',
  '(var t (spawn ^args {^x 1} (println #"x=#{x} #(x + 1)"))) (t .join)',
  '#< block ># (for [k v] in {^a 1} (print k v)) # comment\n(while false (continue))',
  '(var f (async (40 + 2))) (f .on_success (fn [v] v)) `(quoted ^^p ^!q x...)',
];

/** Read then compile; anything but our own errors is a bug. */
function readAndCompile(text: string): void {
  try {
    new Compiler('fuzz.gene').compileModule(readAll(text, 'fuzz.gene'));
  } catch (e) {
    if (e instanceof ParseError || e instanceof CompileError) return;
    throw e;
  }
}

const geneChars = fc.constantFrom(...'()[]{}^!#<>"\'`\\/.;,:$%=+-*0123456789abcxyz \n\t'.split(''), 'fn', 'var', 'if', 'else', 'spawn', 'catch', 'try', '...', '#"', '#{', '#(', '"""');

describe('reader and compiler robustness', () => {
  it('random token soup reads or fails with ParseError/CompileError', () => {
    fc.assert(fc.property(fc.array(geneChars, { maxLength: 80 }).map((a) => a.join('')), (text) => readAndCompile(text)),
      fuzzParams('random token soup', 400));
  });

  it('mutated valid programs read or fail cleanly', () => {
    const mutation = fc.tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat(4), fc.string({ maxLength: 3 })), { maxLength: 6 }));
    fc.assert(
      fc.property(mutation, ([seed, edits]) => {
        let text = seed;
        for (const [pos, len, ins] of edits) {
          const p = pos % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + len);
        }
        readAndCompile(text);
      }),
      fuzzParams('mutated programs', 400),
    );
  });

  it('arbitrary unicode strings read or fail with ParseError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => readAndCompile(text)),
      fuzzParams('unicode strings', 300));
  });
});
